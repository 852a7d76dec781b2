// Command vendorwatch answers the on-call question "is it us or them?" for
// every vendor a team depends on: their status pages, live probes of our
// own keys, and the links between vendors.
//
// This package holds the commands only: each reads its flags, makes one
// call into app (or remote) and writes what it gets. Exit codes are
// decided here, once (run).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	// A --once process is held to one processor from its start, before
	// the other packages initialize (internal/procs).
	_ "github.com/vendorwatch/vendorwatch/internal/procs"
	// The tmux widget's fast path: its init answers --tmux from the
	// digest before the heavy packages (SQLite, Prometheus, the UI)
	// initialize.
	_ "github.com/vendorwatch/vendorwatch/statusline/fastpath"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from go install is used.
var version = ""

func main() {
	// SIGHUP (the terminal closed) ends the program as cleanly as ctrl+c:
	// the history is closed and the demo removes its throwaway directory.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	// Libraries that log through the standard logger (net/http's server)
	// write through the redactor too.
	log.SetOutput(redact.NewWriter(os.Stderr))
	stopProfile := startCPUProfile()
	writeMemProfile := startMemProfile()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	writeMemProfile()
	stopProfile()
	stop()
	os.Exit(code)
}

// run executes the command line and returns the exit code: 0, 1 or 2 for
// a level (ok, warning, critical) or a search that found nothing, 3 for
// every error (a bad flag or config, nothing could be checked).
//
// Everything the commands write goes through the redactor (DESIGN §7,
// issue 16): stdout and stderr are redacting writers, so every table,
// JSON document, log line and error printed at exit has every registered
// secret blanked; a panic is recovered here and printed redacted.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	stdout, stderr = redact.NewWriter(stdout), redact.NewWriter(stderr)
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "vendorwatch: panic: %s\n\n%s", redact.String(fmt.Sprint(p)), redact.Bytes(debug.Stack()))
			code = 3
		}
	}()
	cmd := newRootCmd()
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var status exitStatus
	if errors.As(err, &status) {
		return int(status)
	}
	fmt.Fprintln(stderr, "vendorwatch:", redact.String(err.Error()))
	return 3
}

// exitStatus ends a command that did its work with an exit code other
// than 0 (the level of --once), printing nothing more.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit %d", int(e)) }

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
