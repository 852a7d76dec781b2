package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

var silencedMark = &correlate.Silenced{ID: 3, By: "alice", Until: time.Date(2026, 5, 21, 12, 56, 0, 0, time.UTC), Comment: "far-away region"}

// A silenced finding leaves the status line, both as the full report
// gives it and as the fast path reads it back from the snapshot file.
func TestLineLeavesSilencedFindingsOut(t *testing.T) {
	rep := &correlate.Report{SchemaVersion: correlate.SchemaVersion, Overall: correlate.LevelWarning, Findings: []correlate.Finding{
		{Kind: correlate.KindVendorIncident, Severity: correlate.SeverityCritical, State: correlate.StateOpen, Vendors: []string{"openai"}, Silenced: silencedMark},
		{Kind: correlate.KindVendorIncident, Severity: correlate.SeverityWarning, State: correlate.StateOpen, Vendors: []string{"vapi"}},
	}}
	o := LineOptions{Names: map[string]string{"openai": "OpenAI", "vapi": "VAPI"}, Format: LinePlain}
	if got := Line(rep, o); got != "▲ VAPI" {
		t.Errorf("line = %q", got)
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadLineReport(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := Line(&back, o); got != "▲ VAPI" {
		t.Errorf("line from the snapshot = %q", got)
	}
}

// The table shows a silenced finding, with who silenced it, until when
// and why, and without its advice.
func TestTableShowsSilencedFindings(t *testing.T) {
	rep := correlate.Report{SchemaVersion: correlate.SchemaVersion, Overall: correlate.LevelOK, Findings: []correlate.Finding{
		{Kind: correlate.KindVendorIncident, Severity: correlate.SeverityWarning, State: correlate.StateOpen, Vendors: []string{"openai"},
			Title: "OpenAI reports partial outage", Advice: []string{"watch"}, Silenced: silencedMark},
	}}
	var b bytes.Buffer
	if err := WriteTable(&b, rep, TableOptions{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"OpenAI reports partial outage", "silenced #3 by alice until 2026-05-21 12:56 UTC: far-away region"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "→ watch") {
		t.Errorf("a silenced finding's advice is shown:\n%s", out)
	}
}

func TestWriteSilences(t *testing.T) {
	now := time.Date(2026, 5, 21, 11, 0, 0, 0, time.UTC)
	ss := []correlate.Silence{
		{ID: 2, Vendor: "openai", Kind: correlate.KindKeyRevoked, Key: "prod", By: "bob", Comment: "rotating\x1b[31m", Until: now.Add(time.Hour)},
		{ID: 1, Vendor: "twilio", By: "alice", Comment: "done", Until: now.Add(time.Hour), Expired: now.Add(-time.Minute)},
	}
	var b bytes.Buffer
	if err := WriteSilences(&b, ss, now, TableOptions{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"openai kind=key_revoked key=prod", "bob", "2026-05-21 12:00", "active", "expired"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("remote or typed escape reached the terminal: %q", out)
	}
}
