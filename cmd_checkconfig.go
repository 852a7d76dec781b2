package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

func newCheckConfigCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "check-config",
		Short: "Validate the config, show what would be watched and resolve every key (fingerprints only)",
		Long: `check-config validates the config (every problem at once, with its line), shows the
vendors it resolves to, and resolves every key's secret reference — env:, file:, cmd: —
showing only its fingerprint (sk-proj-…MxYA) and whether it resolved. Nothing is sent to
any vendor. A key that does not resolve is reported here and shows as no_secret when
probed; it does not make the config invalid.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := load(o)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "config: %s\n", l.source)
			fmt.Fprintf(out, "interval %s, probe_interval %s, timeout %s\n\n", l.cfg.Interval, l.cfg.ProbeInterval, l.cfg.Timeout)
			w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "VENDOR\tSTATUS SOURCES\tAPI\tKEYS\tDEPENDS ON")
			for _, v := range l.vendors {
				api := v.API.BaseURL
				if api == "" {
					api = "-"
				}
				deps := "-"
				if len(v.DependsOn) > 0 {
					deps = fmt.Sprint(v.DependsOn)
				}
				fmt.Fprintf(w, "%s\t%d\t%s\t%d\t%s\n", v.ID, len(v.Sources), api, len(v.Keys), deps)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			resolved, total, err := writeKeys(cmd.Context(), out, l.vendors)
			if err != nil {
				return err
			}
			if total > 0 {
				fmt.Fprintf(out, "\nconfig OK; %d of %d keys resolve\n", resolved, total)
			} else {
				fmt.Fprintln(out, "\nconfig OK; no keys configured")
			}
			return nil
		},
	}
}

// keyCheck is one key's resolution, without the secret.
type keyCheck struct {
	vendor, name, ref, fingerprint, status string
	ok                                     bool
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
