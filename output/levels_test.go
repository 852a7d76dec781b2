package output

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// restrictedReport is OpenAI with one restricted key, valid but not
// allowed on the probe's endpoint, as correlate assesses it.
func restrictedReport() correlate.Report {
	t0 := time.Date(2026, 5, 21, 12, 45, 0, 0, time.UTC)
	openai := observe.VendorResult{ID: "openai", Name: "OpenAI", Keys: []observe.KeyResult{{
		Name: "restricted", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultNoPermission, HTTPStatus: 403,
		Message: "You have insufficient permissions for this operation. Missing scopes: api.model.read.", CheckedAt: t0,
	}}, Reachability: &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, LatencyMS: 90, CheckedAt: t0}}
	openai.Status = observe.Status{State: observe.Operational, Description: "All Systems Operational", CheckedAt: t0,
		Sources: []observe.Source{{URL: "https://status.openai.com/api/v2/summary.json", Format: "statuspage", OK: true, LatencyMS: 182}}}
	rep, _ := correlate.Assess(observe.Snapshot{GeneratedAt: t0, Vendors: []observe.VendorResult{openai}}, correlate.Memory{})
	return rep
}

// TestNoPermissionIsAWarning checks issue 14's one change of behaviour in
// --once and the tmux line: a key that lacks permission is a warning, in
// the tmux line's warning glyph, and the --once table paints its result,
// its vendor and the overall level in the warning colour, never red.
func TestNoPermissionIsAWarning(t *testing.T) {
	rep := restrictedReport()
	if rep.Overall != correlate.LevelWarning {
		t.Fatalf("overall = %s, want warning", rep.Overall)
	}
	warn := statusline.Icon(statusline.Warning, false)
	if got, want := Line(&rep, LineOptions{Format: LinePlain}), warn+" OpenAI key config"; got != want {
		t.Errorf("tmux line = %q, want %q", got, want)
	}
	if got, want := Line(&rep, LineOptions{}), "#[fg=colour16,bg=colour220]"+warn+" OpenAI key config#[default]"; got != want {
		t.Errorf("tmux line = %q, want %q", got, want)
	}

	if resultStyle(observe.ResultNoPermission).Render("x") != levelStyle(correlate.LevelWarning).Render("x") {
		t.Error("the --once table does not paint no_permission as a warning")
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, rep, TableOptions{Env: []string{"TERM=xterm-256color", "CLICOLOR_FORCE=1"}}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "31m") || !strings.Contains(out, "33m") {
		t.Errorf("the table is not in the warning colour alone:\n%q", out)
	}
	buf.Reset()
	if err := WriteTable(&buf, rep, TableOptions{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"OpenAI warning", "Overall: WARNING", "warning  OpenAI key restricted lacks permission"} {
		if !strings.Contains(strings.Join(strings.Fields(buf.String()), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

// TestResultColours checks that the --once table colours each result by
// its level in correlate's results table.
func TestResultColours(t *testing.T) {
	for _, tt := range []struct {
		r    observe.Result
		want correlate.Level
	}{
		{observe.ResultOK, correlate.LevelOK},
		{observe.ResultInvalidKey, correlate.LevelCritical},
		{observe.ResultAccountDisabled, correlate.LevelCritical},
		{observe.ResultQuotaExceeded, correlate.LevelCritical},
		{observe.ResultNoPermission, correlate.LevelWarning},
		{observe.ResultMisconfigured, correlate.LevelWarning},
		{observe.ResultUnexpected, correlate.LevelWarning},
		{observe.ResultVendorError, correlate.LevelWarning},
		{observe.ResultNoSecret, correlate.LevelWarning},
	} {
		if resultStyle(tt.r).Render("x") != levelStyle(tt.want).Render("x") {
			t.Errorf("%s is not coloured as %s", tt.r, tt.want)
		}
	}
}

// TestTableSpeaksCorrelatesWords checks that the --once table's REACH,
// KEYS and SOURCE cells say what the dashboard says: correlate's cell
// words.
func TestTableSpeaksCorrelatesWords(t *testing.T) {
	rep := sampleReport()
	rep.Vendors[0].Reachability.Result = observe.ResultNetworkError
	rep.Vendors[1].Reachability = &observe.Reachability{Result: observe.ResultVendorError, HTTPStatus: 502}
	rep.Vendors[1].Keys = []observe.KeyResult{{Name: "prod", Result: observe.ResultVendorError}, {Name: "canary", Result: observe.ResultOK}}
	rep.Vendors[1].Status.Sources[0].OK, rep.Vendors[1].Status.Sources[0].Error = false, "HTTP 503"
	var buf bytes.Buffer
	if err := WriteTable(&buf, rep, TableOptions{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	head := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "VENDOR") })
	for i, v := range rep.Vendors {
		row := strings.Join(strings.Fields(lines[head+i+1]), " ")
		for _, cell := range []func() (string, correlate.Level){
			func() (string, correlate.Level) { return correlate.ReachCell(v.Reachability) },
			func() (string, correlate.Level) { return correlate.KeysCell(v.Keys, false) },
			func() (string, correlate.Level) { return correlate.SourceCell(v.Status) },
		} {
			if want, _ := cell(); !strings.Contains(row, want) {
				t.Errorf("%s's row %q lacks %q", v.Name, row, want)
			}
		}
	}
	for _, want := range []string{"network error", "vendor error", "1/1 failing", "1/2 failing", "error: HTTP 503"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, buf.String())
		}
	}
}
