package main

import (
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/providers/admintest"
)

// forumOrg is the OpenAI organization of the forum thread (DESIGN §1): a
// project with the key in use, prod, and two canaries nobody uses, all
// listed by the Admin API beside vendorwatch's admin key.
func forumOrg() *admintest.OpenAI {
	org := admintest.NewOpenAI(adminKey)
	org.AddProject("proj_voice", "Voice", "active")
	created := fixture.At("09:00").AddDate(0, 0, -30)
	org.AddKey(admintest.Key{ID: "key_prod", Name: "prod", Secret: prodKey, Project: "proj_voice", Owner: "ops@example.com", Created: created, LastUsed: fixture.At("10:50")})
	org.AddKey(admintest.Key{ID: "key_canary1", Name: "canary-1", Secret: canary1Key, Project: "proj_voice", Owner: "ops@example.com", Created: created})
	org.AddKey(admintest.Key{ID: "key_canary2", Name: "canary-2", Secret: canary2Key, Project: "proj_voice", Owner: "ops@example.com", Created: created})
	org.AddKey(admintest.Key{ID: "key_admin_vw", Name: "vendorwatch", Secret: adminKey, Admin: true, Owner: "Ops", Created: created})
	return org
}

var forumKeys = []cfgKey{{"prod", prodKey, false}, {"canary-1", canary1Key, true}, {"canary-2", canary2Key, true}}

// Issue 15, scenario 3: the forum thread (DESIGN §1). Of three keys, only
// prod is used; it dies (OpenAI's 401 invalid_api_key) while the canaries
// live, and leaves the Admin API's key list with no audit entry. Whatever
// the audit log does — on with no entry, off, failing, late — and with no
// admin key at all, the answer is a critical leak from the first check,
// never lowered to a warning by what the admin API adds; with audit
// logging off the leak says to turn it on.
//
//	check  engineer sees
//	10:55  exit 0, OK: no findings
//	10:56  exit 2, KEY: prod leaked (the one finding, critical)
//	10:57  as 10:56 (late: the audit log answers from here)
//	10:58  as 10:56
//	10:59  as 10:56
func TestForumThreadLeak(t *testing.T) {
	const leak = "OpenAI key prod revoked while canaries live: it leaked"
	for _, tc := range []struct {
		name  string
		admin bool
		// setup prepares the org and the fake; audit changes them at a
		// check (from 10:56 on).
		setup func(org *admintest.OpenAI, o *fakeOpenAI)
		audit func(at time.Time, o *fakeOpenAI)
		// says is what the leak says of the audit log at a check.
		says      func(at time.Time) string
		turnOnLog bool
	}{
		{name: "audit log on, no entry", admin: true,
			says: func(time.Time) string { return "The audit log has no api_key.deleted" }},
		{name: "audit log off", admin: true,
			setup:     func(org *admintest.OpenAI, _ *fakeOpenAI) { org.AuditDisabled = true },
			says:      func(time.Time) string { return "OpenAI's audit logging is switched off" },
			turnOnLog: true},
		{name: "audit log failing", admin: true,
			setup: func(_ *admintest.OpenAI, o *fakeOpenAI) { o.auditFails = true },
			says:  func(time.Time) string { return "The audit log could not be asked yet" }},
		{name: "audit log late", admin: true,
			setup: func(_ *admintest.OpenAI, o *fakeOpenAI) { o.auditFails = true },
			audit: func(at time.Time, o *fakeOpenAI) {
				if !at.Before(fixture.At("10:57")) {
					o.set(func(o *fakeOpenAI) { o.auditFails = false })
				}
			},
			says: func(at time.Time) string {
				if at.Before(fixture.At("10:57")) {
					return "The audit log could not be asked yet"
				}
				return "The audit log has no api_key.deleted"
			}},
		{name: "no admin key", says: func(time.Time) string { return "the canaries you never use (canary-1, canary-2) still work" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := forumOrg()
			o := newFakeOpenAI(t, org, prodKey, canary1Key, canary2Key)
			if tc.setup != nil {
				tc.setup(org, o)
			}
			tl := newTimeline(t, openaiConfig(t, o, "", tc.admin, forumKeys...), scenarioKeys())
			tl.check(fixture.At("10:55"), seen{exit: 0, word: correlate.WordOK})

			// Between the checks prod dies, and leaves the key list with no
			// audit entry.
			o.set(func(o *fakeOpenAI) { o.live[prodKey] = false })
			org.RemoveKey("key_prod")
			for _, at := range everyMinute("10:56", 4) {
				if tc.audit != nil {
					tc.audit(at, o)
				}
				rep, _ := tl.check(at, seen{exit: 2, word: correlate.WordKey, title: leak, findings: []string{"key_leak_suspected critical open"}})
				f := rep.Findings[0]
				if !strings.Contains(f.Detail, tc.says(at)) {
					t.Errorf("%s: the leak does not say %q:\n%s", step(at), tc.says(at), f.Detail)
				}
				if gone := strings.Contains(f.Detail, "left OpenAI's key list"); gone != tc.admin {
					t.Errorf("%s: the leak names the key list: %v, want %v:\n%s", step(at), gone, tc.admin, f.Detail)
				}
				if on := adviceHas(f, "audit logging on"); on != tc.turnOnLog {
					t.Errorf("%s: advice to turn audit logging on: %v, want %v: %q", step(at), on, tc.turnOnLog, f.Advice)
				}
				if !adviceHas(f, "Rotate") {
					t.Errorf("%s: no advice to rotate: %q", step(at), f.Advice)
				}
			}
			if tl.says("do not rotate") {
				t.Error("an output says not to rotate the leaked key")
			}
			tl.noKeyInState()
		})
	}
}

// Issue 15, scenario 4: every key of the account dies at once, canaries
// included (OpenAI's 401 invalid_api_key on each), and, with an admin
// key, every key leaves the key list too. That is one account-wide
// finding, not one per key, critical, advising to call the vendor's
// support before creating new keys (they may die the same way).
//
//	check  engineer sees
//	10:55  exit 0, OK: no findings
//	10:56  exit 2, KEY: all 3 keys revoked at once (the one finding)
//	10:57  as 10:56
//	10:58  as 10:56
func TestAllKeysRevokedAtOnce(t *testing.T) {
	for _, admin := range []bool{false, true} {
		name := "no admin key"
		if admin {
			name = "admin key, the keys leave the list"
		}
		t.Run(name, func(t *testing.T) {
			org := forumOrg()
			o := newFakeOpenAI(t, org, prodKey, canary1Key, canary2Key)
			tl := newTimeline(t, openaiConfig(t, o, "", admin, forumKeys...), scenarioKeys())
			tl.check(fixture.At("10:55"), seen{exit: 0, word: correlate.WordOK})

			o.set(func(o *fakeOpenAI) { o.live = map[string]bool{} })
			for _, id := range []string{"key_prod", "key_canary1", "key_canary2"} {
				org.RemoveKey(id)
			}
			var episode string
			for _, at := range everyMinute("10:56", 3) {
				rep, _ := tl.check(at, seen{exit: 2, word: correlate.WordKey, title: "OpenAI: all 3 keys revoked at once",
					findings: []string{"account_keys_revoked critical open"}})
				f := rep.Findings[0]
				if strings.Join(f.Keys, ",") != "prod,canary-1,canary-2" || !adviceHas(f, "support") || !adviceHas(f, "before creating new keys") {
					t.Errorf("%s: the account-wide finding: keys %q, advice %q", step(at), f.Keys, f.Advice)
				}
				if gone := strings.Count(f.Detail, "left OpenAI's key list"); admin && gone != 3 || !admin && gone != 0 {
					t.Errorf("%s: the key list's evidence is folded in for %d keys, want %d:\n%s", step(at), gone, map[bool]int{true: 3}[admin], f.Detail)
				}
				if episode != "" && f.ID != episode {
					t.Errorf("%s: episode %q, was %q", step(at), f.ID, episode)
				}
				episode = f.ID
			}
			if tl.says("do not rotate") {
				t.Error("an output says not to rotate")
			}
			tl.noKeyInState()
		})
	}
}
