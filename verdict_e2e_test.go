package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// cfgKey is a configured key: its name, its secret (read from an
// environment variable) and whether it is a canary.
type cfgKey struct {
	name, secret string
	canary       bool
}

// openaiConfig writes a config watching OpenAI on the fake, with keys (and
// an admin key when admin is set) and, when given, a components filter.
func openaiConfig(t *testing.T, o *fakeOpenAI, components string, admin bool, keys ...cfgKey) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "timeout: 5s\nvendors:\n  - id: openai\n    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]\n    api: {base_url: %[1]s}\n", o.URL)
	if components != "" {
		fmt.Fprintf(&b, "    components: [%s]\n", components)
	}
	if admin {
		t.Setenv("VW_OPENAI_ADMIN", adminKey)
		b.WriteString("    admin: {secret: \"env:VW_OPENAI_ADMIN\"}\n")
	}
	b.WriteString("    keys:\n")
	for _, k := range keys {
		env := "VW_OPENAI_" + strings.ToUpper(strings.ReplaceAll(k.name, "-", "_"))
		t.Setenv(env, k.secret)
		fmt.Fprintf(&b, "      - {name: %s, secret: \"env:%s\", canary: %v}\n", k.name, env, k.canary)
	}
	return writeConfig(t, b.String())
}

// scenarioKeys names the keys a scenario must never print.
func scenarioKeys() map[string]string {
	return map[string]string{"prod": prodKey, "canary-1": canary1Key, "canary-2": canary2Key, "batch": batchKey, "admin": adminKey}
}

// everyMinute returns n check times a minute apart from hhmm.
func everyMinute(hhmm string, n int) []time.Time {
	var ts []time.Time
	for i := range n {
		ts = append(ts, fixture.At(hhmm).Add(time.Duration(i)*time.Minute))
	}
	return ts
}

// Issue 15, scenario 1: OpenAI revokes key prod (its real 401
// invalid_api_key, the revocation marker) while its status page has an
// open incident that cannot explain it — impact none, or on a component
// the team does not watch — and another key or a canary still works. The
// key is dead from the first check: critical, exit 2, verdict KEY, for as
// long as it lasts, and nothing anywhere says not to rotate.
//
//	check        engineer sees
//	10:57-11:04  exit 2, KEY: the leak (canary alive) or the revoked key;
//	             the unrelated incident as info, or nothing when filtered
//	11:05        the table: "Verdict: KEY: …", exit 2
func TestKeyRevokedDuringUnrelatedIncident(t *testing.T) {
	chat := pageIncident{id: "01K0CHAT", title: "Support chat unavailable", impact: "none", at: fixture.At("09:00")}
	codex := pageIncident{id: "01K0CODEX", title: "Elevated API error rates for Codex", impact: "major", components: []string{"Codex API"}, at: fixture.At("09:00")}
	prod := cfgKey{"prod", prodKey, false}
	canary := cfgKey{"canary-1", canary1Key, true}
	batch := cfgKey{"batch", batchKey, false}
	const leak, revoked = "OpenAI key prod revoked while canaries live: it leaked", "OpenAI key prod revoked"
	for _, tc := range []struct {
		name       string
		page       func(t *testing.T) []byte
		components string
		keys       []cfgKey
		title      string
		findings   []string
	}{
		{"impact none, canary alive", func(t *testing.T) []byte { return openaiPage(t, "none", "All Systems Operational", nil, chat) }, "",
			[]cfgKey{prod, canary}, leak, []string{"key_leak_suspected critical open", "vendor_incident info open"}},
		{"impact none, another key alive", func(t *testing.T) []byte { return openaiPage(t, "none", "All Systems Operational", nil, chat) }, "",
			[]cfgKey{prod, batch}, revoked, []string{"key_revoked critical open", "vendor_incident info open"}},
		{"impact none, the only key", func(t *testing.T) []byte { return openaiPage(t, "none", "All Systems Operational", nil, chat) }, "",
			[]cfgKey{prod}, revoked, []string{"key_revoked critical open", "vendor_incident info open"}},
		{"API incident outside the watched components, canary alive", func(t *testing.T) []byte {
			return openaiPage(t, "minor", "Partially Degraded Service", map[string]string{"Codex API": "partial_outage"}, codex)
		}, "Embeddings, Files", []cfgKey{prod, canary}, leak, []string{"key_leak_suspected critical open"}},
		{"API incident outside the watched components, the only key", func(t *testing.T) []byte {
			return openaiPage(t, "minor", "Partially Degraded Service", map[string]string{"Codex API": "partial_outage"}, codex)
		}, "Embeddings, Files", []cfgKey{prod}, revoked, []string{"key_revoked critical open"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newFakeOpenAI(t, nil, canary1Key, batchKey) // prod is dead from the start
			o.set(func(o *fakeOpenAI) { o.page = tc.page(t) })
			tl := newTimeline(t, openaiConfig(t, o, tc.components, false, tc.keys...), scenarioKeys())
			var last correlate.Report
			for _, at := range everyMinute("10:57", 8) {
				last, _ = tl.check(at, seen{exit: 2, word: correlate.WordKey, title: tc.title, findings: tc.findings})
			}
			f := last.Findings[0]
			if !strings.Contains(f.Detail, "invalid_api_key") || !strings.Contains(f.Detail, "8 times in a row since 10:57 UTC") {
				t.Errorf("the dead key's evidence after 8 checks:\n%s", f.Detail)
			}
			if !adviceHas(f, "Rotate") {
				t.Errorf("no advice to rotate: %q", f.Advice)
			}
			table, code := tl.table(fixture.At("11:05"))
			if code != 2 || !strings.HasPrefix(table, "Verdict: KEY: "+tc.title) {
				t.Errorf("11:05 table (exit %d):\n%s", code, table)
			}
			md, _, _ := tl.run(fixture.At("11:06"), "report", "--since", "2026-05-21T00:00:00Z", "--until", "2026-05-22T00:00:00Z")
			if !strings.Contains(md, "Critical opened: "+tc.title) {
				t.Errorf("the report does not open the dead key:\n%s", md)
			}
			for _, wrong := range []string{"do not rotate", "your keys work"} {
				if tl.says(wrong) {
					t.Errorf("an output says %q while key prod is dead", wrong)
				}
			}
			tl.noKeyInState()
		})
	}
}

// Issue 15, scenario 2: a key rejected while OpenAI reports trouble that
// could explain it — an incident on the component the team watches, or
// other requests failing too (a key answered 503) — is excused for a
// bounded time: key_rejected_during_incident, a warning that says not to
// rotate yet, pending on the first check. When the rejections outlast the
// incident's excuse (correlate's incidentPatience, five checks in a row)
// the key is taken for revoked: critical, and nothing says not to rotate
// any more. The escalation is an update of the same episode.
//
//	check  engineer sees
//	11:00  exit 1, THEM: the incident; the rejection confirming
//	11:01  exit 1, THEM (+1 more): the rejection excused ("do not rotate yet")
//	11:02  as 11:01
//	11:03  as 11:01
//	11:04  exit 2, KEY: key prod revoked (5 rejections in a row)
//	11:05  as 11:04
//	11:06  as 11:04
func TestKeyRejectedDuringAnExcusingIncident(t *testing.T) {
	for _, tc := range []struct {
		name       string
		page       func(t *testing.T) []byte
		components string
		keys       []cfgKey
		incident   string
	}{
		{"incident on the watched component", func(t *testing.T) []byte {
			in := pageIncident{id: "01K0EMB", title: "Increased error rates", impact: "major", components: []string{"Embeddings"}, at: fixture.At("10:50")}
			return openaiPage(t, "minor", "Partially Degraded Service", map[string]string{"Embeddings": "partial_outage"}, in)
		}, "Embeddings, Files", []cfgKey{{"prod", prodKey, false}}, "OpenAI: Increased error rates (investigating)"},
		{"other requests failing too", func(t *testing.T) []byte {
			in := pageIncident{id: "01K0CONV", title: "Elevated error rates for ChatGPT", impact: "minor", components: []string{"Conversations"}, at: fixture.At("10:50")}
			return openaiPage(t, "minor", "Partially Degraded Service", map[string]string{"Conversations": "degraded_performance"}, in)
		}, "", []cfgKey{{"prod", prodKey, false}, {"canary-1", canary1Key, true}}, "OpenAI: Elevated error rates for ChatGPT (investigating)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newFakeOpenAI(t, nil)
			o.set(func(o *fakeOpenAI) { o.page, o.overloaded[canary1Key] = tc.page(t), true })
			tl := newTimeline(t, openaiConfig(t, o, tc.components, false, tc.keys...), scenarioKeys())
			excused := []string{"key_rejected_during_incident warning open", "vendor_incident warning open"}
			revoked := []string{"key_revoked critical open", "vendor_incident warning open"}
			steps := []struct {
				at   string
				want seen
			}{
				{"11:00", seen{exit: 1, word: correlate.WordThem, title: tc.incident,
					findings: []string{"key_rejected_during_incident warning pending", "vendor_incident warning open"}}},
				{"11:01", seen{exit: 1, word: correlate.WordThem, title: tc.incident, findings: excused}},
				{"11:02", seen{exit: 1, word: correlate.WordThem, title: tc.incident, findings: excused}},
				{"11:03", seen{exit: 1, word: correlate.WordThem, title: tc.incident, findings: excused}},
				// The fifth rejection in a row: more than an incident explains.
				{"11:04", seen{exit: 2, word: correlate.WordKey, title: "OpenAI key prod revoked", findings: revoked}},
				{"11:05", seen{exit: 2, word: correlate.WordKey, title: "OpenAI key prod revoked", findings: revoked}},
				{"11:06", seen{exit: 2, word: correlate.WordKey, title: "OpenAI key prod revoked", findings: revoked}},
			}
			var episode string
			for i, s := range steps {
				rep, _ := tl.check(fixture.At(s.at), s.want)
				if i < 4 {
					if f := finding(t, rep, correlate.KindKeyRejectedDuringIncident); !adviceHas(f, "do not rotate yet") {
						t.Errorf("%s: the excused rejection does not say to wait: %q", s.at, f.Advice)
					}
					continue
				}
				f := finding(t, rep, correlate.KindKeyRevoked)
				if !strings.Contains(f.Detail, "more than an incident explains") {
					t.Errorf("%s: the revoked key does not say why the incident no longer excuses it:\n%s", s.at, f.Detail)
				}
				if episode == "" {
					episode = f.ID
				}
				for _, g := range rep.Findings {
					if adviceHas(g, "do not rotate") {
						t.Errorf("%s: %s says not to rotate while key prod is revoked: %q", s.at, g.Kind, g.Advice)
					}
				}
			}
			// One episode: it opened as an excused rejection and escalated.
			var events []string
			for _, e := range tl.report(fixture.At("11:07")).Timeline {
				if e.Subject == episode {
					events = append(events, string(e.Kind)+" "+e.At.UTC().Format("15:04"))
				}
			}
			if want := []string{"finding_opened 11:01", "finding_escalated 11:04"}; strings.Join(events, ", ") != strings.Join(want, ", ") {
				t.Errorf("the key's episode %s in the timeline: %q, want %q", episode, events, want)
			}
			tl.noKeyInState()
		})
	}
}

// Vendors post late (VAPI posted ten minutes after its API failed on
// 2026-05-21). Key prod is rejected (OpenAI's invalid_api_key) while its
// page is silent, then OpenAI posts an incident on the component the
// team watches. The key is eased to a rejection during the incident — the
// same episode, never "recovering" or closed while it is still rejected —
// and revoked again when the incident no longer excuses it.
//
//	check  engineer sees
//	11:00  exit 2, KEY: key prod revoked
//	11:01  exit 1, THEM (+1 more): the incident; the key excused ("do not rotate yet")
//	11:02  as 11:01
//	11:03  as 11:01
//	11:04  exit 2, KEY: key prod revoked (5 rejections in a row)
func TestIncidentPostedAfterTheKeyDied(t *testing.T) {
	o := newFakeOpenAI(t, nil)
	tl := newTimeline(t, openaiConfig(t, o, "Embeddings, Files", false, cfgKey{"prod", prodKey, false}), scenarioKeys())
	in := pageIncident{id: "01K0EMB", title: "Increased error rates", impact: "major", components: []string{"Embeddings"}, at: fixture.At("11:00")}
	posted := openaiPage(t, "minor", "Partially Degraded Service", map[string]string{"Embeddings": "partial_outage"}, in)
	const incident, revoked = "OpenAI: Increased error rates (investigating)", "OpenAI key prod revoked"
	excused := seen{exit: 1, word: correlate.WordThem, title: incident, findings: []string{"key_rejected_during_incident warning open", "vendor_incident warning open"}}
	var episode string
	for _, s := range []struct {
		at   string
		want seen
	}{
		{"11:00", seen{exit: 2, word: correlate.WordKey, title: revoked, findings: []string{"key_revoked critical open"}}},
		{"11:01", excused},
		{"11:02", excused},
		{"11:03", excused},
		{"11:04", seen{exit: 2, word: correlate.WordKey, title: revoked, findings: []string{"key_revoked critical open", "vendor_incident warning open"}}},
	} {
		if s.at == "11:01" {
			o.set(func(o *fakeOpenAI) { o.page = posted })
		}
		rep, _ := tl.check(fixture.At(s.at), s.want)
		for _, f := range rep.Findings {
			if f.Kind == correlate.KindKeyRevoked || f.Kind == correlate.KindKeyRejectedDuringIncident {
				if episode != "" && f.ID != episode {
					t.Errorf("%s: %s is episode %q, was %q", s.at, f.Kind, f.ID, episode)
				}
				episode = f.ID
			}
		}
	}
	var events []string
	for _, e := range tl.report(fixture.At("11:05")).Timeline {
		if e.Subject == episode {
			events = append(events, string(e.Kind)+" "+e.At.UTC().Format("15:04"))
		}
	}
	if want := []string{"finding_opened 11:00", "finding_eased 11:01", "finding_escalated 11:04"}; !slices.Equal(events, want) {
		t.Errorf("the key's episode %s in the timeline: %q, want %q", episode, events, want)
	}
	tl.noKeyInState()
}
