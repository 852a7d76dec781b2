package correlate

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// A silence matches by vendor, and by kind and key where given; only an
// active one mutes, and the muted finding leaves the levels and verdict
// while staying in the report.
func TestApplySilences(t *testing.T) {
	now := time.Date(2026, 5, 21, 11, 0, 0, 0, time.UTC)
	ok := observe.VendorResult{ID: "openai", Name: "OpenAI", Status: observe.Status{State: observe.Operational}}
	tw := observe.VendorResult{ID: "twilio", Name: "Twilio", Status: observe.Status{State: observe.Operational}}
	rep := Report{
		Vendors: []VendorReport{{VendorResult: ok, Level: LevelCritical}, {VendorResult: tw, Level: LevelWarning}},
		Findings: []Finding{
			{ID: "key_revoked:openai:prod", Kind: KindKeyRevoked, Severity: SeverityCritical, State: StateOpen, Vendors: []string{"openai"}, Keys: []string{"prod"}, Title: "prod revoked"},
			{ID: "vendor_incident:twilio:", Kind: KindVendorIncident, Severity: SeverityWarning, State: StateOpen, Vendors: []string{"twilio"}, Title: "Twilio incident"},
		},
		Overall: LevelCritical,
	}
	rep.Verdict = VerdictOf(rep)
	base := Silence{ID: 7, Comment: "known", By: "alice", Created: now.Add(-time.Hour), Until: now.Add(time.Hour)}
	with := func(mod func(*Silence)) []Silence { s := base; mod(&s); return []Silence{s} }

	cases := []struct {
		name     string
		ss       []Silence
		overall  Level
		silenced []bool
	}{
		{"none", nil, LevelCritical, []bool{false, false}},
		{"vendor", with(func(s *Silence) { s.Vendor = "twilio" }), LevelCritical, []bool{false, true}},
		{"vendor and kind", with(func(s *Silence) { s.Vendor, s.Kind = "openai", KindKeyRevoked }), LevelWarning, []bool{true, false}},
		{"another kind", with(func(s *Silence) { s.Vendor, s.Kind = "openai", KindQuotaExceeded }), LevelCritical, []bool{false, false}},
		{"another key", with(func(s *Silence) { s.Vendor, s.Key = "openai", "batch" }), LevelCritical, []bool{false, false}},
		{"its key", with(func(s *Silence) { s.Vendor, s.Key = "openai", "prod" }), LevelWarning, []bool{true, false}},
		{"ran out", with(func(s *Silence) { s.Vendor, s.Until = "openai", now }), LevelCritical, []bool{false, false}},
		{"expired by hand", with(func(s *Silence) { s.Vendor, s.Expired = "openai", now.Add(-time.Minute) }), LevelCritical, []bool{false, false}},
		{"both", append(with(func(s *Silence) { s.Vendor = "openai" }), with(func(s *Silence) { s.Vendor = "twilio" })...), LevelOK, []bool{true, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ApplySilences(rep, c.ss, now)
			if got.Overall != c.overall {
				t.Errorf("overall = %s, want %s", got.Overall, c.overall)
			}
			if len(got.Findings) != 2 {
				t.Fatalf("findings = %+v", got.Findings)
			}
			for i, f := range got.Findings {
				if (f.Silenced != nil) != c.silenced[i] {
					t.Errorf("%s silenced = %+v, want %v", f.ID, f.Silenced, c.silenced[i])
				}
				if f.Silenced != nil && (f.Silenced.By != "alice" || f.Silenced.ID != 7) {
					t.Errorf("%s silenced = %+v", f.ID, f.Silenced)
				}
			}
			if c.overall == LevelOK && got.Verdict.Word != WordOK {
				t.Errorf("verdict = %+v", got.Verdict)
			}
			n := 0
			for _, s := range c.silenced {
				if s {
					n++
				}
			}
			if got.Verdict.Silenced != n || (n > 0) != strings.Contains(got.Verdict.String(), fmt.Sprintf("(%d silenced)", n)) {
				t.Errorf("verdict %q counts %d silenced, want %d", got.Verdict, got.Verdict.Silenced, n)
			}
		})
	}
	// --only narrows a silenced report without un-silencing it.
	both := ApplySilences(rep, cases[len(cases)-1].ss, now)
	if n := Narrow(both, []string{"openai"}); n.Overall != LevelOK || n.Verdict.Word != WordOK {
		t.Errorf("narrowed: overall %s, verdict %+v", n.Overall, n.Verdict)
	}
	// A report silenced earlier is un-silenced once its silence is over.
	if again := ApplySilences(both, nil, now); again.Overall != LevelCritical || again.Findings[0].Silenced != nil || again.Verdict.Word == WordOK {
		t.Errorf("re-applied with no silence: overall %s, verdict %+v", again.Overall, again.Verdict)
	}
	if rep.Findings[0].Silenced != nil {
		t.Error("ApplySilences changed the report it was given")
	}
}

func TestSilenceValidate(t *testing.T) {
	now := time.Now()
	good := Silence{Vendor: "openai", Comment: "why", Created: now, Until: now.Add(time.Hour)}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]Silence{
		"no vendor":  {Comment: "why", Created: now, Until: now.Add(time.Hour)},
		"no comment": {Vendor: "openai", Created: now, Until: now.Add(time.Hour)},
		"backwards":  {Vendor: "openai", Comment: "why", Created: now, Until: now},
		"too long":   {Vendor: "openai", Comment: "why", Created: now, Until: now.Add(MaxSilence + time.Minute)},
	} {
		if bad.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
