package correlate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Holder kinds, as config keys[].holders spells them.
const (
	holderService = "service"
	holderVendor  = "vendor"
	holderSecret  = "secret"
)

// leakKinds are the findings that say a key was revoked or disappeared,
// where a single outside holder points at the leak's source. key_deleted
// is not one: the audit log names who deleted the key.
var leakKinds = map[Kind]bool{KindKeyRevoked: true, KindKeyLeakSuspected: true, KindKeyVanished: true}

// custody adds what the config says about each key's custody to the
// findings about keys: who holds the key (Holders, and a sentence in the
// detail that every view and the report show), how to update each holder
// when the key is dead, and the likely leak source when a revoked key was
// held by one vendor alone while the vendor's other keys live.
func (a *assessment) custody(fs []Finding) {
	for i := range fs {
		f := &fs[i]
		if len(f.Vendors) == 0 || len(f.Keys) == 0 {
			continue
		}
		v, ok := a.vendor(f.Vendors[0])
		if !ok {
			continue
		}
		hs := holdersOf(v, f.Keys)
		if len(hs) == 0 {
			continue
		}
		f.Holders = hs
		f.Detail = strings.TrimSpace(f.Detail + " Held by: " + a.holderList(hs) + ".")
		if !keyDeaths[f.Kind] || f.Severity != SeverityCritical {
			continue
		}
		if src, ok := a.leakSource(v, *f); ok {
			a.markLeakSource(v, f, src)
		}
		f.Advice = spliceAdvice(f.Advice, a.dependentsAdvice(v.ID), a.holderAdvice(v, hs))
	}
}

// holdersOf is every holder of the named keys of v, each once, in the
// order the config lists them.
func holdersOf(v observe.VendorResult, keys []string) []observe.Holder {
	var out []observe.Holder
	for _, k := range v.Keys {
		if !slices.Contains(keys, k.Name) {
			continue
		}
		for _, h := range k.Holders {
			if !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
	}
	return out
}

// holderLabel names a holder for people: "VAPI (vendor)", "voice-backend
// (our service)", "gcp:openai-prod (secret store)".
func (a *assessment) holderLabel(h observe.Holder) string {
	name := termtext.Line(h.Name)
	switch h.Kind {
	case holderVendor:
		return a.name(name) + " (vendor)"
	case holderService:
		return name + " (our service)"
	case holderSecret:
		return name + " (secret store)"
	}
	return name
}

func (a *assessment) holderList(hs []observe.Holder) string {
	parts := make([]string, 0, len(hs))
	for _, h := range hs {
		parts = append(parts, a.holderLabel(h))
	}
	return strings.Join(parts, ", ")
}

// holderAdvice says, holder by holder, how to give it the new key: a
// vendor through its key page, a secret store with its command, a service
// of ours by redeploying it. A vendor that depends on v but is not listed
// as a holder is named last, in case it holds a copy nobody wrote down.
func (a *assessment) holderAdvice(v observe.VendorResult, hs []observe.Holder) []string {
	var out []string
	listed := map[string]bool{}
	piped := false
	for _, h := range hs {
		name := termtext.Line(h.Name)
		switch h.Kind {
		case holderVendor:
			listed[h.Name] = true
			where := a.name(h.Name) + "'s dashboard"
			if hv, ok := a.vendor(h.Name); ok && hv.Links.Keys != "" {
				where += " (" + termtext.Line(hv.Links.Keys) + ")"
			}
			out = append(out, fmt.Sprintf("Put the new key into %s, which holds this one: in %s.", a.name(h.Name), where))
		case holderService:
			out = append(out, fmt.Sprintf("Redeploy %s, our service that holds this key, with the new key.", name))
		case holderSecret:
			line := storeAdvice(name)
			if strings.Contains(line, newKeyPipe) && !piped {
				piped = true
				out = append(out, "The store commands below read the new key from $NEW_KEY, so it stays out of the command line and shell history: run `read -rs NEW_KEY` and paste the key first.")
			}
			out = append(out, line)
		}
	}
	var unlisted []string
	for _, d := range a.snap.Vendors {
		if slices.Contains(d.DependsOn, v.ID) && !listed[d.ID] {
			unlisted = append(unlisted, a.name(d.ID))
		}
	}
	if len(unlisted) > 0 {
		out = append(out, fmt.Sprintf("%s %s on %s but %s not listed as holding this key: if %s a copy, put the new key there too and list it under holders:.",
			strings.Join(unlisted, ", "), plural(len(unlisted), "depends", "depend"), a.name(v.ID),
			plural(len(unlisted), "is", "are"), plural(len(unlisted), "it holds", "they hold")))
	}
	return out
}

// spliceAdvice puts lines where old stands in advice, or after it all
// when old is not there.
func spliceAdvice(advice []string, old string, lines []string) []string {
	i := slices.Index(advice, old)
	if i < 0 {
		return append(slices.Clone(advice), lines...)
	}
	return slices.Concat(advice[:i], lines, advice[i+1:])
}

// leakSource is the one vendor that held the finding's keys besides our
// own services and secret stores, when that is all that held them and
// another key of v still lives: the revoked key's likely leak source. It
// generalizes the canary test (only the key in use died, so it leaked
// through use) to custody: only the key VAPI held died, so it leaked
// where VAPI kept it.
func (a *assessment) leakSource(v observe.VendorResult, f Finding) (string, bool) {
	if !leakKinds[f.Kind] || !anotherLives(v, f.Keys) {
		return "", false
	}
	source := ""
	for _, name := range f.Keys {
		k, ok := keyByName(v, name)
		if !ok {
			return "", false
		}
		var vendors []string
		for _, h := range k.Holders {
			if h.Kind == holderVendor {
				vendors = append(vendors, h.Name)
			}
		}
		if len(vendors) != 1 || source != "" && vendors[0] != source {
			return "", false
		}
		source = vendors[0]
	}
	return source, source != ""
}

// anotherLives reports whether a key of v other than those named works:
// its probe gets through, or, for a key watched only through the admin
// key list (a canary that is never probed), the list shows it active.
func anotherLives(v observe.VendorResult, names []string) bool {
	for _, k := range v.Keys {
		if slices.Contains(names, k.Name) {
			continue
		}
		if k.Result == observe.ResultOK {
			return true
		}
	}
	if v.Inventory == nil {
		return false
	}
	for _, row := range v.Inventory.Keys {
		if row.Key != "" && !slices.Contains(names, row.Key) && (row.Status == "" || row.Status == observe.StatusActive) {
			return true
		}
	}
	return false
}

func keyByName(v observe.VendorResult, name string) (observe.KeyResult, bool) {
	for _, k := range v.Keys {
		if k.Name == name {
			return k, true
		}
	}
	return observe.KeyResult{}, false
}

// markLeakSource says on f that the revoked key was held only by the
// source vendor, and advises to investigate that holder first.
func (a *assessment) markLeakSource(v observe.VendorResult, f *Finding, source string) {
	src := a.name(source)
	f.LeakSource = source
	f.Title += fmt.Sprintf(": only %s held it", src)
	f.Detail = strings.TrimSpace(fmt.Sprintf("%s Outside our own services and secret stores, the revoked key was held only by %s, while another key of %s still works: %s is the likely leak source.",
		f.Detail, src, a.name(v.ID), src))
	where := src + "'s dashboard"
	if hv, ok := a.vendor(source); ok && hv.Links.Keys != "" {
		where += " (" + termtext.Line(hv.Links.Keys) + ")"
	}
	records := "its logs of what it did with the key"
	if hv, ok := a.vendor(source); ok && hv.Calls != nil {
		records = "its call records"
	}
	f.Advice = slices.Concat([]string{
		fmt.Sprintf("Investigate %s as the leak source: in %s, check who can see or export the key you gave it, and look through %s for activity you did not start.", src, where, records),
		fmt.Sprintf("Ask %s's support whether the key was exposed on their side, and give %s a key of its own that nothing else uses, so the next leak names its source.", src, src),
	}, f.Advice)
}
