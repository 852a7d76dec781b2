package history

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// pages are the page numbers of one kind of page of a table or index, by
// SQLite's dbstat ("leaf", "internal", "overflow").
func pages(t *testing.T, s *Store, name, kind string) []int64 {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), `SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno`, name, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		t.Fatalf("no %s pages of %s", kind, name)
	}
	return out
}

// smash overwrites page number page of the file at path (4096-byte pages)
// with bytes that are no b-tree page, as a disk or a stray write would.
func smash(t *testing.T, path string, page int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte("garbage!"), 512), (page-1)*4096); err != nil {
		t.Fatal(err)
	}
}

// fileBytes is the content of the file at path.
func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// damaged is a state dir with 1000 events over 10 days of 5 vendors whose
// events table has one page overwritten in the middle of the file, the
// events as they were before, and the damaged page's number.
func damaged(t *testing.T) (dir string, all []correlate.Event, page int64) {
	t.Helper()
	dir = t.TempDir()
	s := open(t, dir, Options{})
	fillHistory(t, s, 5, 10, 100, at("10:00"))
	all, err := s.Timeline(context.Background(), Query{})
	if err != nil || len(all) != 1000 {
		t.Fatalf("%d events, %v", len(all), err)
	}
	leaves := pages(t, s, "events", "leaf")
	s.Close()
	page = leaves[len(leaves)/2]
	smash(t, filepath.Join(dir, DatabaseFile), page)
	return dir, all, page
}

// Open checks the database: a damaged page is reported with the file,
// what quick_check said, that nothing was changed and what to do, and the
// file is left exactly as it was.
func TestOpenReportsDamagedPages(t *testing.T) {
	dir, _, page := damaged(t)
	path := filepath.Join(dir, DatabaseFile)
	before := fileBytes(t, path)
	_, err := Open(context.Background(), dir, Options{})
	var de *DamageError
	if !errors.Is(err, ErrCorrupt) || !errors.As(err, &de) {
		t.Fatalf("err = %v, want a DamageError", err)
	}
	if de.Path != path || len(de.Found) == 0 || !strings.HasPrefix(de.Found[0], fmt.Sprintf("quick_check: Tree %d page %d", 0, 0)[:len("quick_check: Tree")]) {
		t.Errorf("damage = %+v", de)
	}
	msg := err.Error()
	for _, want := range []string{path, fmt.Sprintf("page %d", page), "Nothing in it was deleted or changed",
		"mkdir " + de.Aside + " && mv history.db* " + de.Aside + "/", "sqlite3 " + de.Aside + "/history.db .recover | sqlite3 history.db"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if !bytes.Equal(fileBytes(t, path), before) {
		t.Error("Open changed the damaged file")
	}
}

// The advice works: the commands it gives, run by a shell in the state
// dir, move the damaged files aside and recover the readable rows into a
// new database that Open accepts.
func TestDamageAdviceRecovers(t *testing.T) {
	if _, err := osexec.LookPath("sqlite3"); err != nil {
		t.Skip("no sqlite3 command")
	}
	dir, all, _ := damaged(t)
	_, err := Open(context.Background(), dir, Options{})
	var de *DamageError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v", err)
	}
	before := fileBytes(t, filepath.Join(dir, DatabaseFile))
	lines := strings.Split(err.Error(), "\n")
	var cmds []string
	for i, l := range lines {
		if strings.HasPrefix(l, "    ") {
			cmds = append(cmds, strings.TrimSpace(lines[i]))
		}
	}
	if len(cmds) != 3 {
		t.Fatalf("want three commands:\n%s", err)
	}
	sh := func(cmd string) {
		t.Helper()
		c := osexec.Command("sh", "-c", cmd)
		c.Dir = dir
		if out, err := c.CombinedOutput(); err != nil {
			t.Logf("%s: %v\n%s", cmd, err, out)
		}
	}
	sh(cmds[0])
	if !bytes.Equal(fileBytes(t, filepath.Join(dir, de.Aside, DatabaseFile)), before) {
		t.Error("the damaged file was not kept as it was")
	}
	sh(cmds[1])
	if !hasEvents(t, filepath.Join(dir, DatabaseFile)) {
		t.Log("this sqlite3 has no .recover; trying .dump")
		sh(cmds[2])
	}
	s := open(t, dir, Options{})
	got, err := s.Timeline(context.Background(), Query{})
	if err != nil || len(got) < len(all)*9/10 || len(got) >= len(all) {
		t.Errorf("recovered %d of %d events, %v", len(got), len(all), err)
	}
}

// hasEvents reports whether the file at path is a database with an events
// table.
func hasEvents(t *testing.T, path string) bool {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	return db.QueryRow(`SELECT count(*) FROM events`).Scan(&n) == nil
}

// A read of a damaged table returns every row it can read, in order, and
// says which rows it could not read, how many the query wanted and when
// they were recorded.
func TestTimelineReadsAroundDamagedPages(t *testing.T) {
	dir, all, _ := damaged(t)
	s, err := OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Timeline(context.Background(), Query{})
	var re *ReadError
	if !errors.As(err, &re) || !errors.Is(err, ErrCorrupt) || len(re.Gaps) != 1 {
		t.Fatalf("err = %v, want a ReadError with one gap", err)
	}
	g := re.Gaps[0]
	byID := map[int64]correlate.Event{}
	for _, e := range got {
		byID[e.ID] = e
	}
	var missing []correlate.Event
	for _, e := range all {
		if r, ok := byID[e.ID]; !ok {
			missing = append(missing, e)
		} else if !reflect.DeepEqual(r, e) {
			t.Errorf("event %d read as %+v, was %+v", e.ID, r, e)
		}
	}
	if len(missing) == 0 || len(missing) > 50 || len(got)+len(missing) != len(all) {
		t.Fatalf("%d events read, %d missing of %d", len(got), len(missing), len(all))
	}
	first, last := missing[0], missing[len(missing)-1]
	if g.Table != "events" || g.Wanted != len(missing) || g.From > first.ID || g.To < last.ID ||
		!g.First.Equal(first.At) || !g.Last.Equal(last.At) || len(g.Vendors) != 5 {
		t.Errorf("gap = %+v; missing ids %d to %d, %s to %s", g, first.ID, last.ID, first.At, last.At)
	}
	if !slices.IsSortedFunc(got, func(a, b correlate.Event) int { return a.At.Compare(b.At) }) {
		t.Error("the events read are out of order")
	}
	if s := g.String(); !strings.Contains(s, fmt.Sprintf("%d events of vendor000", len(missing))) || !strings.Contains(s, first.At.Format("2006-01-02 15:04 UTC")) {
		t.Errorf("gap text = %q", s)
	}

	// A window the damage does not reach reads whole, without an error.
	later, err := s.Timeline(context.Background(), Query{Since: last.At.Add(time.Millisecond)})
	want := all[slices.IndexFunc(all, func(e correlate.Event) bool { return e.At.After(last.At) }):]
	if err != nil || !reflect.DeepEqual(later, want) {
		t.Errorf("after the damage: %d events, %v; want %d", len(later), err, len(want))
	}
	// A limit keeps the newest; a vendor filter names only that vendor.
	if newest, err := s.Timeline(context.Background(), Query{Limit: 10}); err == nil || !reflect.DeepEqual(newest, all[len(all)-10:]) {
		t.Errorf("limit 10: %d events, %v", len(newest), err)
	}
	one, err := s.Timeline(context.Background(), Query{Vendors: []string{"vendor002"}})
	if !errors.As(err, &re) || len(re.Gaps) != 1 || !slices.Equal(re.Gaps[0].Vendors, []string{"vendor002"}) || len(one) == 0 {
		t.Errorf("vendor002: %d events, %v", len(one), err)
	}
}

// A damaged index loses nothing: once Check has found it, reads go
// through the table and return everything.
func TestDamagedIndexIsReadThroughTheTable(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	fillHistory(t, s, 5, 10, 100, at("10:00"))
	all, _ := s.Timeline(context.Background(), Query{Since: at("10:00").Add(-5 * 24 * time.Hour)})
	leaves := pages(t, s, "events_at", "leaf")
	s.Close()
	smash(t, filepath.Join(dir, DatabaseFile), leaves[len(leaves)/2])
	ro, err := OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Check(context.Background()); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "events_at") {
		t.Errorf("check = %v", err)
	}
	got, err := ro.Timeline(context.Background(), Query{Since: at("10:00").Add(-5 * 24 * time.Hour)})
	if err != nil || !reflect.DeepEqual(got, all) {
		t.Errorf("%d events of %d, %v", len(got), len(all), err)
	}
}

// Findings are read around damage too, and a table whose root is
// damaged is reported whole, with the count the index still gives.
func TestFindingsReadAroundDamagedPages(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	fillHistory(t, s, 150, 14, 10, at("10:00"))
	all, err := s.Findings(context.Background(), Query{})
	if err != nil || len(all) != 300 {
		t.Fatalf("%d findings, %v", len(all), err)
	}
	leaves := pages(t, s, "findings", "leaf")
	root := pages(t, s, "events", "internal")[0]
	s.Close()
	smash(t, filepath.Join(dir, DatabaseFile), leaves[len(leaves)/2])
	smash(t, filepath.Join(dir, DatabaseFile), root)
	ro, err := OpenReadOnly(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	got, err := ro.Findings(context.Background(), Query{})
	var re *ReadError
	if !errors.As(err, &re) || len(re.Gaps) != 1 || re.Gaps[0].Wanted != len(all)-len(got) || len(got) == 0 || len(got) == len(all) {
		t.Fatalf("%d of %d findings, %v", len(got), len(all), err)
	}
	evs, err := ro.Timeline(context.Background(), Query{})
	if !errors.As(err, &re) || len(re.Gaps) != 1 || len(evs) != 0 {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	if g := re.Gaps[0]; g.To != 0 || g.Wanted != 140 || !strings.Contains(g.String(), "140 events") {
		t.Errorf("gap = %+v (%s)", g, g)
	}
}

// Health is Check, reused for HealthEvery.
func TestHealth(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	if err := s.Health(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.healthErr = ErrLocked // as if the last check had found that
	if err := s.Health(context.Background()); err != ErrLocked {
		t.Errorf("a second call did not reuse the result: %v", err)
	}
	s.healthAt = s.healthAt.Add(-HealthEvery)
	if err := s.Health(context.Background()); err != nil {
		t.Errorf("an expired result was reused: %v", err)
	}
}

// Above openCheckMax, Open checks every table but events: a damaged
// event page is left to Check, a damaged finding page still stops Open.
func TestOpenChecksLargeDatabasesInPart(t *testing.T) {
	defer func(n int64) { openCheckMax = n }(openCheckMax)
	openCheckMax = 0
	dir, _, _ := damaged(t)
	s, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := s.Check(context.Background()); !errors.Is(err, ErrCorrupt) {
		t.Errorf("check = %v", err)
	}
	f := pages(t, s, "findings", "leaf")[0]
	s.Close()
	smash(t, filepath.Join(dir, DatabaseFile), f)
	if _, err := Open(context.Background(), dir, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("open with a damaged findings page: %v", err)
	}
}

// BenchmarkCheck is quick_check over 90 days of history, the cost Open
// adds to every --once (BENCHMARKS.md):
//
//	go test ./history -run '^$' -bench Check -benchtime 20x
func BenchmarkCheck(b *testing.B) {
	for _, c := range []struct{ vendors, perDay int }{{20, 100}, {50, 500}, {200, 2000}} {
		b.Run(fmt.Sprintf("90d-%dvendors-%dperday", c.vendors, c.perDay), func(b *testing.B) {
			dir := b.TempDir()
			s, err := Open(context.Background(), dir, Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			fillHistory(b, s, c.vendors, 90, c.perDay, at("10:00"))
			for b.Loop() {
				if err := s.Check(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			fi, _ := os.Stat(s.Path())
			b.ReportMetric(float64(fi.Size())/1e6, "MB")
		})
	}
}

func TestGapText(t *testing.T) {
	tests := []struct {
		g    Gap
		want string
	}{
		{Gap{Table: "events", From: 5, To: 9, Wanted: 1, First: at("10:57"), Last: at("10:57"), Vendors: []string{"openai"}, Err: "database disk image is malformed (11)"},
			"1 event of openai recorded at 2026-05-21 10:57 UTC could not be read (rows 5 to 9 of the events table): database disk image is malformed (11)"},
		{Gap{Table: "events", From: 5, To: 90, Wanted: 30, First: at("10:57"), Last: at("10:58"), Vendors: strings.Fields("a b c d e f g h")},
			"30 events of a, b, c, d, e, f and 2 more vendors recorded between 2026-05-21 10:57 UTC and 10:58 UTC could not be read (rows 5 to 90 of the events table)"},
		{Gap{Table: "events", From: 5, To: 9, Wanted: 3, First: at("10:57"), Last: at("11:30")},
			"3 events recorded between 2026-05-21 10:57 UTC and 11:30 UTC could not be read (rows 5 to 9 of the events table)"},
		{Gap{Table: "findings", From: 7, To: 7, Wanted: 2, First: at("10:57"), Last: at("10:57").Add(48 * time.Hour)},
			"up to 2 finding records recorded between 2026-05-21 10:57 UTC and 2026-05-23 10:57 UTC could not be read (rows 7 to 7 of the findings table)"},
		{Gap{Table: "events", From: 40, Wanted: -1, First: at("09:00")},
			"Rows from 40 on of the events table could not be read, so an unknown number of events (the rows around them were recorded after 2026-05-21 09:00 UTC) may be missing"},
	}
	for _, tt := range tests {
		if got := tt.g.String(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

// CheckRead leaves out the evidence, its runs and the chain, and still
// finds damage in what a report reads whole.
func TestCheckReadLeavesTheEvidence(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir, Options{})
	if _, err := Generate(ctx, s, GenerateOptions{Vendors: 3, Days: 1, End: at("10:00"), Seed: 5, Churn: 20}); err != nil {
		t.Fatal(err)
	}
	ev, fi := pages(t, s, "evidence", "leaf"), pages(t, s, "findings", "leaf")
	s.Close()
	smash(t, filepath.Join(dir, DatabaseFile), ev[len(ev)/2])
	ro, err := OpenReadOnly(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.CheckRead(ctx); err != nil {
		t.Errorf("CheckRead read the evidence: %v", err)
	}
	if err := ro.Check(ctx); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Check = %v, want the damaged evidence page", err)
	}
	ro.Close()
	smash(t, filepath.Join(dir, DatabaseFile), fi[0])
	if ro, err = OpenReadOnly(ctx, dir); err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.CheckRead(ctx); !errors.Is(err, ErrCorrupt) {
		t.Errorf("CheckRead with a damaged findings page = %v", err)
	}
}
