package ui

import (
	"strings"
	"testing"
)

// A status page cut to size says so in the vendor's detail: how many
// components, incidents and updates were left out.
func TestDetailShowsWhatTheCapsLeftOut(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, &fakeBackend{}, 120, 40)
	r := incidentReport()
	v := r.Vendors[1] // VAPI
	v.Status.ComponentsOmitted, v.Status.IncidentsOmitted = 93000, 2
	v.Status.Incidents[0].UpdatesOmitted = 12
	out := stripSGR(strings.Join(m.detailLines(v, 120, true), "\n"))
	for _, want := range []string{
		"Cut to size: 93,000 components and 2 incidents of the page are not kept.",
		"COMPONENTS (4 of 93004)",
		"… 12 earlier updates not kept",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the detail does not say %q:\n%s", want, out)
		}
	}
	calm := stripSGR(strings.Join(m.detailLines(incidentReport().Vendors[1], 120, true), "\n"))
	if strings.Contains(calm, "Cut to size") || strings.Contains(calm, "not kept") {
		t.Errorf("a page that was not cut says it was:\n%s", calm)
	}
}
