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
// snapshot and than --max-age. It reports whether it answered; when it did
// not, it wrote nothing.
func Answer(args []string, w io.Writer, now time.Time) (bool, error) {
	for _, a := range args {
		// Only long flags: a single dash means something else to the
		// real command line (shorthands), which then decides.
		if a == "--" || (strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--")) {
			return false, nil
		}
	}
	fs := flag.NewFlagSet("vendorwatch", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		tmux     = fs.Bool("tmux", false, "")
		format   = fs.String("format", "tmux", "")
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
	if fs.Parse(args) != nil || fs.NArg() > 0 || !*tmux || (*format != "tmux" && *format != "plain" && *format != "waybar") {
		return false, nil
	}
	dir := StateDir(*stateDir)
	if dir == "" {
		return false, nil
	}
	d, ok := freshDigest(dir, now, *maxAge)
	if !ok {
		return false, nil
	}
	items, ok := Fit(d.Items(*ascii), *maxWidth)
	if !ok || len(items) == 0 {
		return false, nil
	}
	var line string
	switch *format {
	case "waybar":
		line = Waybar(items, d.Overall, d.Vendors)
	case "plain":
		line = Join(items, false)
	default:
		line = Join(items, true)
	}
	_, err := io.WriteString(w, line+"\n")
	return true, err
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
