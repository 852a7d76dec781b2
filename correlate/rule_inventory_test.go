package correlate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// row is an inventory row of the Voice project.
func row(id, name, redacted, key string) observe.InventoryKey {
	return observe.InventoryKey{ID: id, Name: name, Kind: observe.InventoryProjectKey, Redacted: redacted, Project: "proj_voice",
		ProjectName: "Voice", Status: observe.StatusActive, Owner: "ops@example.com", Key: key}
}

// openaiKeys is OpenAI with the keys prod, canary-1 (a canary) and batch,
// each with result r.
func openaiKeys(t time.Time, prod, canary, batch observe.Result) *vb {
	b := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t)
	for _, k := range []struct {
		name   string
		canary bool
		r      observe.Result
	}{{"prod", false, prod}, {"canary-1", true, canary}, {"batch", false, batch}} {
		status, code := 200, ""
		if k.r == observe.ResultInvalidKey {
			status, code = 401, "invalid_api_key"
		}
		b.key(k.name, k.canary, k.r, status, code, t)
	}
	return b
}

// withInventory gives the vendor an inventory listed at t with rows and
// the vanished keys gone.
func (b *vb) withInventory(t time.Time, rows []observe.InventoryKey, gone ...observe.GoneKey) *vb {
	b.v.Inventory = &observe.Inventory{Source: observe.SourceOpenAIAdmin, CheckedAt: t, ListedAt: t, Result: observe.ResultOK,
		AdminFingerprint: "sk-admin-…AdMn", Complete: true, Projects: 1, Keys: rows, Gone: gone}
	return b
}

var (
	prodRow   = row("key_prod", "vapi-prod", "sk-proj-Qm4x…PxYA", "prod")
	canaryRow = row("key_canary", "canary-1", "sk-svca…CxYA", "canary-1")
	batchRow  = row("key_batch", "batch", "sk-proj-Bb3N…BxYA", "batch")
	otherRow  = row("key_other", "old laptop", "sk-proj-Lv1L…LeaV", "")
)

// goneRow is a row that left the list at t (seen last at t-5m), tied to
// the configured key with fingerprint fp.
func goneRow(r observe.InventoryKey, t time.Time, fp string, audit *observe.AuditEvent) observe.GoneKey {
	return observe.GoneKey{InventoryKey: r, LastSeen: t.Add(-5 * time.Minute), NoticedAt: t, Fingerprint: fp, Canary: r.Key == "canary-1",
		Audit: audit, AuditChecked: true, Lookups: 1, AuditFrom: t.Add(-10 * time.Minute), AuditUntil: t.Add(time.Hour)}
}

var opsDeletion = &observe.AuditEvent{ID: "audit_log-canary_20260521", Type: "api_key.deleted", At: at("10:53"), Object: "key_canary",
	Matched: "id", ActorType: "session", ActorEmail: "ops@example.com", ActorID: "user-ops", IP: "203.0.113.7", Country: "US"}

func findID(r Report, id string) (Finding, bool) {
	i := slices.IndexFunc(r.Findings, func(f Finding) bool { return f.ID == id })
	if i < 0 {
		return Finding{}, false
	}
	return r.Findings[i], true
}

// The story: of three keys two leave the list between checks; the
// audit log names ops@example.com for the canary and nothing for batch.
// Each key's row vanishing and its probe failing are one finding.
func TestVanishedKeysBecomeDeletedOrVanished(t *testing.T) {
	before := openaiKeys(at("10:50"), observe.ResultOK, observe.ResultOK, observe.ResultOK).withInventory(at("10:50"), []observe.InventoryKey{prodRow, canaryRow, batchRow, otherRow})
	after := openaiKeys(at("10:55"), observe.ResultOK, observe.ResultInvalidKey, observe.ResultInvalidKey).withInventory(at("10:55"),
		[]observe.InventoryKey{prodRow, otherRow},
		goneRow(canaryRow, at("10:55"), "sk-proj-…CxYA", opsDeletion), goneRow(batchRow, at("10:55"), "sk-proj-…BxYA", nil))
	reps, mem := steps(snapAt(at("10:50"), before), snapAt(at("10:55"), after))
	if len(reps[0].Findings) != 0 {
		t.Fatalf("first check: %v", kinds(reps[0].Findings))
	}
	r := reps[1]
	uniqueIDs(t, r)
	if got := kinds(r.Findings); !slices.Equal(got, []Kind{KindKeyVanished, KindKeyDeleted}) {
		t.Fatalf("findings = %v; the probes' key_revoked must be folded into the inventory's findings", got)
	}
	del := find(t, r, KindKeyDeleted)
	// The canary's probe says revoked (critical); the audit log's name for
	// who did it explains it but never lowers it.
	if del.Severity != SeverityCritical || !slices.Equal(del.Keys, []string{"canary-1"}) || !del.Since.Equal(at("10:53")) ||
		del.Title != "OpenAI canary key canary-1 deleted by ops@example.com (203.0.113.7, US)" {
		t.Errorf("key_deleted = %+v", del)
	}
	for _, want := range []string{"canary-1 (sk-proj-…CxYA)", "in project \"Voice\"", "id key_canary", "between 10:50 UTC and 10:55 UTC",
		"api_key.deleted", "audit_log-canary_20260521", "Its probe agrees: invalid_key (HTTP 401 invalid_api_key)"} {
		if !strings.Contains(del.Detail, want) {
			t.Errorf("key_deleted detail lacks %q:\n%s", want, del.Detail)
		}
	}
	van := find(t, r, KindKeyVanished)
	if van.Severity != SeverityCritical || !slices.Equal(van.Keys, []string{"batch"}) || van.ID != "key_vanished:openai:batch" {
		t.Errorf("key_vanished = %+v", van)
	}
	for _, want := range []string{"no api_key.deleted, service_account.deleted or project.archived event for it since 10:45 UTC",
		"a leak auto-disable", "audit gap", "Nov 2025 to Feb 2026", "lost project access", "Its probe agrees: invalid_key"} {
		if !strings.Contains(van.Detail, want) {
			t.Errorf("key_vanished detail lacks %q:\n%s", want, van.Detail)
		}
	}
	if r.Overall != LevelCritical {
		t.Errorf("overall = %s", r.Overall)
	}
	if len(mem.Inventory["openai"].Gone) != 2 {
		t.Errorf("memory = %+v", mem.Inventory)
	}

	// The next inventory no longer lists them as gone: memory keeps the
	// findings open, with the same ids.
	later := openaiKeys(at("11:00"), observe.ResultOK, observe.ResultInvalidKey, observe.ResultInvalidKey).withInventory(at("11:00"), []observe.InventoryKey{prodRow, otherRow})
	r2, mem2 := Assess(snapAt(at("11:00"), later), mem)
	if !has(r2, KindKeyDeleted) || !has(r2, KindKeyVanished) || has(r2, KindKeyRevoked) || len(Changes(mem, mem2)) != 0 {
		t.Errorf("a check later: %v, changes %v", kinds(r2.Findings), Changes(mem, mem2))
	}

	// batch is rotated (a new fingerprint): its finding closes; the canary
	// is removed from the config: its finding closes too.
	rotated := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("11:05")).
		key("prod", false, observe.ResultOK, 200, "", at("11:05")).key("batch", false, observe.ResultOK, 200, "", at("11:05"))
	rotated.v.Keys[1].Fingerprint = "sk-proj-…NEW1"
	rotated.withInventory(at("11:05"), []observe.InventoryKey{prodRow, otherRow, row("key_batch2", "batch", "sk-proj-…NEW1", "batch")})
	r3, mem3 := Assess(snapAt(at("11:05"), rotated), mem2)
	if len(kinds(r3.Findings)) != 0 || len(mem3.Inventory) != 0 {
		t.Errorf("after rotation: %v, memory %+v", kinds(r3.Findings), mem3.Inventory)
	}
}

func TestVanishedKeyThatIsNotOurs(t *testing.T) {
	v := func(tm time.Time, gone ...observe.GoneKey) *vb {
		return openaiKeys(tm, observe.ResultOK, observe.ResultOK, observe.ResultOK).withInventory(tm, []observe.InventoryKey{prodRow, canaryRow, batchRow}, gone...)
	}
	r, mem := Assess(snapAt(at("10:55"), v(at("10:55"), goneRow(otherRow, at("10:55"), "", nil))), Memory{})
	f := find(t, r, KindKeyVanished)
	// None of ours: worth a look, not a page (issue 15: it held exit 2 for
	// a day).
	if f.Severity != SeverityWarning || len(f.Keys) != 0 || f.ID != "key_vanished:openai:key_other" ||
		!strings.Contains(f.Title, `"old laptop"`) || !strings.Contains(f.Detail, `"old laptop" (sk-proj-Lv1L…LeaV)`) {
		t.Errorf("key_vanished = %+v", f)
	}
	if slices.ContainsFunc(f.Advice, func(s string) bool { return strings.Contains(s, "Rotate") }) {
		t.Errorf("advice to rotate a key that is none of ours: %v", f.Advice)
	}
	r, mem = Assess(snapAt(at("20:00"), v(at("20:00"))), mem)
	if !has(r, KindKeyVanished) {
		t.Error("closed within the day")
	}
	if f := find(t, r, KindKeyVanished); f.Severity != SeverityInfo || r.Overall != LevelOK {
		t.Errorf("hours later: %s, overall %s; a key that is none of ours is quiet after the hour", f.Severity, r.Overall)
	}
	r, _ = Assess(snapAt(at("23:59").Add(12*time.Hour), v(at("23:59").Add(12*time.Hour))), mem)
	if has(r, KindKeyVanished) {
		t.Error("still open a day and a half later")
	}

	// A deletion someone made of a key that is none of ours is news, not
	// trouble.
	e := *opsDeletion
	e.Object = "key_other"
	r, _ = Assess(snapAt(at("10:55"), v(at("10:55"), goneRow(otherRow, at("10:55"), "", &e))), Memory{})
	if d := find(t, r, KindKeyDeleted); d.Severity != SeverityInfo || r.Overall != LevelOK {
		t.Errorf("key_deleted of another key = %+v, overall %s", d, r.Overall)
	}
}

func TestVanishedKeyWaitsForTheAuditLog(t *testing.T) {
	g := goneRow(batchRow, at("10:55"), "sk-proj-…BxYA", nil)
	g.AuditChecked, g.AuditError = false, "GET /v1/organization/audit_logs: Rate limit reached (trying again at the next check)"
	snap := func(tm time.Time, gone ...observe.GoneKey) observe.Snapshot {
		return snapAt(tm, openaiKeys(tm, observe.ResultOK, observe.ResultOK, observe.ResultInvalidKey).withInventory(tm, []observe.InventoryKey{prodRow, canaryRow}, gone...))
	}
	// batch is rejected while the canary works: the probes conclude a leak.
	// The audit log not having answered yet is evidence to add, never a
	// reason to lower the leak to a warning (issue 15).
	r, mem := Assess(snap(at("10:55"), g), Memory{})
	f := find(t, r, KindKeyLeakSuspected)
	if f.Severity != SeverityCritical || has(r, KindKeyVanished) || !strings.Contains(f.Detail, "Rate limit reached") ||
		!strings.Contains(f.Detail, "could not be asked yet") {
		t.Errorf("waiting = %v: %+v", kinds(r.Findings), f)
	}
	// The audit log answers with nothing: the leak names the missing entry.
	g.AuditChecked, g.AuditError, g.Lookups = true, "", 2
	r, mem = Assess(snap(at("11:00"), g), mem)
	if f := find(t, r, KindKeyLeakSuspected); f.Severity != SeverityCritical || !strings.Contains(f.Detail, "no api_key.deleted") {
		t.Errorf("answered = %+v", f)
	}
	// Later the audit log has the event after all: a named deletion
	// explains the key better than a leak.
	e := *opsDeletion
	e.Object, e.At = "key_batch", at("10:54")
	g.Audit = &e
	r, mem2 := Assess(snap(at("11:05"), g), mem)
	if has(r, KindKeyLeakSuspected) || has(r, KindKeyVanished) || find(t, r, KindKeyDeleted).Severity != SeverityCritical {
		t.Errorf("late event: %v", kinds(r.Findings))
	}
	// The same dead key, better explained: one episode, updated, never a
	// close (a false all-clear) and an open.
	ch := Changes(mem, mem2)
	if len(ch) != 1 || ch[0].Kind != ChangeUpdated || ch[0].Finding.Kind != KindKeyDeleted {
		t.Errorf("changes = %+v", ch)
	}
}

// The memory that history stores survives a JSON round trip.
func TestInventoryMemoryRoundTrip(t *testing.T) {
	s := openaiKeys(at("10:55"), observe.ResultOK, observe.ResultOK, observe.ResultOK).withInventory(at("10:55"), []observe.InventoryKey{prodRow},
		goneRow(canaryRow, at("10:55"), "sk-proj-…CxYA", opsDeletion))
	_, mem := Assess(snapAt(at("10:55"), s), Memory{})
	back := saved(t, mem)
	g := back.Inventory["openai"].Gone["key_canary"]
	if g.Audit == nil || g.Audit.ActorEmail != "ops@example.com" || g.Key != "canary-1" {
		t.Errorf("after a round trip: %+v", g)
	}
	clone := back.clone()
	clone.Inventory["openai"].Gone["key_canary"].Audit.ActorEmail = "changed"
	if back.Inventory["openai"].Gone["key_canary"].Audit.ActorEmail != "ops@example.com" {
		t.Error("clone shares the audit event")
	}
}

func TestRetiredRowFoldsTheProbe(t *testing.T) {
	archived := observe.InventoryKey{ID: "apikey_01Rj2N8SVvo6BePZj99NhmiT", Name: "Developer Key", Kind: observe.InventoryAPIKey,
		Redacted: "sk-ant-api03-R2D…PxYA", Project: "wrkspc_01", Status: observe.StatusArchived, Owner: "user_01", Key: "prod"}
	b := vendorAt("anthropic", "Anthropic").reach(observe.ResultReachable, 401, at("10:55")).
		key("prod", false, observe.ResultInvalidKey, 401, "authentication_error", at("10:55"))
	b.v.Inventory = &observe.Inventory{Source: observe.SourceAnthropicAdmin, Result: observe.ResultOK, CheckedAt: at("10:55"), ListedAt: at("10:55"),
		Complete: true, Keys: []observe.InventoryKey{archived}}
	r, _ := Assess(snapAt(at("10:55"), b), Memory{})
	uniqueIDs(t, r)
	if len(r.Findings) != 1 {
		t.Fatalf("findings = %v", kinds(r.Findings))
	}
	f := r.Findings[0]
	if f.Kind != KindKeyRevoked || f.Title != "Anthropic key prod is archived" ||
		!strings.Contains(f.Detail, "Anthropic's admin API lists key prod (sk-proj-…PxYA)") ||
		!strings.Contains(f.Detail, "Its probe agrees: invalid_key (HTTP 401 authentication_error)") {
		t.Errorf("finding = %+v", f)
	}
}

func TestAdminKeyFindings(t *testing.T) {
	b := openaiKeys(at("10:55"), observe.ResultOK, observe.ResultOK, observe.ResultOK).withInventory(at("10:50"), []observe.InventoryKey{prodRow})
	b.v.Inventory.Result, b.v.Inventory.HTTPStatus, b.v.Inventory.Code = observe.ResultInvalidKey, 401, "invalid_api_key"
	b.v.Inventory.Error = "GET /v1/organization/projects: Incorrect API key provided."
	vapi := vendorAt("vapi", "VAPI").dependsOn("openai")
	r, _ := Assess(snapAt(at("10:55"), b, vapi), Memory{})
	f := find(t, r, KindKeyRevoked)
	if f.ID != "key_revoked:openai:(admin)" || f.Severity != SeverityCritical || !slices.Equal(f.Keys, []string{"(admin)"}) ||
		!strings.Contains(f.Detail, "admin key (sk-admin-…AdMn)") || !strings.Contains(f.Detail, "The last key list is from 10:50 UTC") {
		t.Errorf("admin finding = %+v", f)
	}
	if has(r, KindUpstreamImpact) {
		t.Error("a dead admin key is taken for trouble of VAPI, which never holds it")
	}
	// A rate-limited admin read waits for the next check.
	b.v.Inventory.Result = observe.ResultRateLimited
	if r, _ := Assess(snapAt(at("10:55"), b), Memory{}); len(r.Findings) != 0 {
		t.Errorf("rate limited: %v", kinds(r.Findings))
	}
}

func TestKeyExpiring(t *testing.T) {
	self := observe.InventoryKey{ID: "key_admin_vw", Name: "vendorwatch", Kind: observe.InventoryAdminKey, Redacted: "sk-admin…AdMn",
		ExpiresAt: at("10:00").Add(10 * 24 * time.Hour), Expiring: true, Self: true}
	later := observe.InventoryKey{ID: "key_admin_ci", Name: "terraform", Kind: observe.InventoryAdminKey, Redacted: "sk-admin…TfrM",
		ExpiresAt: at("10:00").Add(90 * 24 * time.Hour)}
	b := openaiKeys(at("10:55"), observe.ResultOK, observe.ResultOK, observe.ResultOK).withInventory(at("10:55"), []observe.InventoryKey{prodRow, self, later})
	r, _ := Assess(snapAt(at("10:55"), b), Memory{})
	f := find(t, r, KindKeyExpiring)
	if f.Severity != SeverityWarning || !slices.Equal(f.Keys, []string{"(admin)"}) || !strings.Contains(f.Detail, "the admin key vendorwatch uses") ||
		!strings.Contains(f.Detail, "(in 9 days)") || strings.Contains(f.Detail, "terraform") {
		t.Errorf("key_expiring = %+v", f)
	}
}
