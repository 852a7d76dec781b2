package config

import "slices"

// ProbeCatalog is a Catalog that also knows which vendors vendorwatch can
// test keys of. When the loader's catalog is one, a key under a vendor
// without a key probe is a config error at the key's line: a key that
// cannot be tested would only ever show as "misconfigured".
type ProbeCatalog interface {
	// KeyProbe reports whether vendorwatch has a free, read-only request
	// to test keys of the vendor id with.
	KeyProbe(id string) bool
}

// checkKeysTestable reports every key of vendor i that vendorwatch can
// neither probe nor read another way. Two kinds of key are legitimate on
// a vendor without a probe, both read by the vendor's admin reader:
//
//   - where the admin API takes an ordinary key (admin.key_fallback in the
//     catalog) and admin: names no secret, the first key that is not a
//     canary is the admin reader's key;
//   - where admin: names an admin key, a canary key is watched in the key
//     inventory the admin reader lists (present, never used), which needs
//     no probe.
//
// The admin key itself (admin: secret) is not a key under keys: and is
// always legitimate. A vendor whose id is already wrong is not reported
// again.
func checkKeysTestable(v Vendor, x index, i int, cat Catalog, p *problems) {
	pc, ok := cat.(ProbeCatalog)
	if !ok || len(v.Keys) == 0 || !idPattern().MatchString(v.ID) || pc.KeyProbe(v.ID) {
		return
	}
	if !cat.Has(v.ID) && len(v.Status) == 0 {
		return // "unknown vendor id" says it already
	}
	api, hasAdmin := cat.AdminAPI(v.ID)
	adminOn := hasAdmin && v.Admin != nil
	fallback := -1
	if adminOn && api.KeyFallback && v.Admin.Secret.IsZero() {
		fallback = slices.IndexFunc(v.Keys, func(k Key) bool { return !k.Canary })
	}
	for j, k := range v.Keys {
		if j == fallback || (k.Canary && adminOn && !v.Admin.Secret.IsZero()) {
			continue
		}
		p.add(x.vendor(i, "keys", j), "vendorwatch cannot test keys of %s: it has no free read-only request to try them with; remove the key (the vendor's status is still watched)", v.ID)
	}
}
