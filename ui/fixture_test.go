package ui

import (
	"context"
	"image/color"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

// at is a time of the incident log's day (2026-05-21), in UTC.
var at = fixture.At

// now is the fixed clock of every test: 12:57, twelve minutes after VAPI
// posted its outage.
var now = at("12:57")

// incidentReport is the picture at 12:57 on 2026-05-21: OpenAI's prod key
// revoked while OpenAI reports operational; VAPI's API failing since 12:35
// and its status page confirming a major outage since 12:45; Anthropic and
// GitHub calm.
func incidentReport() correlate.Report {
	checked := at("12:56")
	openai := observe.VendorResult{ID: "openai", Name: "OpenAI", Keys: []observe.KeyResult{
		{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultInvalidKey, HTTPStatus: 401, Code: "invalid_api_key",
			Message:   "Incorrect API key provided: sk-proj-********MxYA. You can find your API key at https://platform.openai.com/account/api-keys.",
			LatencyMS: 231, CheckedAt: checked, Since: at("10:57"), Consecutive: 120},
		{Name: "canary-1", Fingerprint: "sk-proj-…Q2aB", Canary: true, Result: observe.ResultOK, HTTPStatus: 200, LatencyMS: 204, CheckedAt: checked, Since: at("09:00"), Consecutive: 237},
	}}
	openai.Status = observe.Status{
		State: observe.Operational, Description: "All Systems Operational", PageURL: "https://status.openai.com", CheckedAt: checked,
		Sources: []observe.Source{{URL: "https://status.openai.com/api/v2/summary.json", Format: "statuspage", OK: true, LatencyMS: 182}},
		Components: []observe.Component{
			{Name: "API", State: observe.Operational}, {Name: "ChatGPT", State: observe.Operational},
			{Name: "Sora", State: observe.Operational}, {Name: "Playground", State: observe.Operational},
		},
	}
	openai.Reachability = &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, LatencyMS: 90, CheckedAt: checked}

	vapi := observe.VendorResult{ID: "vapi", Name: "VAPI", DependsOn: []string{"openai"}, Keys: []observe.KeyResult{
		{Name: "prod", Fingerprint: "9f1c…e2d4", Result: observe.ResultVendorError, HTTPStatus: 502,
			Message: "502 Bad Gateway (HTML where JSON was expected)", LatencyMS: 2410, CheckedAt: checked, Since: at("12:35"), Consecutive: 21},
	}}
	vapi.Status = observe.Status{
		State: observe.MajorOutage, Description: "Major outage", PageURL: "https://status.vapi.ai", CheckedAt: checked,
		Sources: []observe.Source{{URL: "https://status.vapi.ai/index.json", Format: "betterstack", OK: true, LatencyMS: 2380}},
		Components: []observe.Component{
			{Name: "API", State: observe.MajorOutage}, {Name: "Dashboard", State: observe.MajorOutage},
			{Name: "Phone calls", State: observe.PartialOutage}, {Name: "Webhooks", State: observe.Operational},
		},
		Incidents: []observe.Incident{{
			ID: "901977", Title: "API and dashboard down", Status: "identified", Impact: "major",
			StartedAt: at("12:45"), UpdatedAt: at("12:52"), URL: "https://status.vapi.ai/incident/901977",
			Components: []string{"API", "Dashboard"}, LatestUpdate: "Our dashboard cannot reach our backend.",
			Updates: []observe.Update{
				{Status: "identified", At: at("12:52"), Body: "Our dashboard cannot reach our backend, and API requests fail with 502. We have identified the cause and are deploying a fix."},
				{Status: "investigating", At: at("12:45"), Body: "We are investigating failures of the dashboard and the API. Calls cannot be started or recorded."},
			},
		}},
	}
	vapi.Reachability = &observe.Reachability{Result: observe.ResultVendorError, HTTPStatus: 502, LatencyMS: 2390, Error: "HTTP 502 Bad Gateway", CheckedAt: checked}

	anthropic := observe.VendorResult{ID: "anthropic", Name: "Anthropic", Keys: []observe.KeyResult{
		{Name: "prod", Fingerprint: "sk-ant-…7QwA", Result: observe.ResultOK, HTTPStatus: 200, LatencyMS: 312, CheckedAt: checked, Since: at("09:00"), Consecutive: 237},
	}}
	anthropic.Status = observe.Status{
		State: observe.Operational, Description: "All Systems Operational", PageURL: "https://status.claude.com", CheckedAt: checked,
		Sources:    []observe.Source{{URL: "https://status.claude.com/api/v2/summary.json", Format: "statuspage", OK: true, LatencyMS: 141}},
		Components: []observe.Component{{Name: "Claude API (api.anthropic.com)", State: observe.Operational}, {Name: "claude.ai", State: observe.Operational}},
	}
	anthropic.Reachability = &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, LatencyMS: 120, CheckedAt: checked}

	github := observe.VendorResult{ID: "github", Name: "GitHub", Keys: []observe.KeyResult{}}
	github.Status = observe.Status{
		State: observe.Operational, Description: "All Systems Operational", PageURL: "https://www.githubstatus.com", CheckedAt: checked,
		Sources:    []observe.Source{{URL: "https://www.githubstatus.com/api/v2/summary.json", Format: "statuspage", OK: true, LatencyMS: 95}},
		Components: []observe.Component{{Name: "Git Operations", State: observe.Operational}, {Name: "API Requests", State: observe.Operational}, {Name: "Actions", State: observe.Operational}},
	}

	return correlate.Report{
		SchemaVersion: correlate.SchemaVersion, GeneratedAt: checked, Overall: correlate.LevelCritical,
		Vendors: []correlate.VendorReport{
			{VendorResult: openai, Level: correlate.LevelCritical},
			{VendorResult: vapi, Level: correlate.LevelCritical},
			{VendorResult: anthropic, Level: correlate.LevelOK},
			{VendorResult: github, Level: correlate.LevelOK},
		},
		Findings: []correlate.Finding{
			{Kind: correlate.KindKeyRevoked, Severity: correlate.SeverityCritical, Vendors: []string{"openai"}, Keys: []string{"prod"},
				Title:  "OpenAI key prod revoked while OpenAI reports operational",
				Detail: "401 invalid_api_key on 120 checks in a row since 10:57; OpenAI is reachable and reports no incident; canary-1 still works.",
				Advice: []string{"Look for OpenAI's leak notice in your mail, then rotate prod.", "Check the audit log for api_key.deleted.", "Update every dependent that holds this key: VAPI."},
				Since:  at("10:57")},
			{Kind: correlate.KindVendorOutage, Severity: correlate.SeverityCritical, Vendors: []string{"vapi"}, Keys: []string{"prod"},
				Title:  "VAPI: API and dashboard down (identified)",
				Detail: "VAPI's API has answered 502 since 12:35; its status page reports a major outage since 12:45, 10 minutes later.",
				Advice: []string{"It is them: follow https://status.vapi.ai/incident/901977.", "Calls through VAPI fail until it recovers; switch to a fallback if you have one."},
				Since:  at("12:35")},
			{Kind: correlate.KindUpstreamImpact, Severity: correlate.SeverityWarning, Vendors: []string{"vapi", "openai"}, Keys: []string{},
				Title:  "VAPI depends on OpenAI, whose key prod was revoked",
				Detail: "VAPI holds our OpenAI key; if it holds prod, VAPI's calls to OpenAI fail as well.",
				Advice: []string{"When VAPI is back, update the OpenAI key stored in VAPI's dashboard."},
				Since:  at("10:57")},
		},
	}
}

// incidentTimeline is the day's log as the history store would return it,
// newest first.
func incidentTimeline() []TimelineEntry {
	return []TimelineEntry{
		{At: at("12:52"), Vendor: "vapi", Severity: correlate.SeverityWarning, Text: "Incident update (identified): Our dashboard cannot reach our backend, and API requests fail with 502.", URL: "https://status.vapi.ai/incident/901977"},
		{At: at("12:45"), Vendor: "vapi", Severity: correlate.SeverityCritical, Text: "Status page: major outage, incident opened: API and dashboard down (investigating)", URL: "https://status.vapi.ai/incident/901977"},
		{At: at("12:37"), Vendor: "vapi", Severity: correlate.SeverityWarning, Text: "Finding opened: VAPI's API fails while its status page says operational"},
		{At: at("12:35"), Vendor: "vapi", Severity: correlate.SeverityWarning, Text: "Key prod: ok → vendor_error (HTTP 502)"},
		{At: at("12:20"), Vendor: "openai", Severity: correlate.SeverityInfo, Text: "Key prod-2 added: ok"},
		{At: at("10:57"), Vendor: "openai", Severity: correlate.SeverityCritical, Text: "Finding opened: OpenAI key prod revoked while OpenAI reports operational"},
		{At: at("10:57"), Vendor: "openai", Severity: correlate.SeverityCritical, Text: "Key prod: ok → invalid_key (HTTP 401 invalid_api_key)"},
	}
}

// fakeBackend serves a fixed timeline and report and records what the
// dashboard asked of it.
type fakeBackend struct {
	mu        sync.Mutex
	checks    int
	timelines []string
	entries   []TimelineEntry
	report    string
}

func (f *fakeBackend) Run(ctx context.Context, send func(Update)) { <-ctx.Done() }

func (f *fakeBackend) CheckNow() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.checks++
}

func (f *fakeBackend) Timeline(_ context.Context, vendor string, limit int) ([]TimelineEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.timelines = append(f.timelines, vendor)
	var out []TimelineEntry
	for _, e := range f.entries {
		if vendor == "" || e.Vendor == vendor {
			out = append(out, e)
		}
	}
	return out[:min(len(out), limit)], nil
}

func (f *fakeBackend) IncidentReport(context.Context) (string, error) {
	return f.report, nil
}

var _ Backend = (*fakeBackend)(nil)

// themes are the looks every golden is rendered in.
var themes = []struct {
	name string
	msgs []tea.Msg
}{
	{"dark", []tea.Msg{tea.ColorProfileMsg{Profile: colorprofile.TrueColor}, tea.BackgroundColorMsg{Color: color.Black}}},
	{"light", []tea.Msg{tea.ColorProfileMsg{Profile: colorprofile.TrueColor}, tea.BackgroundColorMsg{Color: color.White}}},
	{"nocolor", []tea.Msg{tea.ColorProfileMsg{Profile: colorprofile.Ascii}}},
}

// newTestModel is a dashboard at w x h with a fixed clock, UTC times and
// the incident report delivered.
func newTestModel(t *testing.T, b *fakeBackend, w, h int, msgs ...tea.Msg) *Model {
	t.Helper()
	m := New(b, Options{Now: func() time.Time { return now }, Location: time.UTC,
		OpenURL: func(context.Context, string) error { return nil }})
	// No timers: the clock and the flash's expiry are sent by hand.
	m.every = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	m.after = m.every
	send(m, msgs...)
	send(m, tea.WindowSizeMsg{Width: w, Height: h}, Update{Report: incidentReport()})
	return m
}

// send delivers messages to the model in order and returns the last
// command.
func send(m *Model, msgs ...tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	for _, msg := range msgs {
		_, cmd = m.Update(msg)
	}
	return cmd
}

// press is a key press as Bubble Tea delivers it.
func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// typeText presses each character of s.
func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(press(string(r)))
	}
}

// screen is the rendered view.
func screen(m *Model) string { return m.View().Content }

// plain is the rendered view without styling.
func plain(m *Model) string {
	var b strings.Builder
	for l := range strings.SplitSeq(stripSGR(screen(m)), "\n") {
		b.WriteString(strings.TrimRight(l, " "))
		b.WriteString("\n")
	}
	return b.String()
}
