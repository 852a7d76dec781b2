// Command release builds vendorwatch's release artefacts from a checkout:
// archives for linux, darwin and windows on amd64 and arm64, deb and rpm
// packages, a Homebrew formula, an OCI image layout and checksums.txt.
//
//	cd release && go run . build --version v0.4.0 --out ../dist
//
// It lives in its own module so that the packaging libraries (nfpm,
// go-containerregistry, the Kubernetes API types for the manifests'
// tests) stay out of the program's dependencies. The build is
// reproducible: the same commit built with the same Go gives the same
// bytes (packaging/README.md says how to check). Publishing is not its job.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

const usage = `usage: go run . build [flags]     (from the release/ directory of a checkout)

Builds every release artefact into --out: archives, deb and rpm packages,
the Homebrew formula, the OCI image layout and checksums.txt.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "build" {
		fmt.Fprint(stderr, usage)
		return errors.New("the only command is build")
	}
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.version, "version", "", "the version to stamp, vMAJOR.MINOR.PATCH[-PRERELEASE] (default: git describe, else v0.0.0-<commit>)")
	fs.StringVar(&o.out, "out", "", "the directory to write the artefacts to (default: dist/ at the top of the checkout); it must be empty or missing")
	fs.StringVar(&o.src, "src", "", "the top of the checkout to build (default: git rev-parse --show-toplevel)")
	targets := fs.String("targets", strings.Join(defaultTargets, ","), "the os/arch pairs to build, comma-separated")
	skip := fs.String("skip", "", "artefacts to leave out, comma-separated: packages, image, formula")
	fs.StringVar(&o.caBundle, "ca-bundle", "/etc/ssl/certs/ca-certificates.crt", "the CA certificates copied into the OCI image (serve calls vendors over HTTPS)")
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("build takes flags only, not %q", fs.Arg(0))
	}
	var err error
	if o.targets, err = parseTargets(*targets); err != nil {
		return err
	}
	if o.skip, err = parseSkip(*skip); err != nil {
		return err
	}
	return build(ctx, o, stdout)
}

// options are the build command's flags.
type options struct {
	version  string
	out      string
	src      string
	caBundle string
	targets  []target
	skip     map[string]bool
}

func parseSkip(s string) (map[string]bool, error) {
	skip := map[string]bool{}
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		switch name {
		case "":
		case "packages", "image", "formula":
			skip[name] = true
		default:
			return nil, fmt.Errorf("--skip %q: the artefacts that can be left out are packages, image and formula", name)
		}
	}
	return skip, nil
}
