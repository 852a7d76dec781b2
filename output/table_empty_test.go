package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// Issue 21: a report with no vendor never says every vendor looks
// healthy, whatever its level.
func TestTableWithNoVendors(t *testing.T) {
	for _, level := range []correlate.Level{correlate.LevelOK, correlate.LevelUnknown} {
		var b bytes.Buffer
		if err := WriteTable(&b, correlate.Report{SchemaVersion: correlate.SchemaVersion, Overall: level}, TableOptions{NoColor: true}); err != nil {
			t.Fatal(err)
		}
		if out := b.String(); strings.Contains(out, "healthy") || !strings.Contains(out, "No vendors were checked.") {
			t.Errorf("overall %s, no vendors:\n%s", level, out)
		}
	}
}

// Issue 21: the incident report's JSON has arrays for lists at every
// depth, a finding's keys and advice included.
func TestIncidentJSONListsAreArrays(t *testing.T) {
	var b bytes.Buffer
	rep := IncidentReport{Findings: []correlate.FindingRecord{{Finding: correlate.Finding{Kind: correlate.KindVendorIncident, Vendors: []string{"vapi"}}}}}
	if err := WriteIncidentJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{`"keys": []`, `"advice": []`, `"timeline": []`, `"vendors": []`} {
		if !strings.Contains(out, want) {
			t.Errorf("incident JSON lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "null") {
		t.Errorf("incident JSON holds null:\n%s", out)
	}
}
