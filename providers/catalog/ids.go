package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// Closest returns the id among known nearest to a misspelt one (by edit
// distance, ignoring case), or "" when none is close: within about half
// the id's length. Ties go to the id first in sorted order.
func Closest(id string, known []string) string {
	id = strings.ToLower(id)
	best, bestDist := "", len(id)/2+1
	for _, k := range known {
		d := distance(id, strings.ToLower(k))
		if d < bestDist || (d == bestDist && best != "" && k < best) {
			best, bestDist = k, d
		}
	}
	return best
}

// CheckIDs returns an error naming the first of ids that is not among
// known, with the closest known id as a suggestion, for the flag that gave
// it ("--only"); where says where known comes from ("in the config").
// Nothing is checked when known is empty: there is nothing to check
// against.
func CheckIDs(flag string, ids, known []string, where string) error {
	if len(known) == 0 {
		return nil
	}
	for _, id := range ids {
		if slices.Contains(known, id) {
			continue
		}
		msg := fmt.Sprintf("%s %s: no such vendor %s", flag, id, where)
		if s := Closest(id, known); s != "" {
			return fmt.Errorf("%s; did you mean %s?", msg, s)
		}
		sorted := slices.Clone(known)
		slices.Sort(sorted)
		sorted = slices.Compact(sorted)
		if len(sorted) > 12 {
			sorted = append(sorted[:12], "…")
		}
		return fmt.Errorf("%s (known: %s)", msg, strings.Join(sorted, ", "))
	}
	return nil
}
