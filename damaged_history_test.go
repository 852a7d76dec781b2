package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/observe"
)

// historyStart is when historyDir's history begins.
var historyStart = time.Date(2026, 5, 21, 10, 0, 0, 0, time.UTC)

// historyDir is a state dir whose history holds 30 checks, a minute
// apart, of 40 vendors whose status pages flap: about 1,200 events over
// many pages of the database.
func historyDir(t *testing.T) string {
	t.Helper()
	state := t.TempDir()
	s, err := history.Open(context.Background(), state, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		at := historyStart.Add(time.Duration(i) * time.Minute)
		st := observe.Operational
		if i%2 == 1 {
			st = observe.Degraded
		}
		vs := make([]observe.VendorResult, 40)
		for v := range vs {
			id := fmt.Sprintf("vendor%02d", v)
			vs[v] = observe.VendorResult{ID: id, Name: "Vendor " + id, Keys: []observe.KeyResult{},
				Status: observe.Status{State: st, CheckedAt: at, PageURL: "https://status." + id + ".test",
					Sources: []observe.Source{{URL: "https://status." + id + ".test/api/v2/summary.json", OK: true}}}}
		}
		if _, err := s.Commit(context.Background(), history.Check{Snapshot: observe.Snapshot{GeneratedAt: at, Vendors: vs}}, correlate.Assess); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil { // the WAL is merged into the file
		t.Fatal(err)
	}
	return state
}

// smashEventPage overwrites, in the middle of the database file, a page of
// the events table (a table leaf page holding "Status page:" rows), as a
// failing disk or a stray write would.
func smashEventPage(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	size := int(binary.BigEndian.Uint16(b[16:18]))
	var leaves []int
	for off := size; off+size <= len(b); off += size {
		if b[off] == 0x0d && bytes.Contains(b[off:off+size], []byte("Status page: ")) {
			leaves = append(leaves, off)
		}
	}
	if len(leaves) < 5 {
		t.Fatalf("only %d event pages", len(leaves))
	}
	off := leaves[len(leaves)/2]
	copy(b[off:off+size], bytes.Repeat([]byte("garbage!"), size/8))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A damaged page in the history: --once says what is wrong, with the
// file, what quick_check found, that nothing was deleted and what to do,
// and still answers with the level's exit code; report gives what it can
// read, says what it lacks, and exits 1; the file is never changed.
func TestDamagedHistoryPage(t *testing.T) {
	state := historyDir(t)
	db := filepath.Join(state, history.DatabaseFile)
	smashEventPage(t, db)
	damaged, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}

	cfg := threeVendors(t, "anthropic__statuspage_summary_none.json")
	stdout, stderr, code := runIn(t, state, "--config", cfg, "--once", "--only", "openai,anthropic")
	if code != 0 || !strings.Contains(stdout, "Anthropic") {
		t.Errorf("--once exit %d, stdout:\n%s", code, stdout)
	}
	for _, want := range []string{"history disabled for this run", "history database is damaged: " + db, "quick_check: Tree ",
		"Nothing in it was deleted or changed", "mv history.db* damaged-", ".recover", "checks without the memory of earlier runs"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("--once stderr lacks %q:\n%s", want, stderr)
		}
	}

	md, stderr, code := runIn(t, state, "report", "--since", historyStart.Format(time.RFC3339), "--until", historyStart.Add(time.Hour).Format(time.RFC3339))
	if code != 1 {
		t.Errorf("report exit %d, want 1: %s", code, stderr)
	}
	for _, want := range []string{"> **Incomplete:** the history database is damaged", "could not be read (rows ", "| 10:01 | Vendor vendor00 | Status page: operational → degraded |", "| 10:29 | Vendor vendor39 | Status page: operational → degraded |"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	for _, want := range []string{"history database is damaged: " + db, "quick_check: ", "the report holds what could be read; it lacks:\n  - "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("report stderr lacks %q:\n%s", want, stderr)
		}
	}

	js, _, code := runIn(t, state, "report", "--since", historyStart.Format(time.RFC3339), "--format", "json")
	var doc struct {
		Timeline   []json.RawMessage `json:"timeline"`
		Unreadable []string          `json:"unreadable"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil || code != 1 || len(doc.Unreadable) != 1 || len(doc.Timeline) < 1000 {
		t.Errorf("json report: exit %d, %d events, unreadable %q, %v", code, len(doc.Timeline), doc.Unreadable, err)
	}

	// A window the damage does not reach is whole: exit 0, and stderr
	// still says the file is damaged.
	md, stderr, code = runIn(t, state, "report", "--since", historyStart.Add(29*time.Minute).Format(time.RFC3339))
	if code != 0 || strings.Contains(md, "Incomplete") || !strings.Contains(stderr, "the report is complete") || !strings.Contains(md, "vendor39") {
		t.Errorf("report after the damage: exit %d, stderr %s", code, stderr)
	}

	if now, _ := os.ReadFile(db); !bytes.Equal(now, damaged) {
		t.Error("the damaged database was changed")
	}
}

// report only reads: it works on a state dir its user may not write, and
// leaves the database as it was. Permissions are moot for root; for root
// a directory in the way of the WAL stands in for them: SQLite cannot open
// the database for writing, nor read-only in the usual way, so report
// must read the file as immutable.
func TestReportOnReadOnlyStateDir(t *testing.T) {
	state := historyDir(t)
	db := filepath.Join(state, history.DatabaseFile)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	// The writer left its log and shared memory beside the database,
	// the log empty; the reader may write none of them.
	for _, name := range []string{history.DatabaseFile, history.SnapshotFile, history.DatabaseFile + "-wal", history.DatabaseFile + "-shm"} {
		if err := os.Chmod(filepath.Join(state, name), 0o400); err != nil {
			t.Fatal(err)
		}
	}
	if os.Geteuid() == 0 {
		// Root may write them all the same: a directory in the log's
		// place stands in for a log it cannot open.
		if err := os.Remove(db + "-wal"); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(db+"-wal", 0o500); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(state, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(state, 0o700) })
	md, stderr, code := runIn(t, state, "report", "--since", historyStart.Format(time.RFC3339), "--until", historyStart.Add(time.Hour).Format(time.RFC3339))
	if code != 0 || stderr != "" || strings.Count(md, "Status page: ") < 1000 {
		t.Errorf("exit %d, stderr %q, %d events", code, stderr, strings.Count(md, "Status page: "))
	}
	if now, _ := os.ReadFile(db); !bytes.Equal(now, before) {
		t.Error("report changed the database")
	}
	if fi, err := os.Stat(db + "-wal"); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
		t.Errorf("report wrote %d bytes of WAL", fi.Size())
	}
}
