package config

import (
	"fmt"
	"path/filepath"
	"slices"
)

// CustodyNotes says where depends_on and the keys' holders disagree. A
// vendor that depends on another (VAPI on OpenAI) usually holds one of its
// keys; when no key of the other vendor lists it as a holder, a revoked
// key cannot name it as the leak source and a rotation cannot remind
// anyone to update it. The other way round, a vendor that holds a key
// but does not depend on the key's vendor has that vendor's trouble hidden
// from it. Neither is an error: the config loads, and check-config shows
// the notes with the fix.
func (c *Config) CustodyNotes() []string {
	var notes []string
	for _, d := range c.Vendors {
		for _, up := range d.DependsOn {
			u, ok := c.vendor(up)
			if !ok {
				continue
			}
			switch {
			case len(u.Keys) == 0:
				notes = append(notes, fmt.Sprintf("%s: %s depends on %s, and no %s key is configured: if %s holds a %s key of yours, add it under %s with holders: [{vendor: %s}], so vendorwatch watches the key %s uses.",
					c.where(d), d.ID, up, up, d.ID, up, up, d.ID, d.ID))
			case !slices.ContainsFunc(u.Keys, func(k Key) bool { return heldBy(k, d.ID) }):
				notes = append(notes, fmt.Sprintf("%s: %s depends on %s, but no %s key lists %s as a holder: if %s calls %s with a key of yours, add {vendor: %s} to that key's holders:, so a revoked key names %s and a rotation reminds you to update it.",
					c.where(d), d.ID, up, up, d.ID, d.ID, up, d.ID, d.ID))
			}
		}
	}
	for _, u := range c.Vendors {
		for _, k := range u.Keys {
			for _, h := range k.Holders {
				if h.Kind() != "vendor" {
					continue
				}
				if d, ok := c.vendor(h.Name()); ok && d.ID != u.ID && !slices.Contains(d.DependsOn, u.ID) {
					notes = append(notes, fmt.Sprintf("%s: key %q of %s is held by %s, but %s does not depend on %s: add depends_on: [%s] to %s, so %s's trouble shows as %s's too.",
						c.where(d), k.Name, u.ID, d.ID, d.ID, u.ID, u.ID, d.ID, u.ID, d.ID))
				}
			}
		}
	}
	return notes
}

func heldBy(k Key, vendor string) bool {
	return slices.ContainsFunc(k.Holders, func(h Holder) bool { return h.Kind() == "vendor" && h.Name() == vendor })
}

func (c *Config) vendor(id string) (Vendor, bool) {
	for _, v := range c.Vendors {
		if v.ID == id {
			return v, true
		}
	}
	return Vendor{}, false
}

// where is the vendor's file:line, or its id's place in the built-in
// default.
func (c *Config) where(v Vendor) string {
	if c.Path == "" || v.Line == 0 {
		return "vendor " + v.ID
	}
	return fmt.Sprintf("%s:%d", filepath.Base(c.Path), v.Line)
}
