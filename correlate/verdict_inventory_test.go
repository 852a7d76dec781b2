package correlate

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// The forum thread, with an admin key watching the inventory: prod dies
// while the canaries live, and prod's row leaves the key list. Whatever
// the audit log does — on with no entry, off, failing, late — the answer
// is a critical leak that names what the audit log said; the admin key
// never makes the verdict weaker than it is without one.
func TestForumThreadWithAnAdminKey(t *testing.T) {
	type audit struct {
		name      string
		gone      func(g *observe.GoneKey)
		inDetail  string
		turnOnLog bool
	}
	for _, a := range []audit{
		{"no admin key", nil, "", false},
		{"audit log on, no entry", func(g *observe.GoneKey) {}, "no api_key.deleted", false},
		{"audit log off", func(g *observe.GoneKey) {
			g.AuditChecked, g.AuditOff = false, true
			g.AuditError = "GET /v1/organization/audit_logs: Audit logging is not enabled for this organization."
		}, "audit logging is switched off", true},
		{"audit log failing", func(g *observe.GoneKey) {
			g.AuditChecked, g.AuditError = false, "GET /v1/organization/audit_logs: HTTP 500"
		}, "HTTP 500", false},
		{"audit log late", func(g *observe.GoneKey) { g.AuditChecked = false }, "could not be asked yet", false},
	} {
		t.Run(a.name, func(t *testing.T) {
			var snaps []observe.Snapshot
			for i := range 3 {
				tm := at("10:55").Add(time.Duration(i) * time.Minute)
				b := openaiKeys(tm, observe.ResultInvalidKey, observe.ResultOK, observe.ResultOK)
				if a.gone != nil {
					g := goneRow(prodRow, at("10:55"), "sk-proj-…PxYA", nil)
					a.gone(&g)
					b.withInventory(tm, []observe.InventoryKey{canaryRow, batchRow}, g)
				}
				snaps = append(snaps, snapAt(tm, b))
			}
			reps, _ := steps(snaps...)
			for i, r := range reps {
				step := fmt.Sprintf("check %d", i+1)
				if got := kinds(r.Findings); !slices.Equal(got, []Kind{KindKeyLeakSuspected}) || r.Overall != LevelCritical {
					t.Fatalf("%s: findings %v, overall %s; want one critical key_leak_suspected", step, got, r.Overall)
				}
				f := r.Findings[0]
				if !strings.Contains(f.Detail, a.inDetail) {
					t.Errorf("%s: the leak does not say what the audit log said (%q):\n%s", step, a.inDetail, f.Detail)
				}
				turnOn := slices.ContainsFunc(f.Advice, func(s string) bool { return strings.Contains(s, "audit logging on") })
				if turnOn != a.turnOnLog {
					t.Errorf("%s: advice to turn audit logging on = %v, want %v: %q", step, turnOn, a.turnOnLog, f.Advice)
				}
			}
		})
	}
}

// Every key dying at once is one account-wide finding, with or without an
// admin key, whatever the inventory says of each key.
func TestAllKeysDieAtOnce(t *testing.T) {
	for _, admin := range []bool{false, true} {
		t.Run(fmt.Sprintf("admin key %v", admin), func(t *testing.T) {
			b := openaiKeys(at("10:57"), observe.ResultInvalidKey, observe.ResultInvalidKey, observe.ResultInvalidKey)
			if admin {
				b.withInventory(at("10:57"), nil,
					goneRow(prodRow, at("10:57"), "sk-proj-…PxYA", nil), goneRow(canaryRow, at("10:57"), "sk-proj-…CxYA", nil),
					goneRow(batchRow, at("10:57"), "sk-proj-…BxYA", nil))
			}
			r, _ := Assess(snapAt(at("10:57"), b), Memory{})
			if got := kinds(r.Findings); !slices.Equal(got, []Kind{KindAccountKeysRevoked}) || r.Overall != LevelCritical {
				t.Fatalf("findings %v, overall %s; want one account_keys_revoked", got, r.Overall)
			}
			f := r.Findings[0]
			if !slices.ContainsFunc(f.Advice, func(s string) bool { return strings.Contains(s, "before creating new keys") }) {
				t.Errorf("the account-wide advice is gone: %q", f.Advice)
			}
			if admin && !strings.Contains(f.Detail, "left OpenAI's key list") {
				t.Errorf("the inventory's evidence is not folded in:\n%s", f.Detail)
			}
		})
	}
}
