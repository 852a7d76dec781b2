package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// goBuild compiles the program in src for t into out. Everything that
// could make two builds of one commit differ is pinned: no cgo, no
// absolute paths (-trimpath), no build ID, no VCS stamp (the commit is
// stamped with -X instead), the baseline of each architecture.
func goBuild(ctx context.Context, src string, t target, m meta, out string) error {
	ldflags := strings.Join([]string{
		"-s", "-w", "-buildid=",
		"-X", "main.version=" + m.version,
		"-X", "main.commit=" + m.commit,
		"-X", "main.date=" + m.date.Format(time.RFC3339),
	}, " ")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", out, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(),
		"CGO_ENABLED=0", "GOOS="+t.os, "GOARCH="+t.arch,
		"GOAMD64=v1", "GOARM64=v8.0", "GOFLAGS=", "GOEXPERIMENT=",
	)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s: %w\n%s", t, err, stderr.String())
	}
	return nil
}
