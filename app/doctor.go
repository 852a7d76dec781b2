package app

import (
	"cmp"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/admin"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/probe"
	"github.com/vendorwatch/vendorwatch/providers/statusread"
	"github.com/vendorwatch/vendorwatch/readiness"
)

// DoctorOptions tune vendorwatch doctor.
type DoctorOptions struct {
	// SendTest sends a test notification through every notifier.
	SendTest bool
	// Resolver resolves the secrets (nil: the process environment, with
	// cmd: references limited to config.DefaultCmdTimeout); tests give
	// their own.
	Resolver *config.Resolver
}

// Doctor checks that vendorwatch is ready for the next incident (the
// readiness package says what each check means): the state dir, every
// secret reference (cmd: ones timed), the vendors of the secret stores,
// keys shared by several holders, then per vendor at once its status
// sources, its key probes (canaries are never probed), its key list,
// audit log and admin key expiry and its canaries, and last the
// notifiers, with a test send only when asked. Nothing is written to the
// state dir or the history.
func (a *App) Doctor(ctx context.Context, o DoctorOptions) readiness.Report {
	now := time.Now()
	if a.opts.Clock != nil {
		now = a.opts.Clock()
	}
	resolver := o.Resolver
	if resolver == nil {
		resolver = &config.Resolver{}
	}
	checks := []readiness.Check{stateDirCheck(a.StateDir)}
	if len(a.Vendors) == 0 {
		checks = append(checks, readiness.NoVendors())
	}
	secrets := a.doctorSecrets(ctx, resolver)
	for _, s := range secrets {
		checks = append(checks, readiness.SecretCheck(s.Secret))
	}
	checks = append(checks, readiness.SecretStores(a.storeUses(), a.configured)...)
	for _, v := range a.Vendors {
		for _, k := range v.Keys {
			if c, ok := readiness.SharedKey(v.ID+"/"+k.Name, probe.Holders(k)); ok {
				checks = append(checks, c)
			}
		}
	}
	checks = append(checks, a.doctorVendors(ctx, resolver, secrets, now)...)
	checks = append(checks, a.doctorNotifiers(ctx, o.SendTest, now)...)
	return readiness.NewReport(a.Source, now, checks)
}

// stateDirCheck splits StateDirProblem's sentence into what is wrong and
// its fix.
func stateDirCheck(dir string) readiness.Check {
	p := StateDirProblem(dir)
	c := readiness.StateDir(dir, p)
	if i := strings.LastIndex(p, "; "); i >= 0 {
		c.Summary, c.Fix = "the state dir "+p[:i], p[i+2:]
	}
	return c
}

// configured reports whether a vendor id is in the config (not only the
// ones --only kept).
func (a *App) configured(id string) bool {
	for _, v := range a.Config.Vendors {
		if v.ID == id {
			return true
		}
	}
	return false
}

// doctorSecret is one resolved reference and the key it belongs to.
type doctorSecret struct {
	readiness.Secret
	vendor, key string
}

// doctorSecrets resolves every key's and admin key's secret at once,
// timing each, and keeps the fingerprints only.
func (a *App) doctorSecrets(ctx context.Context, resolver *config.Resolver) []*doctorSecret {
	var out []*doctorSecret
	var wg sync.WaitGroup
	add := func(v catalog.Vendor, key, subject string, ref config.SecretRef) {
		s := &doctorSecret{vendor: v.ID, key: key, Secret: readiness.Secret{Subject: subject, Ref: truncateRef(ref.String()),
			Cmd: ref.Kind == config.SecretCmd, Timeout: cmp.Or(resolver.CmdTimeout, config.DefaultCmdTimeout)}}
		out = append(out, s)
		wg.Go(func() {
			start := time.Now()
			secret, err := resolver.Resolve(ctx, ref)
			s.Took = time.Since(start)
			if err != nil {
				s.Err = secretReason(err)
				return
			}
			s.Fingerprint = probe.Fingerprint(secret)
		})
	}
	for _, v := range a.Vendors {
		for _, k := range v.Keys {
			add(v, k.Name, v.ID+"/"+k.Name, k.Secret)
		}
		if v.Admin != nil && !v.Admin.Secret.IsZero() {
			add(v, "", v.ID+" admin key", v.Admin.Secret)
		}
	}
	wg.Wait()
	return out
}

// storeUses are the secret stores the config reads from: the CLIs its
// cmd: references run and the stores its key holders name.
func (a *App) storeUses() []readiness.StoreUse {
	var out []readiness.StoreUse
	cmd := func(ref config.SecretRef, by string) {
		if ref.Kind != config.SecretCmd {
			return
		}
		if s, ok := readiness.StoreOfCommand(ref.Value); ok {
			out = append(out, readiness.StoreUse{Store: s, By: by})
		}
	}
	for _, v := range a.Vendors {
		for _, k := range v.Keys {
			cmd(k.Secret, v.ID+"/"+k.Name)
			for _, h := range k.Holders {
				if h.Kind() != "secret" {
					continue
				}
				if s, ok := readiness.StoreOfHolder(h.Name()); ok {
					out = append(out, readiness.StoreUse{Store: s, By: v.ID + "/" + k.Name})
				}
			}
		}
		if v.Admin != nil {
			cmd(v.Admin.Secret, v.ID+" admin key")
		}
	}
	for _, n := range a.Config.Notify {
		cmd(n.URL, "notifier "+n.Name)
	}
	return out
}

// adminHint is what a vendor's config needs to read its key list.
func adminHint(v catalog.Vendor) string {
	name := strings.ToUpper(strings.ReplaceAll(v.ID, "-", "_")) + "_ADMIN_KEY"
	return "admin: {secret: env:" + name + "}"
}

// doctorVendors checks every vendor at once: a slow one delays no other.
func (a *App) doctorVendors(ctx context.Context, resolver *config.Resolver, secrets []*doctorSecret, now time.Time) []readiness.Check {
	f := a.Client()
	pr := probe.New(f, probe.Options{Resolver: resolver, Now: func() time.Time { return now }})
	ad := admin.New(pr, admin.Options{})
	status := statusread.New(f, statusread.Options{Now: func() time.Time { return now }})
	fps := map[[2]string]string{}
	for _, s := range secrets {
		fps[[2]string{s.vendor, s.key}] = s.Fingerprint
	}
	results := make([][]readiness.Check, len(a.Vendors))
	var wg sync.WaitGroup
	for i, v := range a.Vendors {
		wg.Go(func() { results[i] = doctorVendor(ctx, v, status, pr, ad, fps, now) })
	}
	wg.Wait()
	var out []readiness.Check
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

// doctorVendor checks one vendor: its status sources, its keys' probes,
// and with an admin key its key list, audit log, admin key expiry, and
// its canaries.
func doctorVendor(ctx context.Context, v catalog.Vendor, status *statusread.Reader, pr *probe.Prober, ad *admin.Client, fps map[[2]string]string, now time.Time) []readiness.Check {
	var out []readiness.Check
	if len(v.Sources) == 0 {
		out = append(out, readiness.NoSources(v.ID))
	} else {
		st := status.Read(ctx, &v)
		for _, s := range st.Sources {
			out = append(out, readiness.SourceCheck(v.ID, s))
		}
	}
	var keys []observe.KeyResult
	var states []readiness.KeyState
	for _, k := range v.Keys {
		fp := fps[[2]string{v.ID, k.Name}]
		states = append(states, readiness.KeyState{Name: k.Name, Canary: k.Canary, Fingerprint: fp})
		keys = append(keys, observe.KeyResult{Name: k.Name, Canary: k.Canary, Fingerprint: fp})
		switch {
		case k.Canary:
			out = append(out, readiness.CanaryNotProbed(v.ID, k.Name))
		case v.Probe == nil || v.API.BaseURL == "":
			out = append(out, readiness.NoProbe(v.ID, k.Name))
		case fp == "":
			out = append(out, readiness.KeyProbe(v.ID, observe.KeyResult{Name: k.Name, Result: observe.ResultNoSecret}))
		default:
			out = append(out, readiness.KeyProbe(v.ID, pr.Key(ctx, v, k)))
		}
	}
	canaries := readiness.Canaries{Vendor: v.ID, Keys: states, KeyList: admin.HasKeyList(v), ProbeInterval: v.ProbeInterval, AdminHint: adminHint(v)}
	if canaries.KeyList && admin.Enabled(v) {
		canaries.Watched = true
		inv, _ := ad.Read(ctx, v, observe.VendorResult{ID: v.ID})
		admin.MatchInventory(inv, keys)
		canaries.Inventory = inv
		out = append(out, readiness.KeyList(v.ID, inv))
		if admin.HasAuditLog(v) {
			ans := ad.AuditLog(ctx, v)
			out = append(out, readiness.AuditLog(v.ID, readiness.Audit{Result: ans.Result, HTTPStatus: ans.HTTPStatus, Off: ans.Off, Message: ans.Message}))
		}
		warn := config.DefaultExpiryWarning
		if v.Admin.ExpiryWarning > 0 {
			warn = v.Admin.ExpiryWarning.D()
		}
		if c, ok := readiness.AdminExpiry(v.ID, inv, now, warn); ok {
			out = append(out, c)
		}
	} else if canaries.KeyList && len(v.Keys) > 0 {
		out = append(out, readiness.NoKeyList(v.ID, canaries.AdminHint))
	}
	return append(out, readiness.CanaryChecks(canaries, now)...)
}
