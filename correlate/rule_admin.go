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

// adminKey is how findings name the admin key a vendor's inventory is read
// with; the parentheses keep it apart from any configured key's name.
const adminKey = "(admin)"

// adminFindings runs after upstream_impact is built, so what it adds never
// counts as an upstream cause (a dependent does not hold our admin key):
//
//   - VAPI's call records: calls ending in an upstream provider's failure
//     (pipeline-error-openai-401-incorrect-api-key) are evidence for
//     upstream_impact on VAPI naming that provider and its failure; calls
//     ending in VAPI's own failures (vapifault-*, subscription) are
//     evidence about VAPI (rule_calls.go);
//   - the admin key itself rejected, lacking permission or unresolved;
//   - inventory_unreadable: a list of the key inventory failed to read;
//   - key_expiring: an admin key, or a configured key, expiring soon.
func (a *assessment) adminFindings(fs []Finding) []Finding {
	for _, v := range a.snap.Vendors {
		if v.Calls != nil {
			fs = a.callFindings(v, fs)
		}
		if v.Inventory == nil {
			continue
		}
		keyF, keyOK := a.adminKeyFinding(v)
		if keyOK {
			fs = append(fs, keyF)
		}
		if f, ok := a.unreadableFinding(v, keyOK); ok {
			fs = append(fs, f)
		}
		if f, ok := a.expiringFinding(v); ok {
			fs = append(fs, f)
		}
	}
	return fs
}

// adminKeyFinding reports an admin key that does not work. A failure that
// may pass (rate limited, the vendor failing, no answer) waits for the
// next check; the inventory keeps its last list meanwhile.
func (a *assessment) adminKeyFinding(v observe.VendorResult) (Finding, bool) {
	inv := v.Inventory
	name := a.name(v.ID)
	kv := keyView{KeyResult: observe.KeyResult{Name: adminKey, Fingerprint: inv.AdminFingerprint, Result: inv.Result,
		HTTPStatus: inv.HTTPStatus, Code: inv.Code, Message: inv.Error, CheckedAt: inv.CheckedAt}, streak: 1, since: inv.CheckedAt}
	label := "admin key"
	if inv.AdminFingerprint != "" {
		label += " (" + inv.AdminFingerprint + ")"
	}
	var f Finding
	switch inv.Result {
	case observe.ResultInvalidKey:
		f = Finding{Kind: KindKeyRevoked, Severity: SeverityCritical,
			Title: fmt.Sprintf("%s admin key rejected: the key inventory is not watched", name),
			Advice: []string{
				"An admin key that dies is itself news: check who holds " + name + " admin access and whether the key expired.",
				"Create a new admin key (Organization owners only) and point admin.secret at it.",
			}}
	case observe.ResultNoPermission, observe.ResultMisconfigured, observe.ResultAccountDisabled:
		c := classText[inv.Result]
		f = Finding{Kind: c.kind, Severity: SeverityWarning,
			Title:  fmt.Sprintf("%s admin key %s: the key inventory is not watched", name, c.title),
			Advice: []string{"The admin API needs an admin key of the organization (OpenAI sk-admin-…, Anthropic sk-ant-admin01-…); a project or API key cannot list keys."}}
	case observe.ResultNoSecret:
		f = Finding{Kind: KindSecretMissing, Severity: SeverityWarning,
			Title:  fmt.Sprintf("%s admin key not read: secret missing", name),
			Advice: []string{"Run `vendorwatch check-config` to see why admin.secret does not resolve."}}
	default:
		return Finding{}, false
	}
	f.ID = findingID(f.Kind, []string{v.ID}, []string{adminKey})
	f.Vendors, f.Keys, f.Since = []string{v.ID}, []string{adminKey}, inv.CheckedAt
	f.Detail = fmt.Sprintf("%s's admin API refuses the %s: %s.", name, label, a.rejection(kv))
	if inv.Result == observe.ResultNoSecret {
		f.Detail = fmt.Sprintf("admin.secret of %s did not resolve: %s.", name, cmp.Or(excerpt(inv.Error), "no secret"))
	}
	if !inv.ListedAt.IsZero() {
		f.Detail += " The last key list is from " + clock(inv.ListedAt, a.now) + "."
	}
	return f, true
}

// expiringFinding is key_expiring: admin keys, and keys of ours, whose
// expires_at is near (the admin block's expiry_warning, 14 days by
// default). A configured key already expired is key_revoked instead.
func (a *assessment) expiringFinding(v observe.VendorResult) (Finding, bool) {
	name := a.name(v.ID)
	var parts, keys []string
	var first observe.InventoryKey
	for _, row := range v.Inventory.Keys {
		if !row.Expiring || row.ExpiresAt.IsZero() || retired(row) || row.Kind != observe.InventoryAdminKey && row.Key == "" {
			continue
		}
		if first.ExpiresAt.IsZero() || row.ExpiresAt.Before(first.ExpiresAt) {
			first = row
		}
		label := rowLabel(row, "")
		switch {
		case row.Self:
			label = "the admin key vendorwatch uses, " + label
			keys = append(keys, adminKey)
		case row.Kind == observe.InventoryAdminKey:
			label = "admin key " + label
		default:
			keys = append(keys, row.Key)
		}
		when := "expires " + clock(row.ExpiresAt, a.now)
		if !row.ExpiresAt.After(a.now) {
			when = "expired " + clock(row.ExpiresAt, a.now)
		} else if d := row.ExpiresAt.Sub(a.now); d >= 48*time.Hour {
			when += fmt.Sprintf(" (in %d days)", int(d.Hours()/24))
		}
		parts = append(parts, label+" "+when)
	}
	if len(parts) == 0 {
		return Finding{}, false
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	title := fmt.Sprintf("%s %s expires %s", name, rowLabel(first, ""), clock(first.ExpiresAt, a.now))
	if len(parts) > 1 {
		title = fmt.Sprintf("%s: %d keys expire soon, the first %s", name, len(parts), clock(first.ExpiresAt, a.now))
	}
	return Finding{
		ID: findingID(KindKeyExpiring, []string{v.ID}, nil), Kind: KindKeyExpiring, Severity: SeverityWarning,
		Vendors: []string{v.ID}, Keys: keys, Since: a.now,
		Title:  title,
		Detail: fmt.Sprintf("%s's admin API lists: %s.", name, strings.Join(parts, "; ")),
		Advice: []string{
			"Create the replacement before the expiry and move every user of the old key to it (for the admin key: admin.secret).",
			"An expired key fails like a revoked one; this warning exists so that it never surprises you.",
		},
	}, true
}

// unreadableFinding is inventory_unreadable: lists of the key inventory
// that could not be read, with the endpoint and the answer, since the
// first failed read. The rows those lists held last are kept, and no key
// is taken for vanished from them, so the watch has a blind spot that
// must be seen: a warning, never a key's finding, and never one that
// lowers a finding about a key. A read that failed as a whole because of
// the admin key itself is the admin key's finding (keyFinding) alone; a
// list cut short by a bound is said in passing, not raised alone.
func (a *assessment) unreadableFinding(v observe.VendorResult, keyFinding bool) (Finding, bool) {
	inv := v.Inventory
	var failed []observe.InventoryGap
	truncated := 0
	for _, g := range inv.Gaps {
		if g.Truncated {
			truncated++
		} else {
			failed = append(failed, g)
		}
	}
	if len(failed) == 0 || keyFinding && inv.Result != observe.ResultOK {
		return Finding{}, false
	}
	name := a.name(v.ID)
	since := failed[0].Since
	var parts []string
	for _, g := range failed {
		if !g.Since.IsZero() && (since.IsZero() || g.Since.Before(since)) {
			since = g.Since
		}
		if len(parts) < 3 {
			parts = append(parts, termtext.Line(g.Endpoint)+" answers "+gapAnswer(g))
		}
	}
	if len(failed) > 3 {
		parts = append(parts, fmt.Sprintf("%d more", len(failed)-3))
	}
	since = cmp.Or(since, inv.CheckedAt)
	title := fmt.Sprintf("%s key inventory unreadable since %s: %s", name, clock(since, a.now), parts[0])
	detail := fmt.Sprintf("%s's admin API could not be read in full: %s.", name, strings.Join(parts, "; "))
	if inv.Result == observe.ResultOK {
		detail += fmt.Sprintf(" The other lists were read at %s; the keys the failing %s held at the last read that got %s are kept, and none of them is taken for vanished while %s unreadable: a key that leaves %s is noticed only once %s again.",
			clock(inv.ListedAt, a.now), plural(len(failed), "list", "lists"), plural(len(failed), "it", "them"), plural(len(failed), "it stays", "they stay"),
			plural(len(failed), "it", "them"), plural(len(failed), "it reads", "they read"))
	} else {
		last := "there is no key list yet"
		if !inv.ListedAt.IsZero() {
			last = "the key list kept is the one of " + clock(inv.ListedAt, a.now)
		}
		detail += " Nothing was read: " + last + ", and no key is taken for vanished until a read works again."
	}
	if truncated > 0 {
		detail += fmt.Sprintf(" %d more %s cut short by a bound of the read.", truncated, plural(truncated, "list was", "lists were"))
	}
	advice := []string{"If it lasts, look at " + name + "'s status page for an Admin API incident; vendorwatch reads again at every admin interval."}
	if slices.ContainsFunc(failed, func(g observe.InventoryGap) bool {
		return g.Result == observe.ResultNoPermission || g.HTTPStatus == 403 || g.HTTPStatus == 404
	}) {
		advice = append(advice, "A 403 or 404 on one list while others read can mean the admin key lacks a scope (read-only admin keys may not list admin keys), or the endpoint moved: check the key's permissions in "+name+"'s console.")
	}
	return Finding{
		ID: findingID(KindInventoryUnreadable, []string{v.ID}, nil), Kind: KindInventoryUnreadable, Severity: SeverityWarning,
		Vendors: []string{v.ID}, Keys: []string{}, Since: since,
		Title: title, Detail: detail, Advice: advice,
	}, true
}

// gapAnswer is a failed list's answer in words: "HTTP 500 (server_error)",
// or what went wrong without one.
func gapAnswer(g observe.InventoryGap) string {
	if g.HTTPStatus > 0 {
		s := fmt.Sprintf("HTTP %d", g.HTTPStatus)
		if g.Code != "" {
			s += " (" + termtext.Line(g.Code) + ")"
		}
		return s
	}
	return ResultWord(g.Result)
}
