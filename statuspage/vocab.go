package statuspage

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// impactOf is the Statuspage incident impact word (none, minor, major,
// critical, maintenance) for a state, the one vocabulary Incident.Impact
// uses whatever the platform, so ImpactState reads it back.
func impactOf(s observe.State) string {
	switch s {
	case observe.Operational:
		return "none"
	case observe.UnderMaintenance:
		return "maintenance"
	case observe.Degraded:
		return "minor"
	case observe.PartialOutage:
		return "major"
	case observe.MajorOutage:
		return "critical"
	}
	return ""
}

// lowerStatus normalizes a remote status word for Incident.Status:
// cleaned, lower case, spaces as underscores ("In progress" becomes
// "in_progress").
func lowerStatus(s string) string {
	return strings.ReplaceAll(strings.ToLower(termtext.Line(s)), " ", "_")
}

// statusWords finds an incident status in free text, newest wording
// first: the words feeds and status pages use for each stage.
var statusWords = []struct {
	re     func() *regexp.Regexp
	status string
}{
	{lazyregexp.New(`(?i)\bpost-?mortem\b`), "postmortem"},
	{lazyregexp.New(`(?i)\[?\bresolved\b\]?|\bhas been (fixed|mitigated|restored)\b|\boperating normally\b|\bback to normal\b|\bfully recovered\b`), "resolved"},
	{lazyregexp.New(`(?i)\bmonitoring\b`), "monitoring"},
	{lazyregexp.New(`(?i)\bidentified\b`), "identified"},
	{lazyregexp.New(`(?i)\binvestigating\b`), "investigating"},
}

// inferStatus guesses an incident status from its title and latest text,
// or returns "" when the text does not say.
func inferStatus(texts ...string) string {
	for _, w := range statusWords {
		for _, t := range texts {
			if w.re().MatchString(t) {
				return w.status
			}
		}
	}
	return ""
}

// sortIncidents orders incidents newest first by their last update, then
// start; equal times keep their order.
func sortIncidents(in []observe.Incident) {
	key := func(i observe.Incident) time.Time {
		if !i.UpdatedAt.IsZero() {
			return i.UpdatedAt
		}
		return i.StartedAt
	}
	slices.SortStableFunc(in, func(a, b observe.Incident) int { return key(b).Compare(key(a)) })
}

// stateWord maps the state words pages print ("Degraded performance",
// "Full outage", "Operational") to a State.
func stateWord(s string) observe.State {
	w := strings.ToLower(strings.TrimSpace(s))
	w = strings.NewReplacer(" ", "_", "-", "_").Replace(w)
	if st := ComponentState(w); st != observe.Unknown {
		return st
	}
	switch {
	case strings.Contains(w, "major") || strings.Contains(w, "full") || strings.Contains(w, "interruption"):
		return observe.MajorOutage
	case strings.Contains(w, "partial") || strings.Contains(w, "disruption") || strings.Contains(w, "outage"):
		return observe.PartialOutage
	case strings.Contains(w, "degrad") || strings.Contains(w, "minor") || strings.Contains(w, "performance") || strings.Contains(w, "delay"):
		return observe.Degraded
	case strings.Contains(w, "maintenance"):
		return observe.UnderMaintenance
	case strings.Contains(w, "operational") || strings.Contains(w, "available") || strings.Contains(w, "restored") || strings.Contains(w, "normal"):
		return observe.Operational
	}
	return observe.Unknown
}
