package setup

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// Answers are what the user chose: the vendors to watch, in order, and
// the keys of each.
type Answers struct {
	Vendors []string
	// Keys are each vendor's keys, by vendor id.
	Keys map[string][]Key
}

// Key is one key the config will probe.
type Key struct {
	Ref
	// HeldBy are the vendors that store this key to call its vendor for
	// us (VAPI holds our OpenAI key).
	HeldBy []string
}

// Defaults are the answers of `init --yes`: the vendors named (or, with
// none named, those whose keys were found here, else the catalog's
// default set), each with the keys found for it, and the holders given
// as KEYVENDOR=HOLDER (openai=vapi). A holder vendor not among the
// vendors is added. A misspelt vendor is an error that suggests the
// closest id.
func Defaults(cat *catalog.Catalog, f Found, vendors, heldBy []string) (Answers, error) {
	a := Answers{Keys: map[string][]Key{}}
	var err error
	switch {
	case len(vendors) > 0:
		if a.Vendors, err = ResolveVendors(cat, vendors); err != nil {
			return Answers{}, err
		}
	case len(f.Vendors()) > 0:
		a.Vendors = f.Vendors()
	default:
		for _, e := range cat.All() {
			if e.Default {
				a.Vendors = append(a.Vendors, e.ID)
			}
		}
	}
	for _, id := range a.Vendors {
		e, _ := cat.Get(id)
		for _, r := range Refs(e, f) {
			if r.Found {
				a.Keys[id] = append(a.Keys[id], Key{Ref: r})
			}
		}
	}
	for _, h := range heldBy {
		if err := a.addHolder(cat, h); err != nil {
			return Answers{}, err
		}
	}
	return a, nil
}

// ResolveVendors turns ids and aliases into catalog ids, once each, in
// the order given; an unknown one is an error naming the closest id.
func ResolveVendors(cat *catalog.Catalog, names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		id, err := vendorID(cat, n)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// vendorID is the catalog id for a name or alias.
func vendorID(cat *catalog.Catalog, name string) (string, error) {
	name = strings.TrimSpace(strings.ToLower(name))
	if e, ok := cat.Get(name); ok && name != "" {
		return e.ID, nil
	}
	msg := fmt.Sprintf("unknown vendor %q: not in the catalog", name)
	if s := cat.Suggest(name); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return "", fmt.Errorf("%s; vendorwatch catalog QUERY lists them", msg)
}

// addHolder applies one --held-by KEYVENDOR=HOLDER to every key of
// KEYVENDOR.
func (a *Answers) addHolder(cat *catalog.Catalog, spec string) error {
	owner, holder, ok := strings.Cut(spec, "=")
	if !ok {
		return fmt.Errorf("--held-by %s: write KEYVENDOR=HOLDER, such as openai=vapi (VAPI holds your OpenAI key)", spec)
	}
	ownerID, err := vendorID(cat, owner)
	if err != nil {
		return fmt.Errorf("--held-by: %w", err)
	}
	holderID, err := vendorID(cat, holder)
	if err != nil {
		return fmt.Errorf("--held-by: %w", err)
	}
	switch {
	case ownerID == holderID:
		return fmt.Errorf("--held-by %s: a vendor does not hold its own key", spec)
	case len(a.Keys[ownerID]) == 0:
		return fmt.Errorf("--held-by %s: no key of %s is configured (none was found in its variables); set one, or leave --held-by out", spec, ownerID)
	}
	if !slices.Contains(a.Vendors, holderID) {
		a.Vendors = append(a.Vendors, holderID)
	}
	for i := range a.Keys[ownerID] {
		k := &a.Keys[ownerID][i]
		if !slices.Contains(k.HeldBy, holderID) {
			k.HeldBy = append(k.HeldBy, holderID)
		}
	}
	return nil
}

// dependsOn is what each vendor depends on because it holds a key of
// another: VAPI, holding our OpenAI key, depends on OpenAI.
func (a Answers) dependsOn() map[string][]string {
	deps := map[string][]string{}
	for _, owner := range a.Vendors {
		for _, k := range a.Keys[owner] {
			for _, h := range k.HeldBy {
				if !slices.Contains(deps[h], owner) {
					deps[h] = append(deps[h], owner)
				}
			}
		}
	}
	return deps
}

// KeyCount is how many keys the answers configure.
func (a Answers) KeyCount() int {
	n := 0
	for _, ks := range a.Keys {
		n += len(ks)
	}
	return n
}
