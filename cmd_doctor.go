package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/readiness"
)

func newDoctorCmd(o *options) *cobra.Command {
	var asJSON, sendTest bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Readiness before an incident: audit log on, canaries unused, secrets resolve, notifiers deliver",
		Long: `doctor checks, before an incident, that vendorwatch will be able to answer during one.
Each check prints pass, warn or fail, with the fix:

  - the state dir is readable by you alone;
  - every secret reference resolves (each cmd: timed; over 5 s warns, against its 15 s limit);
  - the vendor of each secret store in use (gcloud, op, aws, ...) is in the config;
  - each key is held by one holder, so that the next leak names its source;
  - every status source is readable and every key probe classifies (canaries are never probed);
  - with an admin key: the key list reads, the audit log answers, the admin key is not expiring;
  - canaries exist where a key list can watch them, are in it, unused, and not probed;
  - each notifier is set up; --send-test sends each a test notification.

Nothing is written to the state dir or the history. Keys show as fingerprints only.

Exit status: 0 every check passed; 1 the worst is a warning; 2 a check failed;
3 doctor could not run (a bad flag or config).`,
		Example: `  vendorwatch doctor
  vendorwatch doctor --send-test            # also deliver a test notification through each notifier
  vendorwatch doctor --json | jq '.checks[] | select(.level != "pass")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.remote != "" {
				return errors.New("doctor checks this machine's config, keys, secret stores and notifiers; with --remote none of them are here: run vendorwatch doctor on the machine that runs vendorwatch serve")
			}
			a, err := load(o)
			if err != nil {
				return err
			}
			rep := a.Doctor(cmd.Context(), app.DoctorOptions{SendTest: sendTest})
			if asJSON {
				err = readiness.WriteJSON(cmd.OutOrStdout(), rep)
			} else {
				err = readiness.WriteText(cmd.OutOrStdout(), rep)
			}
			if err != nil {
				return err
			}
			if code := rep.Overall.ExitCode(); code != 0 {
				return exitStatus(code)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the checks as JSON (schema_version 1)")
	cmd.Flags().BoolVar(&sendTest, "send-test", false, "send a test notification through every notifier")
	return cmd
}
