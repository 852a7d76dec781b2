package sla

import (
	"slices"
	"time"
)

// span is a half-open stretch of time [from, to) in Unix milliseconds.
type span struct{ from, to int64 }

// spans is a set of time: sorted, disjoint, non-empty spans. The
// functions below keep it in that form.
type spans []span

// ms is t in Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// normal sorts s and merges what overlaps or touches, dropping empty
// spans.
func normal(s []span) spans {
	s = slices.DeleteFunc(slices.Clone(s), func(x span) bool { return x.to <= x.from })
	slices.SortFunc(s, func(a, b span) int {
		if a.from != b.from {
			return cmpInt(a.from, b.from)
		}
		return cmpInt(a.to, b.to)
	})
	var out spans
	for _, x := range s {
		if n := len(out); n > 0 && x.from <= out[n-1].to {
			out[n-1].to = max(out[n-1].to, x.to)
			continue
		}
		out = append(out, x)
	}
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// union is the time in a or b.
func union(a, b spans) spans { return normal(append(slices.Clone(a), b...)) }

// intersect is the time in both a and b.
func intersect(a, b spans) spans {
	var out spans
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i].from, b[j].from), min(a[i].to, b[j].to)
		if lo < hi {
			out = append(out, span{lo, hi})
		}
		if a[i].to < b[j].to {
			i++
		} else {
			j++
		}
	}
	return out
}

// subtract is the time in a and not in b.
func subtract(a, b spans) spans {
	var out spans
	j := 0
	for _, x := range a {
		from := x.from
		for j < len(b) && b[j].to <= from {
			j++
		}
		for k := j; k < len(b) && b[k].from < x.to; k++ {
			if b[k].from > from {
				out = append(out, span{from, b[k].from})
			}
			from = max(from, b[k].to)
		}
		if from < x.to {
			out = append(out, span{from, x.to})
		}
	}
	return out
}

// clip is the part of s within [lo, hi).
func clip(s spans, lo, hi int64) spans { return intersect(s, spans{{lo, hi}}) }

// total is the length of s in milliseconds.
func total(s spans) int64 {
	var n int64
	for _, x := range s {
		n += x.to - x.from
	}
	return n
}

// minutes is a length in milliseconds as minutes.
func minutes(n int64) float64 { return float64(n) / float64(time.Minute/time.Millisecond) }
