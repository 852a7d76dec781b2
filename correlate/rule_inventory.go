package correlate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// conclusions are the probe findings that the inventory never replaces: a
// leak (only the key in use died) and an account-wide revocation. What the
// admin API says about their keys (who deleted them, no audit entry) is
// folded into them as evidence.
var conclusions = map[Kind]bool{KindKeyLeakSuspected: true, KindAccountKeysRevoked: true}

// inventoryFindings reads the vendor's key inventory (the admin API's key
// list, vendor.inventory) together with keyFs, the findings of its key
// probes, and returns both as one:
//
//   - a key that left the list and whose removal the audit log records is
//     key_deleted, naming who did it, when and from where (critical for a
//     configured key in use, warning for a canary, info for a key that is
//     none of ours);
//   - a key that left the list with no audit entry is key_vanished,
//     critical: a leak auto-disable, the vendor's audit gap, or lost
//     project access (warning while the audit log has not answered yet);
//   - a configured key whose row says inactive, archived or expired
//     (Anthropic), or whose project is archived (OpenAI), is key_revoked
//     with the row as evidence.
//
// A configured key is matched to its row by fingerprint; its probe result
// joins the inventory finding. Inventory evidence enriches a probe
// conclusion and never lowers it: the probe's key_revoked about the same
// key gives way to the inventory finding, which keeps the higher
// severity; key_leak_suspected and account_keys_revoked stay, with the
// inventory findings about their keys folded in, unless the audit log
// names a deletion of every key a leak would be about, which then
// explains them better. Vanished keys stay in memory and reported until
// the key comes back, is rotated or leaves the config (ours), or for a
// day (others).
func (a *assessment) inventoryFindings(v observe.VendorResult, keyFs []Finding) []Finding {
	if a.mem.Inventory == nil {
		a.mem.Inventory = map[string]InventoryMemory{}
	}
	inv := v.Inventory
	if inv == nil {
		delete(a.mem.Inventory, v.ID)
		return keyFs
	}
	keys := map[string]keyView{}
	for _, k := range v.Keys {
		n, since := a.keyStreak(v.ID, k)
		keys[k.Name] = keyView{KeyResult: k, streak: n, since: since}
	}
	gone := a.trackGone(v, keys)

	var out []invFinding
	covered := map[string]bool{}
	for _, id := range sortedGone(gone) {
		g := gone[id]
		out = append(out, a.goneFinding(v, g, keys))
		if g.Key != "" {
			covered[g.Key] = true
		}
	}
	for _, row := range inv.Keys {
		if row.Key == "" || covered[row.Key] || !retired(row) {
			continue
		}
		out = append(out, a.retiredFinding(v, row, keys))
		covered[row.Key] = true
	}
	out = append(out, a.canaryFindings(v, keys)...)
	out = append(out, a.accessFindings(v, keys)...)
	return a.fold(keyFs, out)
}

// invFinding is an inventory finding with its evidence alone (what the
// admin API says, without the probe's part), for folding into a probe
// conclusion, and whether the audit log is switched off.
type invFinding struct {
	Finding
	evidence string
	auditOff bool
}

// fold joins the probe findings of a vendor's keys and its inventory
// findings into one account of each key (see inventoryFindings).
func (a *assessment) fold(probeFs []Finding, inv []invFinding) []Finding {
	explained := func(k string) bool {
		return slices.ContainsFunc(inv, func(f invFinding) bool { return f.Kind == KindKeyDeleted && slices.Contains(f.Keys, k) })
	}
	var out []Finding
	var conc []int // indexes in out of the conclusions kept
	for _, f := range probeFs {
		switch {
		case f.Kind == KindKeyLeakSuspected && len(f.Keys) > 0 && !slices.ContainsFunc(f.Keys, func(k string) bool { return !explained(k) }):
			continue // the audit log names who deleted every key it is about
		case conclusions[f.Kind]:
			conc = append(conc, len(out))
		case f.Kind == KindKeyRevoked && slices.ContainsFunc(inv, func(i invFinding) bool { return sameKeys(i.Keys, f.Keys) }):
			for j := range inv {
				if sameKeys(inv[j].Keys, f.Keys) && inv[j].Severity.Rank() < f.Severity.Rank() {
					inv[j].Severity = f.Severity // the inventory never lowers the probe's verdict
				}
			}
			continue
		}
		out = append(out, f)
	}
	for _, i := range inv {
		c := -1
		for _, j := range conc {
			if len(i.Keys) > 0 && !slices.ContainsFunc(i.Keys, func(k string) bool { return !slices.Contains(out[j].Keys, k) }) {
				c = j
			}
		}
		if c < 0 {
			out = append(out, i.Finding)
			continue
		}
		out[c].Detail += " " + i.evidence
		if i.auditOff {
			out[c].Advice = appendOnce(out[c].Advice, auditOnAdvice(a.name(out[c].Vendors[0])))
		}
	}
	return out
}

func sameKeys(a, b []string) bool {
	return len(a) > 0 && !slices.ContainsFunc(a, func(k string) bool { return !slices.Contains(b, k) })
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// auditOnAdvice says how to switch audit logging on, once it is known to be
// off: without it no deletion is ever recorded.
func auditOnAdvice(name string) string {
	return "Turn " + name + "'s audit logging on (an Owner: Organization settings → Data controls → Data retention → Audit logging): without it no deletion is recorded, and vendorwatch cannot tell who removed a key."
}

// trackGone merges the check's vanished keys into memory and drops those
// no longer worth reporting.
func (a *assessment) trackGone(v observe.VendorResult, keys map[string]keyView) map[string]observe.GoneKey {
	gone := map[string]observe.GoneKey{}
	for id, g := range a.mem.Inventory[v.ID].Gone {
		gone[id] = g
	}
	for _, g := range v.Inventory.Gone {
		if old, ok := gone[g.ID]; ok {
			g = mergeGone(old, g)
		}
		gone[g.ID] = g
	}
	listed := map[string]bool{}
	for _, k := range v.Inventory.Keys {
		listed[k.ID] = true
	}
	for id, g := range gone {
		k, ours := keys[g.Key]
		switch {
		case listed[id]:
			delete(gone, id) // back in the list
		case g.Key != "" && (!ours || k.Fingerprint != "" && g.Fingerprint != "" && k.Fingerprint != g.Fingerprint):
			delete(gone, id) // rotated, or no longer configured
		case g.Key == "" && a.now.Sub(g.NoticedAt) > goneHold:
			delete(gone, id)
		}
	}
	im := a.mem.Inventory[v.ID]
	im.Gone = gone
	if len(gone) == 0 {
		im.Gone = nil
	}
	a.storeInventory(v.ID, im)
	return gone
}

func sortedGone(m map[string]observe.GoneKey) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// retired reports whether a row says the key no longer works.
func retired(row observe.InventoryKey) bool {
	switch row.Status {
	case observe.StatusInactive, observe.StatusArchived, observe.StatusExpired:
		return true
	}
	return false
}

// rowLabel names a row: the configured key with its fingerprint, or the
// vendor's name for it with the vendor's mask.
func rowLabel(row observe.InventoryKey, fingerprint string) string {
	if row.Key != "" {
		return row.Key + " (" + cmp.Or(fingerprint, row.Redacted) + ")"
	}
	return fmt.Sprintf("%q (%s)", termtext.Line(row.Name), cmp.Or(row.Redacted, row.ID))
}

// rowWhere says where a row lived and what it was: its name in the
// vendor's list, its project or workspace, its owner and its id.
func rowWhere(row observe.InventoryKey) string {
	var parts []string
	if row.Key != "" && row.Name != "" {
		parts = append(parts, fmt.Sprintf("named %q", termtext.Line(row.Name)))
	}
	switch {
	case row.Kind == observe.InventoryAdminKey:
		parts = append(parts, "an admin key")
	case row.ProjectName != "":
		parts = append(parts, fmt.Sprintf("in project %q", termtext.Line(row.ProjectName)))
	case row.Project != "":
		parts = append(parts, "in "+termtext.Line(row.Project))
	}
	if row.Owner != "" {
		owner := termtext.Line(row.Owner)
		if row.OwnerType == observe.OwnerServiceAccount {
			owner = "service account " + owner
		}
		parts = append(parts, "owned by "+owner)
	}
	if row.ID != "" {
		parts = append(parts, "id "+termtext.Line(row.ID))
	}
	return strings.Join(parts, ", ")
}

// probeEvidence is what the key's own probe adds to an inventory finding.
func (a *assessment) probeEvidence(key string, keys map[string]keyView) string {
	k, ok := keys[key]
	if !ok {
		return ""
	}
	switch {
	case k.Result == observe.ResultInvalidKey:
		return " Its probe agrees: " + a.rejection(k) + "."
	case k.Result == observe.ResultOK:
		return fmt.Sprintf(" Yet its probe still gets through (ok at %s): the key works while the list no longer shows it.", clock(k.CheckedAt, a.now))
	case k.Result.Sent() && !k.Result.Failed():
		return " Its probe says " + resultWords(k.Result, k.HTTPStatus, k.Code) + "."
	}
	return ""
}

// goneFinding is key_deleted or key_vanished for a key that left the list.
func (a *assessment) goneFinding(v observe.VendorResult, g observe.GoneKey, keys map[string]keyView) invFinding {
	name := a.name(v.ID)
	_, ours := keys[g.Key]
	canary := g.Canary || ours && keys[g.Key].Canary
	idPart, keyNames := g.ID, []string{}
	if g.Key != "" {
		idPart, keyNames = g.Key, []string{g.Key}
	}
	label := rowLabel(g.InventoryKey, g.Fingerprint)
	what := "key"
	if canary {
		what = "canary key"
	}
	left := fmt.Sprintf("%s %s, %s, left %s's key list between %s and %s.", capital(what), label, rowWhere(g.InventoryKey), name,
		clock(g.LastSeen, a.now), clock(g.NoticedAt, a.now))
	if g.OwnerGone {
		left += " Its service account left the list too."
	}
	probe := a.probeEvidence(g.Key, keys)
	if g.Audit != nil {
		f := a.deletedFinding(v, g, idPart, keyNames, label, what, left+probe, ours, canary)
		return invFinding{Finding: f, evidence: strings.TrimSuffix(f.Detail, probe)}
	}
	f := Finding{
		ID: findingID(KindKeyVanished, []string{v.ID}, []string{idPart}), Kind: KindKeyVanished, Severity: SeverityCritical,
		Vendors: []string{v.ID}, Keys: keyNames, Since: g.NoticedAt,
		Title: fmt.Sprintf("%s %s %s vanished from the key list with no audit entry", name, what, cmp.Or(g.Key, fmt.Sprintf("%q", termtext.Line(g.Name)))),
	}
	var audit string
	switch {
	case g.NoAuditLog:
		audit = fmt.Sprintf(" %s's admin API has no audit log to ask who removed it.", name)
	case g.AuditOff:
		audit = fmt.Sprintf(" %s's audit logging is switched off, so no event can say who removed it.", name)
	case g.AuditChecked:
		audit = fmt.Sprintf(" The audit log has no api_key.deleted, service_account.deleted or project.archived event for it since %s.",
			clock(cmp.Or(g.AuditFrom, g.LastSeen), a.now))
		if g.Unexplained > 0 {
			audit += fmt.Sprintf(" %d %s in that window could not be tied to it.", g.Unexplained, plural(g.Unexplained, "deletion", "deletions"))
		}
	case a.now.Before(g.AuditUntil):
		f.Severity = SeverityWarning
		f.Title = fmt.Sprintf("%s %s %s left the key list; the audit log has not answered yet", name, what, cmp.Or(g.Key, fmt.Sprintf("%q", termtext.Line(g.Name))))
		audit = " The audit log could not be asked yet"
		if g.AuditError != "" {
			audit += " (" + excerpt(g.AuditError) + ")"
		}
		audit += "; vendorwatch asks again at each inventory check for an hour."
	default:
		audit = " The audit log could not be read"
		if g.AuditError != "" {
			audit += " (" + excerpt(g.AuditError) + ")"
		}
		audit += ", so nothing explains it."
	}
	evidence := left + audit + " Gone with no audit entry: a leak auto-disable (check your mail for the vendor's notice), the vendor's audit gap " +
		"(OpenAI dropped api_key.* events from Nov 2025 to Feb 2026), or lost project access."
	support := "Ask " + name + "'s support about key id " + termtext.Line(g.ID) + " and the times above: audit logs have had gaps (OpenAI's dropped api_key.* events for months and was backfilled only in part)."
	switch {
	case canary:
		// A canary is never used: it cannot have leaked through use.
		evidence = left + audit + " A canary is never used, so it did not leak through use: someone or something with access to the account removed it, the vendor's audit gap hides who, or its project access was lost."
		f.Advice = []string{
			"Check who has admin and project access, and " + name + "'s console for the key.",
			support,
			"Watch the keys you use: if they go next, it is account-wide.",
		}
	case ours:
		f.Advice = []string{
			"Look in your mail for " + name + "'s notice that the key leaked and was disabled.",
			support,
			"Rotate: create a new key and store it in your secret manager.",
			a.dependentsAdvice(v.ID),
		}
	default:
		f.Advice = []string{
			"None of your configured keys: tell whoever uses it, and look in your mail for " + name + "'s leak notice.",
			support,
			"Check who has admin access and project access; a key whose owner lost access to the project can drop out of view.",
		}
		// Not ours: worth a look, not a page, and quiet after the hour.
		f.Severity = SeverityWarning
		if a.now.Sub(g.NoticedAt) >= time.Hour {
			f.Severity = SeverityInfo
		}
	}
	if g.AuditOff {
		f.Advice = append(f.Advice, auditOnAdvice(name))
	}
	f.Detail = evidence + probe
	return invFinding{Finding: f, evidence: evidence, auditOff: g.AuditOff}
}

// deletedFinding is key_deleted: the audit log names who removed the key.
func (a *assessment) deletedFinding(v observe.VendorResult, g observe.GoneKey, idPart string, keyNames []string, label, what, evidence string, ours, canary bool) Finding {
	name := a.name(v.ID)
	e := g.Audit
	who := termtext.Line(e.Actor())
	person := termtext.Line(cmp.Or(e.ActorEmail, cmp.Or(e.ActorID, "the API key "+e.ActorKey)))
	var how string
	switch e.Matched {
	case "service_account":
		how = fmt.Sprintf("its service account %s was deleted", termtext.Line(e.Object))
	case "project":
		how = fmt.Sprintf("its project %s was archived", termtext.Line(e.Object))
	default:
		how = "it was deleted"
	}
	record := fmt.Sprintf(" The audit log records %s by %s at %s (%s, event %s).", how, who, clock(e.At, a.now), termtext.Line(e.Type), termtext.Line(e.ID))
	if e.Matched == "window" {
		record = fmt.Sprintf(" The audit log has no event for its id; the only unexplained api_key.deleted of that window, by %s at %s (key %s, event %s), is probably it.",
			who, clock(e.At, a.now), termtext.Line(e.Object), termtext.Line(e.ID))
	}
	f := Finding{
		ID: findingID(KindKeyDeleted, []string{v.ID}, []string{idPart}), Kind: KindKeyDeleted, Severity: SeverityInfo,
		Vendors: []string{v.ID}, Keys: keyNames, Since: e.At,
		Title:  fmt.Sprintf("%s %s %s deleted by %s", name, what, cmp.Or(g.Key, fmt.Sprintf("%q", termtext.Line(g.Name))), who),
		Detail: evidence + record,
	}
	if e.Matched != "" && e.Matched != "id" && e.Matched != "window" {
		f.Title = fmt.Sprintf("%s %s %s removed: %s by %s", name, what, cmp.Or(g.Key, fmt.Sprintf("%q", termtext.Line(g.Name))), how, who)
	}
	switch {
	case ours && canary:
		f.Severity = SeverityWarning
		f.Advice = []string{
			"A canary is never used, so nobody needed to delete it: if " + person + " did not mean to, review who holds admin access.",
			"Watch the keys you use: if they go next, it is an account-wide action.",
		}
	case ours:
		f.Severity = SeverityCritical
		f.Advice = []string{
			"Ask " + person + " why, if this was not planned; review who holds admin access.",
			"Rotate: create a new key and store it in your secret manager.",
			a.dependentsAdvice(v.ID),
		}
	default:
		f.Advice = []string{"None of your configured keys: if the deletion was planned, nothing to do; if not, ask " + person + "."}
	}
	if e.Matched == "window" {
		f.Advice = append(f.Advice, "Confirm in "+name+"'s audit log that event "+termtext.Line(e.ID)+" is this key's.")
	}
	return f
}

// retiredFinding is key_revoked for a configured key whose row says it no
// longer works: inactive, archived or expired, or in an archived project.
func (a *assessment) retiredFinding(v observe.VendorResult, row observe.InventoryKey, keys map[string]keyView) invFinding {
	name := a.name(v.ID)
	k := keys[row.Key]
	state := termtext.Line(row.Status)
	switch {
	case row.Kind == observe.InventoryProjectKey && row.Status == observe.StatusArchived:
		state = "in an archived project"
	case row.Status == observe.StatusExpired && !row.ExpiresAt.IsZero():
		state = "expired since " + clock(row.ExpiresAt, a.now)
	}
	since := k.since
	if since.IsZero() {
		since = a.now
	}
	f := Finding{
		ID: findingID(KindKeyRevoked, []string{v.ID}, []string{row.Key}), Kind: KindKeyRevoked, Severity: SeverityCritical,
		Vendors: []string{v.ID}, Keys: []string{row.Key}, Since: since,
		Title:  fmt.Sprintf("%s key %s is %s", name, row.Key, state),
		Detail: fmt.Sprintf("%s's admin API lists key %s, %s, as %s.", name, rowLabel(row, k.Fingerprint), rowWhere(row), state),
		Advice: []string{
			"Someone with admin access disabled it, or it reached its expiry: check " + name + "'s console.",
			"Rotate: create a new key and store it in your secret manager.",
			a.dependentsAdvice(v.ID),
		},
	}
	if k.Canary {
		f.Title = fmt.Sprintf("%s canary key %s is %s", name, row.Key, state)
	}
	evidence := f.Detail
	f.Detail += a.probeEvidence(row.Key, keys)
	return invFinding{Finding: f, evidence: evidence}
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
