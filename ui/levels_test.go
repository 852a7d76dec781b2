package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// restrictedReport is OpenAI with one restricted key, valid but not
// allowed on the probe's endpoint, as correlate assesses it.
func restrictedReport() correlate.Report {
	checked := at("12:56")
	openai := observe.VendorResult{ID: "openai", Name: "OpenAI", Keys: []observe.KeyResult{{
		Name: "restricted", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultNoPermission, HTTPStatus: 403,
		Message: "You have insufficient permissions for this operation. Missing scopes: api.model.read.", CheckedAt: checked,
	}}}
	openai.Status = observe.Status{State: observe.Operational, Description: "All Systems Operational", CheckedAt: checked,
		Sources: []observe.Source{{URL: "https://status.openai.com/api/v2/summary.json", Format: "statuspage", OK: true, LatencyMS: 182}}}
	openai.Reachability = &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, LatencyMS: 90, CheckedAt: checked}
	rep, _ := correlate.Assess(observe.Snapshot{GeneratedAt: checked, Vendors: []observe.VendorResult{openai}}, correlate.Memory{})
	return rep
}

// TestNoPermissionIsAWarning checks issue 14's one change of behaviour on
// the dashboard: a key that lacks permission is a warning, drawn with the
// tmux line's warning glyph, in the table, the findings and the key's
// detail; nothing on screen is critical.
func TestNoPermissionIsAWarning(t *testing.T) {
	warn := statusline.Icon(statusline.Warning, false)
	m := newTestModel(t, &fakeBackend{}, 80, 24, tea.ColorProfileMsg{Profile: colorprofile.ANSI})
	send(m, Update{Report: restrictedReport()})
	main := plain(m)
	for _, want := range []string{
		warn + " US: OpenAI key restricted lacks permission", "▸" + warn + " OpenAI", warn + " OpenAI key restricted lacks permission",
	} {
		if !strings.Contains(main, want) {
			t.Errorf("main view lacks %q:\n%s", want, main)
		}
	}
	send(m, press("enter"))
	for range 20 {
		send(m, press("j"))
	}
	detail := stripSGR(m.detail.GetContent())
	if want := warn + " restricted  sk-proj-…MxYA  no permission  HTTP 403"; !strings.Contains(detail, want) {
		t.Errorf("detail lacks %q:\n%s", want, detail)
	}
	send(m, press("esc"))
	for _, out := range []string{screen(m), m.detail.GetContent()} {
		critical := statusline.Icon(statusline.Critical, false)
		if strings.Contains(out, critical) || strings.Contains(out, "✗") || strings.Contains(out, "31m") {
			t.Errorf("a key without permission is drawn as critical (glyph or red):\n%q", out)
		}
	}
}

// TestDashboardGlyphsAreTheStatusLines checks that every level is drawn
// with the tmux line's glyph, and a finding, a state and a result with
// their level's.
func TestDashboardGlyphsAreTheStatusLines(t *testing.T) {
	th := newTheme(true, colorprofile.Ascii)
	for _, l := range []correlate.Level{correlate.LevelOK, correlate.LevelWarning, correlate.LevelCritical, correlate.LevelUnknown} {
		want := statusline.Icon(statusline.Level(l), false)
		if _, g := th.level(l); g != want {
			t.Errorf("level %s is drawn %q, the tmux line draws %q", l, g, want)
		}
	}
	for _, tt := range []struct {
		name string
		got  func() string
		want correlate.Level
	}{
		{"critical finding", func() string { _, g := th.severity(correlate.SeverityCritical); return g }, correlate.LevelCritical},
		{"warning finding", func() string { _, g := th.severity(correlate.SeverityWarning); return g }, correlate.LevelWarning},
		{"major outage", func() string { _, g := th.state(observe.MajorOutage); return g }, correlate.LevelCritical},
		{"degraded", func() string { _, g := th.state(observe.Degraded); return g }, correlate.LevelWarning},
		{"operational", func() string { _, g := th.state(observe.Operational); return g }, correlate.LevelOK},
		{"invalid key", func() string { _, g := th.result(observe.ResultInvalidKey); return g }, correlate.LevelCritical},
		{"no permission", func() string { _, g := th.result(observe.ResultNoPermission); return g }, correlate.LevelWarning},
		{"misconfigured", func() string { _, g := th.result(observe.ResultMisconfigured); return g }, correlate.LevelWarning},
		{"unexpected", func() string { _, g := th.result(observe.ResultUnexpected); return g }, correlate.LevelWarning},
		{"reachable", func() string { _, g := th.result(observe.ResultReachable); return g }, correlate.LevelOK},
		{"not checked", func() string { _, g := th.result(""); return g }, correlate.LevelUnknown},
	} {
		if got, want := tt.got(), statusline.Icon(statusline.Level(tt.want), false); got != want {
			t.Errorf("%s is drawn %q, want %q (%s)", tt.name, got, want, tt.want)
		}
	}
}

// TestTableSpeaksCorrelatesWords checks that the vendor table's REACH and
// KEYS cells say what --once says: correlate's cell words, in full.
func TestTableSpeaksCorrelatesWords(t *testing.T) {
	rep := incidentReport()
	rep.Vendors[2].Reachability.Result = observe.ResultNetworkError
	rep.Vendors[2].Keys[0].Result = observe.ResultNoPermission
	m := newTestModel(t, &fakeBackend{}, 100, 30)
	send(m, Update{Report: rep})
	main := plain(m)
	for _, v := range rep.Vendors {
		reach, _ := correlate.ReachCell(v.Reachability)
		keys, _ := correlate.KeysCell(v.Keys, false)
		row := ""
		_, table, _ := strings.Cut(main, "VENDOR") // below the header, whose verdict names vendors
		for l := range strings.SplitSeq(table, "\n") {
			if strings.Contains(l, " "+v.Name+" ") {
				row = l
				break
			}
		}
		if !strings.Contains(row, "  "+reach+"  ") || !strings.Contains(row, "  "+keys+" ") {
			t.Errorf("%s's row %q lacks REACH %q or KEYS %q", v.Name, row, reach, keys)
		}
	}
	for _, want := range []string{"vendor error", "network error", "1/1 failing", "1/2 failing"} {
		if !strings.Contains(main, want) {
			t.Errorf("the table lacks %q:\n%s", want, main)
		}
	}
}
