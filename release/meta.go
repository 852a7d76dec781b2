package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// meta is what the release stamps into the binary and the artefacts.
type meta struct {
	version string    // v1.2.3 or v1.2.3-rc.1
	commit  string    // the full commit hash, with -dirty for a modified tree
	date    time.Time // SOURCE_DATE_EPOCH, else the commit's time: every mtime in the release
}

// plainVersion is the version without its leading v, as file names and
// packages spell it.
func (m meta) plainVersion() string { return strings.TrimPrefix(m.version, "v") }

var semver = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$`)

// readMeta asks git for the commit, its time and (without --version) the
// version. SOURCE_DATE_EPOCH, when set, replaces the commit's time, as
// reproducible-builds.org specifies.
func readMeta(ctx context.Context, src, version string) (meta, error) {
	var m meta
	commit, err := git(ctx, src, "rev-parse", "HEAD")
	if err != nil {
		return m, err
	}
	status, err := git(ctx, src, "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return m, err
	}
	m.commit = commit
	if status != "" {
		m.commit += "-dirty"
	}
	epoch := os.Getenv("SOURCE_DATE_EPOCH")
	if epoch == "" {
		if epoch, err = git(ctx, src, "log", "-1", "--format=%ct"); err != nil {
			return m, err
		}
	}
	secs, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return m, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a count of seconds: %w", epoch, err)
	}
	m.date = time.Unix(secs, 0).UTC()
	if version == "" {
		version, err = git(ctx, src, "describe", "--tags", "--match", "v[0-9]*", "--abbrev=0", "--exact-match")
		if err != nil || version == "" {
			version = "v0.0.0-" + commit[:12]
		}
	}
	if !semver.MatchString(version) {
		return m, fmt.Errorf("--version %q is not a version like v1.2.3 or v1.2.3-rc.1", version)
	}
	m.version = version
	return m, nil
}

// git runs git in dir and returns its output without the final newline.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}
