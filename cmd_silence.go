package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/remote"
)

// silenceNow is the clock of the silence commands (tests set it).
var silenceNow = time.Now

func newSilenceCmd(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "silence",
		Short: "Silence a known problem for a while: it stays visible, dimmed, but pages no one",
		Long: `A silence mutes the findings about a vendor (optionally of one kind, or about one key)
until it ends. A silenced finding stays in the dashboard, --once and the report, dimmed,
with who silenced it and until when; it no longer raises the exit code, the tmux line,
the metrics' levels or notifications. A finding still there when its silence ends is
announced then.

Silences live in the history of the state dir, shared by the dashboard, serve, --once and
--tmux, and take effect at the next check. With --remote they go to the server
(its /api/v1/silences), which needs $VENDORWATCH_TOKEN and a server run with a token.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newSilenceAddCmd(o), newSilenceListCmd(o), newSilenceExpireCmd(o))
	return cmd
}

func newSilenceAddCmd(o *options) *cobra.Command {
	var vendor, kind, key, dur, comment string
	cmd := &cobra.Command{
		Use:   "add --vendor ID [--kind KIND] [--key NAME] --for 2h --comment TEXT",
		Short: "Silence a vendor's findings, or one kind of them, or those about one key",
		Example: `  vendorwatch silence add --vendor openai --for 2h --comment "EU-only partial outage; we use US"
  vendorwatch silence add --vendor vapi --kind vendor_incident --for 1d --comment "known, tracked in INC-142"
  vendorwatch silence add --vendor openai --key batch --for 30m --comment "rotating by hand"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := app.SilenceFor(dur)
			if err != nil {
				return fmt.Errorf("--for: %w", err)
			}
			if strings.TrimSpace(comment) == "" {
				return errors.New("--comment: say why (it is shown beside every finding the silence mutes)")
			}
			if kind != "" && !knownKind(correlate.Kind(kind)) {
				return fmt.Errorf("--kind %q is not a finding kind (docs/findings.md lists them)", kind)
			}
			if o.remote == "" { // a server checks the vendor against its own config
				if err := app.CheckVendorIDs(o.app(), "--vendor", []string{vendor}); err != nil {
					return err
				}
			}
			ss, err := openSilences(cmd.Context(), o)
			if err != nil {
				return err
			}
			defer ss.Close()
			sl, err := ss.add(cmd.Context(), correlate.Silence{Vendor: vendor, Kind: correlate.Kind(kind), Key: key, Comment: comment, By: app.Who()}, d)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Silence #%d: %s until %s (vendorwatch silence expire %d ends it).\n",
				sl.ID, output.SilenceMatcher(sl), sl.Until.Local().Format("2006-01-02 15:04 MST"), sl.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&vendor, "vendor", "", "the vendor id, as in the config (required)")
	f.StringVar(&kind, "kind", "", "only findings of this kind, such as vendor_incident or key_revoked")
	f.StringVar(&key, "key", "", "only findings about this key name of the vendor")
	f.StringVar(&dur, "for", "", "how long: 30m, 2h, 1d (at most 30d; required)")
	f.StringVar(&comment, "comment", "", "why (required)")
	_ = cmd.MarkFlagRequired("vendor")
	_ = cmd.MarkFlagRequired("for")
	return cmd
}

// knownKind reports whether k is a finding kind vendorwatch files.
func knownKind(k correlate.Kind) bool {
	return slices.Contains(correlate.Kinds, k)
}

func newSilenceListCmd(o *options) *cobra.Command {
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "The active silences: what each matches, who added it, until when and why",
		Example: `  vendorwatch silence list
  vendorwatch silence list --all --json | jq '.silences[] | select(.by == "alice")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := openSilences(cmd.Context(), o)
			if err != nil {
				return err
			}
			defer store.Close()
			ss, err := store.list(cmd.Context(), all)
			if err != nil {
				return err
			}
			if asJSON {
				return output.WriteSilencesJSON(cmd.OutOrStdout(), ss)
			}
			return output.WriteSilences(cmd.OutOrStdout(), ss, silenceNow(), output.TableOptions{NoColor: o.noColor})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print {\"silences\": [...]} as JSON")
	cmd.Flags().BoolVar(&all, "all", false, "also list the silences that ended or were expired")
	return cmd
}

func newSilenceExpireCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:     "expire ID",
		Short:   "End a silence now: its findings count again from the next check",
		Example: `  vendorwatch silence expire 3`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id < 1 {
				return fmt.Errorf("%q: give the silence's number, as silence list shows it", args[0])
			}
			store, err := openSilences(cmd.Context(), o)
			if err != nil {
				return err
			}
			defer store.Close()
			sl, err := store.expire(cmd.Context(), id)
			if errors.Is(err, history.ErrNoSilence) {
				return fmt.Errorf("there is no silence #%d (vendorwatch silence list --all shows them)", id)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Silence #%d (%s) is over.\n", sl.ID, output.SilenceMatcher(sl))
			return nil
		},
	}
}

// silenceStore is where the silence commands keep silences: the state
// dir's history, or a team server with --remote.
type silenceStore interface {
	add(ctx context.Context, s correlate.Silence, d time.Duration) (correlate.Silence, error)
	list(ctx context.Context, all bool) ([]correlate.Silence, error)
	expire(ctx context.Context, id int64) (correlate.Silence, error)
	Close() error
}

// openSilences is the silence store of o: the server of --remote, else
// the state dir's history.
func openSilences(ctx context.Context, o *options) (silenceStore, error) {
	if o.remote != "" {
		c, err := remote.New(o.remote, remote.Token(), o.timeout)
		if err != nil {
			return nil, err
		}
		return remoteSilences{c}, nil
	}
	store, err := app.OpenSilences(ctx, o.stateDir)
	if err != nil {
		return nil, err
	}
	return localSilences{store}, nil
}

// localSilences keeps silences in the state dir's history.
type localSilences struct{ *history.Store }

func (l localSilences) add(ctx context.Context, s correlate.Silence, d time.Duration) (correlate.Silence, error) {
	s.Created = silenceNow().UTC()
	s.Until = s.Created.Add(d)
	return l.AddSilence(ctx, s)
}

func (l localSilences) list(ctx context.Context, all bool) ([]correlate.Silence, error) {
	return l.Silences(ctx, silenceNow(), all)
}

func (l localSilences) expire(ctx context.Context, id int64) (correlate.Silence, error) {
	return l.ExpireSilence(ctx, id, silenceNow())
}

// remoteSilences keeps silences on a team server.
type remoteSilences struct{ c *remote.Client }

func (r remoteSilences) add(ctx context.Context, s correlate.Silence, d time.Duration) (correlate.Silence, error) {
	return r.c.AddSilence(ctx, remote.SilenceRequest{Vendor: s.Vendor, Kind: s.Kind, Key: s.Key, Comment: s.Comment, By: s.By}, d)
}

func (r remoteSilences) list(ctx context.Context, all bool) ([]correlate.Silence, error) {
	return r.c.Silences(ctx, all)
}

func (r remoteSilences) expire(ctx context.Context, id int64) (correlate.Silence, error) {
	return r.c.ExpireSilence(ctx, id)
}

func (remoteSilences) Close() error { return nil }
