package correlate

import (
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// A report narrowed to GitHub keeps GitHub's row and the findings about
// it or about no vendor, and its level is GitHub's, not VAPI's outage.
func TestNarrow(t *testing.T) {
	rep, _ := Assess(snapAt(at("12:46"),
		vendorAt("vapi", "VAPI").page(observe.MajorOutage, "Major outage"),
		vendorAt("github", "GitHub")), Memory{})
	if rep.Overall != LevelCritical {
		t.Fatalf("whole report overall = %s, want critical", rep.Overall)
	}
	rep.Findings = append(rep.Findings, Finding{Kind: KindNetworkLocal, Severity: SeverityWarning, Vendors: []string{}})
	got := Narrow(rep, []string{"github"})
	if len(got.Vendors) != 1 || got.Vendors[0].ID != "github" {
		t.Errorf("vendors = %+v, want GitHub alone", got.Vendors)
	}
	if len(got.Findings) != 1 || got.Findings[0].Kind != KindNetworkLocal || got.Overall != LevelWarning || got.Verdict.Word != WordUs {
		t.Errorf("findings %+v, overall %s; want network_local alone, warning", got.Findings, got.Overall)
	}
	if whole := Narrow(rep, nil); whole.Overall != LevelCritical || len(whole.Vendors) != 2 {
		t.Errorf("nil ids changed the report: %s, %d vendors", whole.Overall, len(whole.Vendors))
	}
}
