package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/remote"
)

// rotationNow is the clock of the rotation commands (the tests' replay of
// the incident log sets it).
var rotationNow = time.Now

func newRotationCmd(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rotation",
		Short: "Rotation checklists: which holders of a rotated key have the new one",
		Long: `When a key's fingerprint changes (same vendor and key name, another key), vendorwatch
opens a rotation checklist listing every holder of the key (keys[].holders in the config).
A holder closes on evidence: a vendor with call records (VAPI) when its calls stop ending
in the rotated vendor's 401; any holder by hand with "rotation done". The checklist stays
in the dashboard, --once and the incident report until every holder is done, or until it
is dismissed with a reason.

The checklists live in the history of the state dir. With --remote, "list" reads the
server's; "done" and "dismiss" must run where the server's state dir is
(vendorwatch rotation done ... --state-dir DIR on the server).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newRotationListCmd(o), newRotationDoneCmd(o), newRotationDismissCmd(o))
	return cmd
}

func newRotationListCmd(o *options) *cobra.Command {
	var asJSON bool
	var since string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Open rotation checklists and those closed recently, each holder with its state and evidence",
		Example: `  vendorwatch rotation list
  vendorwatch rotation list --since 30d --json | jq '.rotations[] | select(.state == "open")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			from, err := app.ParseWhen(since, rotationNow())
			if err != nil {
				return fmt.Errorf("--since: %w", err)
			}
			var rots []correlate.Rotation
			if o.remote != "" {
				c, err := remote.New(o.remote, remote.Token(), o.timeout)
				if err != nil {
					return err
				}
				rep, err := c.Report(cmd.Context())
				if err != nil {
					return err
				}
				rots = rep.Rotations // the server's report: open ones and those closed in the last day
			} else {
				store, err := app.OpenRotations(cmd.Context(), o.stateDir)
				if err != nil {
					return err
				}
				defer store.Close()
				if rots, err = store.Rotations(cmd.Context(), from); err != nil {
					return err
				}
			}
			if asJSON {
				return output.WriteRotationsJSON(cmd.OutOrStdout(), rots)
			}
			return output.WriteRotations(cmd.OutOrStdout(), rots, output.TableOptions{NoColor: o.noColor})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print {\"rotations\": [...]} as JSON")
	cmd.Flags().StringVar(&since, "since", "7d", "also list checklists closed since then: RFC 3339, \"2026-05-21 10:00\" or a time ago like 2h, 7d")
	return cmd
}

func newRotationDoneCmd(o *options) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "done VENDOR/KEY HOLDER",
		Short: "Mark a holder of a rotated key as updated with the new key",
		Long: `done marks one holder of the open rotation of VENDOR/KEY as having the new key. HOLDER is
written as in "rotation list": vendor:vapi, service:voice-backend, secret:gcp:openai-prod,
or just the name when only one holder has it. The checklist closes when its last holder
is done.`,
		Example: `  vendorwatch rotation done openai/prod vendor:langsmith
  vendorwatch rotation done openai/prod voice-backend --note "redeployed 11:20"`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return changeRotation(cmd, o, args[0], func(r *correlate.Rotation) error { return r.MarkDone(args[1], rotationNow(), note) })
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "a note kept with the holder (what was done, by whom)")
	return cmd
}

func newRotationDismissCmd(o *options) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:     "dismiss VENDOR/KEY --reason TEXT",
		Short:   "Close a rotation checklist with a reason, whatever its holders' states",
		Example: `  vendorwatch rotation dismiss openai/prod --reason "LangSmith workspace deleted; VAPI moved to its own key"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return changeRotation(cmd, o, args[0], func(r *correlate.Rotation) error { return r.Dismiss(reason, rotationNow()) })
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the checklist is closed (required)")
	return cmd
}

// changeRotation applies fn to the open rotation of subject (VENDOR/KEY)
// in the state dir's history, and prints the checklist as it now is.
func changeRotation(cmd *cobra.Command, o *options, subject string, fn func(*correlate.Rotation) error) error {
	if o.remote != "" {
		return errors.New("rotation done and dismiss change the server's history: run them on the server, with its state dir (vendorwatch rotation done VENDOR/KEY HOLDER --state-dir DIR); --remote only lists")
	}
	vendor, key, ok := strings.Cut(subject, "/")
	if !ok || vendor == "" || key == "" || strings.Contains(key, "/") {
		return fmt.Errorf("%q: name the rotated key as VENDOR/KEY, for example openai/prod", subject)
	}
	store, err := app.OpenRotations(cmd.Context(), o.stateDir)
	if err != nil {
		return err
	}
	defer store.Close()
	r, err := store.UpdateRotation(cmd.Context(), vendor, key, fn)
	if errors.Is(err, history.ErrNoRotation) {
		return fmt.Errorf("%s has no open rotation checklist (vendorwatch rotation list shows the open ones)", subject)
	}
	if err != nil {
		return err
	}
	return output.WriteRotations(cmd.OutOrStdout(), []correlate.Rotation{r}, output.TableOptions{NoColor: o.noColor})
}
