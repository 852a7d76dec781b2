// Command vendorwatch answers the on-call question "is it us or them?" for
// every vendor a team depends on: their status pages, live probes of our
// own keys, and the links between vendors.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from go install is used.
var version = ""

func main() {
	// SIGHUP (the terminal closed) ends the program as cleanly as ctrl+c:
	// the history is closed and the demo removes its throwaway directory.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newRootCmd()
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	return exitCodeOf(cmd.ExecuteContext(ctx), stderr)
}

// exitError carries an exit code out of a command. msg, when set, is printed
// to stderr.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitCodeOf prints err (if it has a message) to stderr and returns the
// exit code. Errors without a code are usage or set-up failures: 3, like
// "unknown".
func exitCodeOf(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "vendorwatch:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "vendorwatch:", err)
	return 3
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
