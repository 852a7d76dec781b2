package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newNotifyCmd(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "Check the notifiers of the config's notify: list",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "test NAME",
		Short: "Send the notifier NAME a test message now: an info finding that opens and closes",
		Long: `Send the notifier NAME (its name: in the config's notify: list) a test message at once:
an info finding titled "vendorwatch test message for notifier NAME" that opens, then closes,
so PagerDuty resolves the alert it raised. The test ignores the notifier's routes and
min_severity and bypasses the outbox: the receiver's answer (a wrong routing key, a dead
URL) is printed now, and the exit code is 3 when the message was not delivered.`,
		Example: `  vendorwatch notify test voice-pager
  vendorwatch notify test slack-1 --config team.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := load(o)
			if err != nil {
				return err
			}
			if err := a.NotifyTest(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "notifier %s: the test message was delivered (opened, then closed)\n", args[0])
			return nil
		},
	})
	return cmd
}
