package correlate

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// step is one check of a scenario: the snapshot at a time, and the finding
// transitions it must cause ("opened key_revoked openai").
type step struct {
	at      string
	vendors []*vb
	changes []string
	overall Level
	// verdict is what the header says, from its start: "KEY: OpenAI key
	// prod revoked"; "OK" is exactly OK.
	verdict string
}

func runScenario(t *testing.T, ss []step) ([]Report, Memory) {
	t.Helper()
	var mem Memory
	var reps []Report
	for _, s := range ss {
		r, next := Assess(snapAt(at(s.at), s.vendors...), mem)
		var got []string
		for _, c := range Changes(mem, next) {
			got = append(got, fmt.Sprintf("%s %s %s", c.Kind, c.Finding.Kind, strings.Join(c.Finding.Vendors, ",")))
		}
		slices.Sort(got)
		want := slices.Clone(s.changes)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: changes %q, want %q", s.at, got, want)
		}
		if r.Overall != s.overall {
			t.Errorf("%s: overall %s, want %s (findings %v)", s.at, r.Overall, s.overall, kinds(r.Findings))
		}
		if v := r.Verdict.String(); s.verdict == "" || !strings.HasPrefix(v, s.verdict) || s.verdict == "OK" && v != "OK" {
			t.Errorf("%s: verdict %q, want %q", s.at, v, s.verdict)
		}
		uniqueIDs(t, r)
		reps = append(reps, r)
		mem = next
	}
	return reps, mem
}

// The incident log of 2026-05-21 (DESIGN §1): 10:57 OpenAI disables our
// leaked key while OpenAI itself is fine; 12:20 a new key works; 12:35
// VAPI's API fails while its status page is silent; 12:45 VAPI's slow
// status page confirms. The team had to guess whether the two were linked.
func TestScenario20260521(t *testing.T) {
	openai := func(tm string, key observe.Result, fp string) *vb {
		b := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm))
		code := ""
		if key == observe.ResultInvalidKey {
			code = "invalid_api_key"
		}
		b.key("prod", false, key, 0, code, at(tm))
		b.v.Keys[0].Fingerprint = fp
		return b
	}
	oldKey, newKey := "sk-proj-…MxYA", "sk-proj-…Q2rT"
	vapi := func(tm string, up bool) *vb {
		b := vendorAt("vapi", "VAPI").dependsOn("openai")
		if up {
			return b.reach(observe.ResultReachable, 401, at(tm)).key("prod", false, observe.ResultOK, 200, "", at(tm))
		}
		return b.reach(observe.ResultVendorError, 502, at(tm)).key("prod", false, observe.ResultVendorError, 500, "", at(tm))
	}
	confirmed := func(tm string) *vb {
		b := vapi(tm, false).page(observe.MajorOutage, "Major System Outage",
			observe.Incident{ID: "901977", Title: "Vapi API and dashboard down", Status: "investigating", Impact: "critical",
				StartedAt: at("12:45"), URL: "https://status.vapi.ai/incident/901977", LatestUpdate: "We are investigating issues with the API and dashboard.",
				Updates: []observe.Update{{Status: "investigating", Body: "We are investigating issues with the API and dashboard.", At: at("12:45")}}})
		b.v.Status.Sources[0].LatencyMS = 6400 // slow to load
		return b
	}
	anthropic := func(tm string) *vb {
		return vendorAt("anthropic", "Anthropic").reach(observe.ResultReachable, 401, at(tm))
	}

	reps, _ := runScenario(t, []step{
		{"10:50", []*vb{openai("10:50", observe.ResultOK, oldKey), vapi("10:50", true), anthropic("10:50")}, nil, LevelOK, "OK"},
		{"10:57", []*vb{openai("10:57", observe.ResultInvalidKey, oldKey), vapi("10:57", true), anthropic("10:57")},
			[]string{"opened key_revoked openai", "opened upstream_impact vapi"}, LevelCritical, "KEY: OpenAI key prod revoked (+1 more)"},
		{"11:30", []*vb{openai("11:30", observe.ResultInvalidKey, oldKey), vapi("11:30", true), anthropic("11:30")}, nil, LevelCritical, "KEY: OpenAI key prod revoked (+1 more)"},
		// The new key works: the episodes are closing; the next check
		// confirms the recovery and closes them.
		{"12:20", []*vb{openai("12:20", observe.ResultOK, newKey), vapi("12:20", true), anthropic("12:20")}, nil, LevelOK, "OK, recovering from: OpenAI key prod revoked"},
		// VAPI fails once: confirming (pending), not yet an outage.
		{"12:35", []*vb{openai("12:35", observe.ResultOK, newKey), vapi("12:35", false), anthropic("12:35")},
			[]string{"closed key_revoked openai", "closed upstream_impact vapi"}, LevelOK, "THEM: VAPI failing, but its status page says operational (confirming)"},
		{"12:36", []*vb{openai("12:36", observe.ResultOK, newKey), vapi("12:36", false), anthropic("12:36")},
			[]string{"opened vendor_outage_unreported vapi"}, LevelWarning, "THEM: VAPI failing, but its status page says operational"},
		{"12:40", []*vb{openai("12:40", observe.ResultOK, newKey), vapi("12:40", false), anthropic("12:40")}, nil, LevelWarning, "THEM: VAPI failing, but its status page says operational"},
		// VAPI posts: the same episode, now confirmed by the page. The
		// slow page is pending: one slow load is no finding yet.
		{"12:46", []*vb{openai("12:46", observe.ResultOK, newKey), confirmed("12:46"), anthropic("12:46")},
			[]string{"escalated vendor_outage vapi"}, LevelCritical, "THEM: VAPI outage: Vapi API and dashboard down (investigating)"},
		// VAPI answers again: closing, nothing announced on the recovery
		// check; the next check closes the episode.
		{"13:30", []*vb{openai("13:30", observe.ResultOK, newKey), vapi("13:30", true), anthropic("13:30")}, nil, LevelOK, "OK, recovering from: VAPI outage"},
		{"13:31", []*vb{openai("13:31", observe.ResultOK, newKey), vapi("13:31", true), anthropic("13:31")},
			[]string{"closed vendor_outage vapi"}, LevelOK, "OK"},
	})

	revoked := find(t, reps[1], KindKeyRevoked)
	if revoked.Severity != SeverityCritical || !strings.Contains(revoked.Detail, "while OpenAI answers and reports no incident") ||
		!strings.Contains(strings.Join(revoked.Advice, " "), "VAPI") {
		t.Errorf("10:57 key_revoked = %+v", revoked)
	}
	up := find(t, reps[1], KindUpstreamImpact)
	if up.Title != "VAPI may be hit by OpenAI: OpenAI key prod revoked" {
		t.Errorf("10:57 upstream_impact title %q", up.Title)
	}
	if f := find(t, reps[4], KindVendorOutageUnreported); f.State != StatePending || reps[4].Overall != LevelOK {
		t.Errorf("12:35: VAPI failing once is %s (overall %s), want pending: confirming, not healthy", f.State, reps[4].Overall)
	}
	if f := find(t, reps[8], KindVendorOutage); f.State != StateClosing {
		t.Errorf("13:30: the outage is %s, want closing", f.State)
	}
	unrep := find(t, reps[5], KindVendorOutageUnreported)
	if !unrep.Since.Equal(at("12:35")) || !strings.Contains(unrep.Detail, "Its upstream OpenAI (status page operational, our keys work) looks healthy, so this is VAPI's own trouble.") {
		t.Errorf("12:36 unreported = %+v", unrep)
	}
	if has(reps[5], KindUpstreamImpact) {
		t.Error("12:36: VAPI's outage blamed on OpenAI after the key was rotated")
	}
	out := find(t, reps[7], KindVendorOutage)
	if out.Severity != SeverityCritical || out.LeadMinutes != 10 || !out.Since.Equal(at("12:35")) ||
		!strings.Contains(out.Detail, "https://status.vapi.ai/incident/901977") {
		t.Errorf("12:46 outage = %+v", out)
	}
}

// The disappearing-keys thread (DESIGN §1): service-account keys vanish
// with nothing in the audit log. With the forum's canary test, a dead used
// key beside live canaries is a leak; all keys dying at once is
// account-wide.
func TestScenarioDisappearingKeys(t *testing.T) {
	keys := func(tm string, prod, c1, c2 observe.Result) *vb {
		b := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm))
		for _, k := range []struct {
			n string
			c bool
			r observe.Result
		}{{"svc-prod", false, prod}, {"canary-1", true, c1}, {"canary-2", true, c2}} {
			code := ""
			if k.r == observe.ResultInvalidKey {
				code = "invalid_api_key"
			}
			b.key(k.n, k.c, k.r, 401, code, at(tm))
		}
		return b
	}
	ok, bad := observe.ResultOK, observe.ResultInvalidKey

	t.Run("only the used key dies: it leaked", func(t *testing.T) {
		reps, _ := runScenario(t, []step{
			{"09:00", []*vb{keys("09:00", ok, ok, ok)}, nil, LevelOK, "OK"},
			{"09:01", []*vb{keys("09:01", bad, ok, ok)}, []string{"opened key_leak_suspected openai"}, LevelCritical, "KEY: OpenAI key svc-prod"},
			{"09:02", []*vb{keys("09:02", bad, ok, ok)}, nil, LevelCritical, "KEY: OpenAI key svc-prod"},
		})
		f := find(t, reps[2], KindKeyLeakSuspected)
		if !slices.Equal(f.Keys, []string{"svc-prod"}) || !f.Since.Equal(at("09:01")) || has(reps[2], KindKeyRevoked) {
			t.Errorf("finding %+v, all %v", f, kinds(reps[2].Findings))
		}
	})
	t.Run("every key dies at once: account-wide", func(t *testing.T) {
		reps, _ := runScenario(t, []step{
			{"09:00", []*vb{keys("09:00", ok, ok, ok)}, nil, LevelOK, "OK"},
			{"09:01", []*vb{keys("09:01", bad, bad, bad)}, []string{"opened account_keys_revoked openai"}, LevelCritical, "KEY: OpenAI"},
		})
		f := find(t, reps[1], KindAccountKeysRevoked)
		if len(f.Keys) != 3 || !strings.Contains(f.Detail, "account-wide") || !strings.Contains(strings.Join(f.Advice, " "), "audit log") {
			t.Errorf("finding %+v", f)
		}
	})
	t.Run("a leak, then the canaries die the next check: account-wide after all", func(t *testing.T) {
		runScenario(t, []step{
			{"09:00", []*vb{keys("09:00", bad, ok, ok)}, []string{"opened key_leak_suspected openai"}, LevelCritical, "KEY: OpenAI key svc-prod"},
			// The same dead key, now seen as account-wide: an update of the
			// one episode, never a "closed" that reads as an all-clear.
			{"09:01", []*vb{keys("09:01", bad, bad, bad)}, []string{"updated account_keys_revoked openai"}, LevelCritical, "KEY: OpenAI"},
		})
	})
}
