package statusline

import (
	"io"
	"os"
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
	a, ok := parseLineArgs(args)
	if !ok || !a.tmux || !KnownStyle(Style(a.style)) {
		return false, 0, nil
	}
	if _, ok := renderers[Format(a.format)]; !ok {
		return false, 0, nil
	}
	dir := StateDir(a.stateDir)
	if dir == "" {
		return false, 0, nil
	}
	d, ok := freshDigest(dir, now, a.maxAge)
	if !ok {
		return false, 0, nil
	}
	out, _ := Render(Format(a.format), Line{Items: Fit(d.Items(a.ascii), a.maxWidth), Overall: d.Overall, Vendors: d.Vendors, Style: Style(a.style)})
	_, err = io.WriteString(w, out.Text+"\n")
	return true, out.Exit, err
}

// freshDigest reads the digest in dir when it describes the current
// snapshot (or there is none yet) and is at most maxAge old: its report's
// time, or its file's when a later check confirmed it.
func freshDigest(dir string, now time.Time, maxAge time.Duration) (Digest, bool) {
	path := joinPath(dir, DigestFile)
	ds, err := os.Stat(path)
	if err != nil {
		return Digest{}, false
	}
	// A snapshot newer than the digest is a report it does not describe.
	// No snapshot yet is a state dir's first round recorded in parts (a
	// serve or dashboard whose slower vendors are still being checked):
	// the digest is the only description of it there is.
	if ss, err := os.Stat(joinPath(dir, SnapshotFile)); err != nil && !os.IsNotExist(err) || err == nil && ds.ModTime().Before(ss.ModTime()) {
		return Digest{}, false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Digest{}, false
	}
	d, err := DecodeDigest(data)
	if err != nil {
		return Digest{}, false
	}
	// A check that confirmed the line sets only the file's time.
	at := d.GeneratedAt
	if m := ds.ModTime(); m.After(at) {
		at = m
	}
	if now.Sub(at) > maxAge {
		return Digest{}, false
	}
	return d, true
}
