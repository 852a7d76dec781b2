package main

import (
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/providers/admintest"
)

// Issue 18: a canary that is never used, watched through OpenAI's key
// list. Separate --once runs, as cron would make them; the fake Admin API
// serves the key list with last_used_at as OpenAI shapes it.
//
//	check  key list                               engineer sees
//	10:55  canary-1 never used                    exit 0, OK
//	10:56  canary-1 last used 10:55 (not by us)   exit 2, KEY: canary-1 was used: it leaked
//	10:57  nothing new                            as 10:56 (the memory, across runs)
//	10:58  canary-1 used again at 10:57           as 10:56, "and again at 10:57"
//
// No request ever carries a canary, and nothing is revoked: the page comes
// from the key list alone.
func TestCanaryUsedLeaks(t *testing.T) {
	org := forumOrg()
	o := newFakeOpenAI(t, org, prodKey, canary1Key, canary2Key)
	tl := newTimeline(t, openaiConfig(t, o, "", true, forumKeys...), scenarioKeys())
	tl.check(fixture.At("10:55"), seen{exit: 0, word: correlate.WordOK})

	org.SetLastUsed("key_canary1", fixture.At("10:55").Add(30e9))
	const leaked = "OpenAI canary canary-1 was used: it leaked"
	want := seen{exit: 2, word: correlate.WordKey, title: leaked, findings: []string{"canary_used critical open"}}
	rep, table := tl.check(fixture.At("10:56"), want)
	f := finding(t, rep, correlate.KindCanaryUsed)
	for _, s := range []string{"never used", "10:55 UTC", "Someone else has the key"} {
		if !strings.Contains(f.Detail, s) {
			t.Errorf("10:56: the finding does not say %q:\n%s", s, f.Detail)
		}
	}
	if !adviceHas(f, "Revoke the canary") || !adviceHas(f, "Find who had it") {
		t.Errorf("10:56: advice %q", f.Advice)
	}
	if !strings.Contains(table, "listed") {
		t.Errorf("10:56: the table does not show the canary as listed:\n%s", table)
	}
	tl.check(fixture.At("10:57"), want)
	org.SetLastUsed("key_canary1", fixture.At("10:57"))
	rep, _ = tl.check(fixture.At("10:58"), want)
	if f := finding(t, rep, correlate.KindCanaryUsed); !strings.Contains(f.Detail, "and again at 10:57 UTC") {
		t.Errorf("10:58: %s", f.Detail)
	}
	for name, key := range map[string]string{"canary-1": canary1Key, "canary-2": canary2Key} {
		if n := o.usesOf(key); n != 0 {
			t.Errorf("%s was sent %d times; a canary is never used", name, n)
		}
	}
	if n := o.usesOf(prodKey); n != 4 {
		t.Errorf("prod was probed %d times in 4 checks", n)
	}
	tl.noKeyInState()
}

// Issue 18: the watch never goes blind silently. The admin key list
// answers 404 from 10:56 on; meanwhile a key none of ours ("ci") leaves
// its project's list. The project lists still read, so the key is
// noticed, and the failing list is a warning of its own, never a vanished
// key, naming the endpoint and status since it began.
//
//	check  admin API                                  engineer sees
//	10:55  every list reads                          exit 0, OK
//	10:56  admin_api_keys 404; ci left its list       exit 1: ci vanished; inventory unreadable (confirming)
//	10:57  admin_api_keys 404                         exit 1, inventory unreadable open, same "since 10:56"
//	10:58  every list reads                           exit 1 (ci still reported), no longer unreadable
func TestInventoryNeverBlind(t *testing.T) {
	org := forumOrg()
	org.AddKey(admintest.Key{ID: "key_ci", Name: "ci", Secret: batchKey, Project: "proj_voice", Owner: "ci@example.com", Created: fixture.At("09:00").AddDate(0, 0, -30)})
	o := newFakeOpenAI(t, org, prodKey, canary1Key, canary2Key)
	tl := newTimeline(t, openaiConfig(t, o, "", true, forumKeys...), scenarioKeys())
	tl.check(fixture.At("10:55"), seen{exit: 0, word: correlate.WordOK})

	org.Fail = map[string]int{"/v1/organization/admin_api_keys": 404}
	org.RemoveKey("key_ci")
	for i, at := range everyMinute("10:56", 2) {
		state := map[bool]string{true: "pending", false: "open"}[i == 0]
		rep, _ := tl.check(at, seen{exit: 1, word: correlate.WordKey, title: "vanished",
			findings: []string{"inventory_unreadable warning " + state, "key_vanished warning open"}})
		f := finding(t, rep, correlate.KindInventoryUnreadable)
		for _, s := range []string{"unreadable since 10:56 UTC", "GET /v1/organization/admin_api_keys", "HTTP 404"} {
			if !strings.Contains(f.Title+" "+f.Detail, s) {
				t.Errorf("%s: %q does not say %q", step(at), f.Title, s)
			}
		}
	}
	org.Fail = nil
	rep, _ := tl.check(fixture.At("10:58"), seen{exit: 1, word: correlate.WordKey, title: "vanished",
		findings: []string{"inventory_unreadable warning closing", "key_vanished warning open"}})
	if strings.Contains(rep.Verdict.Title, "unreadable") {
		t.Errorf("10:58: verdict %q", rep.Verdict.Title)
	}
	tl.noKeyInState()
}
