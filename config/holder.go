package config

import "strings"

// Holder is one place a key is held besides vendorwatch: a service of
// ours (voice-backend), a vendor that stores it to call another one for
// us (VAPI holds our OpenAI key), or a secret store entry
// (gcp:openai-prod). Exactly one of the three is set. Holders make a
// key's custody explicit: a finding about the key names them, a revoked
// key held by one vendor alone names that vendor as the likely leak
// source, and a rotation lists each of them until it has the new key.
type Holder struct {
	Service string `yaml:"service"`
	Vendor  string `yaml:"vendor"`
	Secret  string `yaml:"secret"`
}

// Kind is "service", "vendor" or "secret", or "" when none or several of
// the fields are set.
func (h Holder) Kind() string {
	kind, n := "", 0
	for _, f := range []struct{ kind, v string }{{"service", h.Service}, {"vendor", h.Vendor}, {"secret", h.Secret}} {
		if strings.TrimSpace(f.v) != "" {
			kind, n = f.kind, n+1
		}
	}
	if n != 1 {
		return ""
	}
	return kind
}

// Name is the holder's name: the service, the vendor id or the secret
// store entry.
func (h Holder) Name() string { return strings.TrimSpace(h.Service + h.Vendor + h.Secret) }

// String is "vendor vapi", "service voice-backend" or "secret
// gcp:openai-prod".
func (h Holder) String() string { return h.Kind() + " " + h.Name() }

// checkHolders checks a key's holders: each names exactly one of
// service:, vendor: or secret:, a vendor holder is a vendor of the config
// (other than the key's own), and no holder is listed twice.
func checkHolders(cfg *Config, vi, ki int, x index, p *problems) {
	v := cfg.Vendors[vi]
	k := v.Keys[ki]
	seen := map[string]bool{}
	for j, h := range k.Holders {
		line := x.vendor(vi, "keys", ki, "holders", j)
		switch h.Kind() {
		case "":
			p.add(line, "holder #%d of key %q: give exactly one of service:, vendor: or secret: (for example {vendor: vapi})", j+1, k.Name)
			continue
		case "vendor":
			switch {
			case h.Vendor == v.ID:
				p.add(line, "key %q of %q: a vendor does not hold its own key; list the services and vendors that hold a copy", k.Name, v.ID)
			case !hasVendor(cfg, h.Vendor):
				p.add(line, "key %q is held by vendor %q, which is not in vendors: (add it, so its outages and call records are watched)", k.Name, h.Vendor)
			}
		}
		if seen[h.String()] {
			p.add(line, "key %q lists holder %s twice", k.Name, h)
		}
		seen[h.String()] = true
	}
}

func hasVendor(cfg *Config, id string) bool {
	for _, v := range cfg.Vendors {
		if v.ID == id {
			return true
		}
	}
	return false
}
