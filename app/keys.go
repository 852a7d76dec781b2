package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

// keyCheck is one key's resolution, without the secret.
type keyCheck struct {
	vendor, name, ref, fingerprint, status string
	ok                                     bool
}

// CheckConfig writes what check-config shows: where the config came from,
// the vendors it resolves to, every key resolved to its fingerprint, with
// whether it resolved, and the notifications waiting in the state dir's
// outbox. Nothing is sent to any vendor.
func (a *App) CheckConfig(ctx context.Context, out io.Writer) error {
	fmt.Fprintf(out, "config: %s\n", a.Source)
	fmt.Fprintf(out, "interval %s, probe_interval %s, timeout %s\n", a.Config.Interval, a.Config.ProbeInterval, a.Config.Timeout)
	fmt.Fprintf(out, "%s\n\n", stateDirLine(a.StateDir))
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "VENDOR\tSTATUS SOURCES\tAPI\tKEYS\tDEPENDS ON")
	for _, v := range a.Vendors {
		deps := "-"
		if len(v.DependsOn) > 0 {
			deps = fmt.Sprint(v.DependsOn)
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%d\t%s\n", v.ID, len(v.Sources), cmp.Or(v.API.BaseURL, "-"), len(v.Keys), deps)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	resolved, total, err := writeKeys(ctx, out, a.Vendors)
	if err != nil {
		return err
	}
	if notes := a.Config.CustodyNotes(); len(notes) > 0 {
		// Notes, not errors: a holder nobody wrote down loads fine, but a
		// revoked key cannot name it and a rotation cannot remind anyone.
		fmt.Fprintln(out, "\nKEY CUSTODY (notes; the config is valid)")
		for _, n := range notes {
			fmt.Fprintf(out, "note: %s\n", termtext.Line(n))
		}
	}
	if err := a.writeTraffic(ctx, out); err != nil {
		return err
	}
	if err := a.writeNotifications(ctx, out, time.Now()); err != nil {
		return err
	}
	if total > 0 {
		fmt.Fprintf(out, "\nconfig OK; %d of %d keys resolve\n", resolved, total)
	} else {
		fmt.Fprintln(out, "\nconfig OK; no keys configured")
	}
	return nil
}

// writeKeys resolves every key at once and lists it with its fingerprint
// and whether it resolved. The secrets are dropped as soon as their
// fingerprints are taken.
func writeKeys(ctx context.Context, out io.Writer, vendors []catalog.Vendor) (resolved, total int, err error) {
	var checks []*keyCheck
	var wg sync.WaitGroup
	resolver := &config.Resolver{}
	for _, v := range vendors {
		for _, k := range v.Keys {
			c := &keyCheck{vendor: v.ID, name: k.Name, ref: truncateRef(k.Secret.String())}
			if k.Canary {
				c.name += " (canary)"
			}
			checks = append(checks, c)
			wg.Go(func() {
				secret, err := resolver.Resolve(ctx, k.Secret)
				if err != nil {
					c.status = "no: " + secretReason(err)
					return
				}
				c.ok, c.fingerprint, c.status = true, probe.Fingerprint(secret), "yes"
				if v.Probe == nil {
					c.status = "yes, but vendorwatch knows no probe for " + v.ID
				} else if v.Probe.Auth == "basic" && k.Account == "" {
					c.status = "yes, but the probe needs account: on the key"
				}
			})
		}
		if v.Admin != nil && !v.Admin.Secret.IsZero() {
			// The admin key is resolved like every key: fingerprint only.
			c := &keyCheck{vendor: v.ID, name: "(admin)", ref: truncateRef(v.Admin.Secret.String())}
			checks = append(checks, c)
			wg.Go(func() {
				secret, err := resolver.Resolve(ctx, v.Admin.Secret)
				if err != nil {
					c.status = "no: " + secretReason(err)
					return
				}
				c.ok, c.fingerprint, c.status = true, probe.Fingerprint(secret), "yes"
			})
		}
	}
	wg.Wait()
	if len(checks) == 0 {
		return 0, 0, nil
	}
	fmt.Fprintln(out, "\nKEYS")
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "VENDOR\tKEY\tSECRET\tFINGERPRINT\tRESOLVES")
	for _, c := range checks {
		fp := c.fingerprint
		if fp == "" {
			fp = "-"
		}
		if c.ok {
			resolved++
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", c.vendor, c.name, c.ref, fp, c.status)
	}
	return resolved, len(checks), w.Flush()
}

// secretReason is a resolution failure without the reference it names
// (the SECRET column shows that).
func secretReason(err error) string {
	var se *config.SecretError
	if errors.As(err, &se) {
		return termtext.Line(se.Reason)
	}
	return termtext.Line(config.Redact(err.Error()))
}

// truncateRef shortens a long cmd: reference for the table.
func truncateRef(s string) string {
	return termtext.Clip(termtext.Line(s), 56)
}
