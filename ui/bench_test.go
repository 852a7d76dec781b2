package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// manyVendors is the incident picture grown to n vendors.
func manyVendors(n int) correlate.Report {
	rep := incidentReport()
	base := rep.Vendors
	for i := len(base); i < n; i++ {
		v := base[i%len(base)]
		v.ID, v.Name = fmt.Sprintf("v%03d", i), fmt.Sprintf("Vendor %03d", i)
		rep.Vendors = append(rep.Vendors, v)
	}
	return rep
}

// BenchmarkViewKey is the work between a key press and the frame the
// renderer diffs on its next tick: Update with the key, then View, with
// 200 vendors at 120x40.
func BenchmarkViewKey(b *testing.B) {
	m := New(&fakeBackend{}, Options{Now: func() time.Time { return now }})
	send(m, tea.WindowSizeMsg{Width: 120, Height: 40}, Update{Report: manyVendors(200)})
	keys := []tea.Msg{press("j"), press("k")}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Update(keys[i%2])
		m.View()
		i++
	}
}

// With more vendors than fit, the table shows a window that keeps the
// selection (▸) in sight wherever it moves, and renders only that window.
func TestTableScrollsWithSelection(t *testing.T) {
	m := New(&fakeBackend{}, Options{Now: func() time.Time { return now }})
	send(m, tea.WindowSizeMsg{Width: 120, Height: 40}, Update{Report: manyVendors(200)})
	top := m.View().Content
	if !strings.Contains(top, "▸") {
		t.Fatalf("no selection on the first screen:\n%s", top)
	}
	send(m, press("G"))
	if s := m.View().Content; !strings.Contains(s, "▸") || s == top {
		t.Fatalf("the bottom of the table is not shown:\n%s", s)
	}
	for i := range 120 {
		send(m, press("k"))
		if s := m.View().Content; !strings.Contains(s, "▸") {
			t.Fatalf("after %d ups the selection is out of sight:\n%s", i+1, s)
		}
	}
	send(m, press("g"))
	if s := m.View().Content; s != top {
		t.Errorf("back at the top the screen differs:\n%s", s)
	}
}
