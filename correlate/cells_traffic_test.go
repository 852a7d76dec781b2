package correlate

import (
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

func TestPercent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		r    float64
		want string
	}{{0, "0%"}, {-0.1, "0%"}, {0.0004, "0.0%"}, {0.004, "0.4%"}, {0.0994, "9.9%"}, {0.0996, "10%"}, {0.384, "38%"}, {1, "100%"}, {1.7, "100%"}} {
		if got := Percent(tt.r); got != tt.want {
			t.Errorf("Percent(%v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestRequestRate(t *testing.T) {
	t.Parallel()
	for r, want := range map[float64]string{0: "0.0/s", 0.04: "0.0/s", 0.42: "0.4/s", 3.25: "3.2/s", 11.5: "12/s", 120: "120/s"} {
		if got := RequestRate(r); got != want {
			t.Errorf("RequestRate(%v) = %q, want %q", r, got, want)
		}
	}
}

func TestTrafficCell(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		t    *observe.Traffic
		want string
		ok   bool
	}{
		{"no traffic source", nil, "-", false},
		{"prometheus down", &observe.Traffic{Result: observe.ResultTimeout, Series: 3}, "unavailable", false},
		{"no series", &observe.Traffic{Result: observe.ResultOK}, "no series", false},
		{"errors", &observe.Traffic{Result: observe.ResultOK, Series: 2, Errors: observe.TrafficErrors{Auth: 0.3, Vendor: 0.08}}, "38%", true},
	} {
		if got, ok := TrafficCell(tt.t); got != tt.want || ok != tt.ok {
			t.Errorf("%s: TrafficCell = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// TestTrafficSeverity checks that the worst traffic finding colours the
// cell and other findings do not.
func TestTrafficSeverity(t *testing.T) {
	t.Parallel()
	r := Report{Findings: []Finding{
		{Kind: KindVendorOutage, Severity: SeverityCritical, Vendors: []string{"vapi"}},
		{Kind: "traffic_throttled", Severity: SeverityWarning, Vendors: []string{"openai"}},
		{Kind: "traffic_auth_errors", Severity: SeverityCritical, Vendors: []string{"openai"}},
		{Kind: "traffic_source_down", Severity: SeverityInfo, Vendors: []string{"anthropic"}},
	}}
	for id, want := range map[string]Severity{"openai": SeverityCritical, "anthropic": SeverityInfo} {
		if got, ok := r.TrafficSeverity(id); !ok || got != want {
			t.Errorf("%s: %v %v, want %v", id, got, ok, want)
		}
	}
	if _, ok := r.TrafficSeverity("vapi"); ok {
		t.Error("a vendor_outage finding counted as a traffic finding")
	}
}
