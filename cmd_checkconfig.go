package main

import (
	"github.com/spf13/cobra"
)

func newCheckConfigCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "check-config",
		Short: "Validate the config, show what would be watched and resolve every key (fingerprints only)",
		Long: `check-config validates the config (every problem at once, with its line), shows the
vendors it resolves to, and resolves every key's secret reference — env:, file:, cmd: —
showing only its fingerprint (sk-proj-…MxYA) and whether it resolved. Nothing is sent to
any vendor. A key that does not resolve is reported here and shows as no_secret when
probed; it does not make the config invalid. Last, it shows the notifications waiting in
the state dir's outbox per notifier (pending, failing, the oldest, expired within a week)
and which process sends them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := load(o)
			if err != nil {
				return err
			}
			return a.CheckConfig(cmd.Context(), cmd.OutOrStdout())
		},
	}
}
