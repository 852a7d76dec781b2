package statusline

import (
	"flag"
	"io"
	"os"
	"strings"
	"time"
)

// SnapshotFile is the report the digest describes, in the same state dir.
const SnapshotFile = "snapshot.json"

// Answer prints the status line for args when they ask for it (--tmux in
// any --format) and the state dir's digest is fresh: no older than the
// snapshot and than --max-age. It reports whether it answered, and the
// exit code the line's format asks for (i3blocks' urgent); when it did
// not answer, it wrote nothing.
func Answer(args []string, w io.Writer, now time.Time) (answered bool, exit int, err error) {
	for _, a := range args {
		// Only long flags: a single dash means something else to the
		// real command line (shorthands), which then decides.
		if a == "--" || (strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--")) {
			return false, 0, nil
		}
	}
	fs := flag.NewFlagSet("vendorwatch", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		tmux     = fs.Bool("tmux", false, "")
		format   = fs.String("format", string(FormatTmux), "")
		style    = fs.String("style", string(StyleDefault), "")
		maxWidth = fs.Int("max-width", 0, "")
		ascii    = fs.Bool("ascii", false, "")
		maxAge   = fs.Duration("max-age", 60*time.Second, "")
		stateDir = fs.String("state-dir", "", "")
	)
	// Flags that change nothing on the line: the refresh would take them
	// on, but a fresh digest needs no refresh.
	fs.String("config", "", "")
	fs.String("only", "", "")
	fs.Duration("timeout", 0, "")
	fs.Bool("no-color", false, "")
	if fs.Parse(args) != nil || fs.NArg() > 0 || !*tmux || !KnownStyle(Style(*style)) {
		return false, 0, nil
	}
	if _, ok := renderers[Format(*format)]; !ok {
		return false, 0, nil
	}
	dir := StateDir(*stateDir)
	if dir == "" {
		return false, 0, nil
	}
	d, ok := freshDigest(dir, now, *maxAge)
	if !ok {
		return false, 0, nil
	}
	out, _ := Render(Format(*format), Line{Items: Fit(d.Items(*ascii), *maxWidth), Overall: d.Overall, Vendors: d.Vendors, Style: Style(*style)})
	_, err = io.WriteString(w, out.Text+"\n")
	return true, out.Exit, err
}

// freshDigest reads the digest in dir when it describes the current
// snapshot and is at most maxAge old.
func freshDigest(dir string, now time.Time, maxAge time.Duration) (Digest, bool) {
	path := joinPath(dir, DigestFile)
	ds, err := os.Stat(path)
	if err != nil {
		return Digest{}, false
	}
	if ss, err := os.Stat(joinPath(dir, SnapshotFile)); err != nil || ds.ModTime().Before(ss.ModTime()) {
		return Digest{}, false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Digest{}, false
	}
	d, err := DecodeDigest(data)
	if err != nil || now.Sub(d.GeneratedAt) > maxAge {
		return Digest{}, false
	}
	return d, true
}
