package history

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var updateTemplate = flag.Bool("update-template", false, "write "+templateFile+" from the migrations")

// migratedFile writes a new database's schema through the migrations, as
// a history made before the template was, and returns the file's path.
func migratedFile(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s := &Store{dir: dir, path: filepath.Join(dir, DatabaseFile), opts: Options{BusyTimeout: DefaultBusyTimeout}}
	if err := s.writeSchema(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s.path
}

// inflatedTemplate is the template's database file.
func inflatedTemplate(t *testing.T) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(schemaTemplate))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// describeSchema says what a database file holds, in lines: its tables,
// indexes and their SQL, the settings a file keeps, the schema version and
// every table's row count, and what an integrity check finds.
func describeSchema(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out, tables []string
	rows, err := db.Query(`SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var typ, name, tbl, text string
		if err := rows.Scan(&typ, &name, &tbl, &text); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s on %s: %s", typ, name, tbl, text))
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"page_size", "auto_vacuum", "encoding", "user_version", "application_id", "journal_mode", "integrity_check"} {
		var v string
		if err := db.QueryRow(`PRAGMA ` + p).Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, p+" = "+v)
	}
	var version int
	if err := db.QueryRow(`SELECT version FROM schema_version`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	out = append(out, fmt.Sprintf("schema version %d", version))
	for _, tbl := range tables {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM "` + tbl + `"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s: %d rows", tbl, n))
	}
	return out
}

// The template is the database the migrations write into an empty file:
// the same tables, indexes, settings and (no) rows, at SchemaVersion, in
// WAL mode. A migration added without writing the template again fails
// here; -update-template writes it.
func TestTemplateIsTheMigratedSchema(t *testing.T) {
	migrated := migratedFile(t)
	if *updateTemplate {
		b, err := os.ReadFile(migrated)
		if err != nil {
			t.Fatal(err)
		}
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(b)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(templateFile, z.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d bytes, %d inflated; build again to embed it", templateFile, z.Len(), len(b))
		return
	}
	want := describeSchema(t, migrated)
	tmpl := inflatedTemplate(t)
	if len(tmpl) < 100 || tmpl[18] != 2 || tmpl[19] != 2 {
		t.Fatalf("the template's header does not say WAL mode (%d bytes)", len(tmpl))
	}
	path := filepath.Join(t.TempDir(), DatabaseFile)
	if err := os.WriteFile(path, tmpl, 0o600); err != nil {
		t.Fatal(err)
	}
	got := describeSchema(t, path)
	if !slices.Equal(got, want) {
		t.Errorf("the template differs from the migrated schema; run go test ./history -run TestTemplateIsTheMigratedSchema -update-template\ntemplate:\n  %s\nmigrations:\n  %s",
			strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if !slices.Contains(want, fmt.Sprintf("schema version %d", SchemaVersion)) || !slices.Contains(want, "integrity_check = ok") {
		t.Errorf("the migrated schema is not whole at version %d:\n  %s", SchemaVersion, strings.Join(want, "\n  "))
	}
}

// A new history is the template put in place, the file private to its
// user; a history over an empty file (which the template may not replace)
// gets its schema written, and both then work the same.
func TestANewHistoryIsTheTemplate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := open(t, dir, Options{})
	if !s.placed {
		t.Fatal("Open wrote the schema of a new history instead of placing the template")
	}
	b, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, inflatedTemplate(t)) {
		t.Error("the new database is not the template")
	}
	if fi, err := os.Stat(s.Path()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the database's mode is %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "."+DatabaseFile+".new-*"))
	if len(left) > 0 {
		t.Errorf("the template's temporary copy was left behind: %v", left)
	}

	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, DatabaseFile), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e := open(t, empty, Options{})
	if e.placed {
		t.Error("the template replaced an empty file")
	}
	for _, st := range []*Store{s, e} {
		fillHistory(t, st, 2, 1, 5, at("10:00"))
		evs, err := st.Timeline(context.Background(), Query{})
		if err != nil || len(evs) < 5 {
			t.Errorf("%s: the timeline after commits: %d events, %v", st.Dir(), len(evs), err)
		}
	}
}

// A new history's chain starts at its first link: before it, there is no
// chain; after the first commit, it started then.
func TestANewHistorysChainStartsAtItsFirstLink(t *testing.T) {
	t.Parallel()
	s := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	if started, err := s.ChainStarted(ctx); err != nil || !started.IsZero() {
		t.Fatalf("a new history's chain started %s (%v), want not yet", started, err)
	}
	before := time.Now().Add(-time.Second)
	chained(t, s, 1)
	started, err := s.ChainStarted(ctx)
	if err != nil || started.Before(before) || started.After(time.Now().Add(time.Second)) {
		t.Errorf("chain started %s (%v), want the first link's time", started, err)
	}
	chained(t, s, 2)
	if again, err := s.ChainStarted(ctx); err != nil || !again.Equal(started) {
		t.Errorf("the next link moved the chain's start from %s to %s (%v)", started, again, err)
	}
	if c, err := s.VerifyChain(ctx, 1, 0); err != nil || !c.Intact || c.Links < 3 {
		t.Errorf("chain = %+v, %v", c, err)
	}
}
