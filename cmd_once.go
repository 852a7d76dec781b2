package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/remote"
)

// runOnce checks every vendor once, assesses the results with the memory
// kept in the state dir, records them, prints a table or JSON and exits
// with the overall level.
func runOnce(cmd *cobra.Command, o *options) error {
	err := runOnceChecked(cmd, o)
	if o.lineFormat != formatNagios || err == nil || errors.As(err, new(exitStatus)) {
		return err
	}
	// A check that could not run is UNKNOWN to Nagios, said on stdout,
	// where the plugin's output is read.
	code, werr := output.WriteNagiosError(cmd.OutOrStdout(), err)
	if werr != nil {
		return werr
	}
	return exitStatus(code)
}

// runOnceChecked is runOnce but for the Nagios plugin's UNKNOWN on error.
func runOnceChecked(cmd *cobra.Command, o *options) error {
	if o.remote != "" {
		return runOnceRemote(cmd, o)
	}
	defer app.OneShotProcs()()
	// The trusted roots start loading before the config is read: the
	// check's client waits for them when it is built.
	fetch.WarmRoots(app.StateDir(o.stateDir))
	a, err := load(o)
	if err != nil {
		return err
	}
	note := "config: " + a.Source
	// The report is printed as soon as the history has assessed it, while
	// the history writes it: at 5,000 vendors each takes about 60 ms.
	var printed chan error
	rep, histErr, err := checkOnceAssessed(cmd, a, func(rep correlate.Report) {
		printed = make(chan error, 1)
		go func() { printed <- writeReport(cmd, o, rep, note) }()
	})
	var werr error
	if printed != nil {
		werr = <-printed // before anything else goes to stderr
	}
	if err != nil {
		return err
	}
	noteHistory(cmd, histErr)
	if printed != nil {
		return werr
	}
	return writeReport(cmd, o, rep, note)
}

// runOnceRemote is --once --remote: the server's latest report as a table
// or JSON, with the exit code of its level. No vendor is contacted, no
// key resolved, no local config or state dir read.
func runOnceRemote(cmd *cobra.Command, o *options) error {
	c, err := remote.New(o.remote, remote.Token(), o.timeout)
	if err != nil {
		return err
	}
	rep, err := c.Report(cmd.Context())
	if err != nil {
		return err
	}
	if err := checkRemoteOnly(rep, o.only); err != nil {
		return err
	}
	return writeReport(cmd, o, remote.Narrow(rep, o.only), "remote: "+c.Address())
}

// checkRemoteOnly refuses --only ids that the server's report does not
// hold, suggesting the closest, rather than narrowing to nothing.
func checkRemoteOnly(rep correlate.Report, only []string) error {
	ids := make([]string, 0, len(rep.Vendors))
	for _, v := range rep.Vendors {
		ids = append(ids, v.ID)
	}
	return catalog.CheckIDs("--only", only, ids, "on the server")
}

// writeReport prints a report as --json asks (JSON on stdout, note on
// stderr), as --format nagios asks (a plugin's output, no note) or as the
// table with the note after it, and ends the command with the report's
// level.
func writeReport(cmd *cobra.Command, o *options, rep correlate.Report, note string) error {
	out := cmd.OutOrStdout()
	if o.lineFormat == formatNagios {
		// A Nagios/Icinga plugin: its output, and the plugin exit code of
		// the report's level, which --once's codes match (0 ok, 1 warning,
		// 2 critical, 3 unknown).
		code, err := output.WriteNagios(out, rep)
		if err != nil {
			return err
		}
		return exitStatus(code)
	}
	if o.json {
		fmt.Fprintln(cmd.ErrOrStderr(), "vendorwatch:", note)
		if err := output.WriteJSON(out, rep); err != nil {
			return err
		}
	} else {
		if err := output.WriteTable(out, rep, output.TableOptions{NoColor: o.noColor}); err != nil {
			return err
		}
		fmt.Fprintln(out, note)
	}
	return exitStatus(rep.Overall.ExitCode())
}

// checkOnce checks every vendor once and records the check in the state
// dir's history. When only the recording fails, it says so on stderr and
// still returns the report: the check itself worked.
func checkOnce(cmd *cobra.Command, a *app.App) (correlate.Report, error) {
	rep, histErr, err := checkOnceAssessed(cmd, a, nil)
	if err != nil {
		return rep, err
	}
	noteHistory(cmd, histErr)
	return rep, nil
}

// checkOnceAssessed is checkOnce that hands assessed the report as soon as
// the history has assessed it (app.OnceOpening), and returns the
// history's error for the caller to say (noteHistory) once what assessed
// started is done with stderr.
func checkOnceAssessed(cmd *cobra.Command, a *app.App, assessed func(correlate.Report)) (rep correlate.Report, histErr, err error) {
	ctx := cmd.Context()
	fetch.WarmRoots(a.StateDir) // beside the history's opening at the latest (runOnceChecked starts it sooner)
	// The history opens while the vendors are checked.
	rep, store, histErr := a.OnceOpening(ctx, cmd.ErrOrStderr(), assessed)
	if store != nil {
		defer store.Close()
	}
	if ctx.Err() != nil {
		return rep, nil, errors.New("interrupted")
	}
	return rep, histErr, nil
}

// noteHistory says on stderr that the check could not be recorded, if so.
func noteHistory(cmd *cobra.Command, err error) {
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "vendorwatch: history: %v\n", err)
	}
}
