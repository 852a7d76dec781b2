package ui

import (
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// rebuild recomputes everything derived from the report, the size and the
// theme: the row order, the selection and the scrollable contents. It is
// cheap enough to call on every change.
func (m *Model) rebuild() {
	m.rows = m.rows[:0]
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	for i, v := range m.report.Vendors {
		if q == "" || strings.Contains(strings.ToLower(v.Name), q) || strings.Contains(strings.ToLower(v.ID), q) {
			m.rows = append(m.rows, i)
		}
	}
	if !m.configSort {
		vs := m.report.Vendors
		// A vendor whose trouble is confirming ranks with the unknown,
		// above the healthy: it is where the next answer comes from.
		rank := func(v correlate.VendorReport) int {
			if m.report.Phase(v) == correlate.StatePending {
				return max(levelRank(v.Level), levelRank(correlate.LevelUnknown))
			}
			return levelRank(v.Level)
		}
		slices.SortStableFunc(m.rows, func(a, b int) int {
			if d := rank(vs[b]) - rank(vs[a]); d != 0 {
				return d
			}
			return vs[b].Status.State.Severity() - vs[a].Status.State.Severity()
		})
	}
	if (!m.picked || m.cursor() < 0) && len(m.rows) > 0 {
		// Until the user picks a vendor, the selection is the top row:
		// the worst vendor, whose detail is what they want to see.
		m.selected = m.report.Vendors[m.rows[0]].ID
	}
	m.layout()
}

// levelRank orders levels for "worst first": critical, warning, unknown,
// ok.
func levelRank(l correlate.Level) int {
	switch l {
	case correlate.LevelCritical:
		return 3
	case correlate.LevelWarning:
		return 2
	case correlate.LevelOK:
		return 0
	}
	return 1
}

// cursor is the selected vendor's position in rows, or -1.
func (m *Model) cursor() int {
	for i, r := range m.rows {
		if m.report.Vendors[r].ID == m.selected {
			return i
		}
	}
	return -1
}

// move moves the selection by n rows, staying in range.
func (m *Model) move(n int) {
	if len(m.rows) == 0 {
		return
	}
	i := min(max(m.cursor()+n, 0), len(m.rows)-1)
	m.picked = true
	m.selected = m.report.Vendors[m.rows[i]].ID
	m.layout()
}

// current returns the selected vendor's report.
func (m *Model) current() (correlate.VendorReport, bool) {
	if m.selected == "" {
		return correlate.VendorReport{}, false
	}
	return m.report.Vendor(m.selected)
}

// vendorName returns a vendor's display name, or its id when unknown.
func (m *Model) vendorName(id string) string {
	if v, ok := m.report.Vendor(id); ok && v.Name != "" {
		return v.Name
	}
	return id
}

// lastCheck is the time of the most recent observation in the report.
func lastCheck(r correlate.Report) time.Time {
	var t time.Time
	later := func(x time.Time) {
		if x.After(t) {
			t = x
		}
	}
	for _, v := range r.Vendors {
		later(v.Status.CheckedAt)
		if v.Reachability != nil {
			later(v.Reachability.CheckedAt)
		}
		for _, k := range v.Keys {
			later(k.CheckedAt)
		}
	}
	return t
}

// vendorSince is when the vendor's current trouble began: the earliest
// start among its findings at its own level, else among its failing keys.
// It is zero for a calm vendor.
func vendorSince(r *correlate.Report, v correlate.VendorReport) time.Time {
	var t time.Time
	if v.Level == correlate.LevelOK {
		return t
	}
	earlier := func(x time.Time) {
		if !x.IsZero() && (t.IsZero() || x.Before(t)) {
			t = x
		}
	}
	for _, f := range r.FindingsFor(v.ID) {
		if f.Severity.Level() == v.Level {
			earlier(f.Since)
		}
	}
	if t.IsZero() {
		for _, k := range v.Keys {
			if k.Result != observe.ResultOK {
				earlier(k.Since)
			}
		}
		for _, in := range v.Status.Open() {
			earlier(in.StartedAt)
		}
	}
	return t
}
