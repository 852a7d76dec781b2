package history

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func delivery(finding, payload string, created time.Time) Delivery {
	return Delivery{Finding: finding, Payload: []byte(payload), Created: created, NextAttempt: created, Expires: created.Add(24 * time.Hour)}
}

// The outbox keeps deliveries in order, records failed attempts, removes
// sent ones, and holds everything across a reopen, as a new process sees
// it.
func TestOutboxLifecycle(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir, Options{})
	ob := s.Outbox()
	t0 := at("10:00")
	if err := ob.Queue(ctx, "slack", []byte(`{"n":1}`), []Delivery{
		delivery("key_revoked:openai:prod", `{"event":"finding_opened"}`, t0),
		delivery("vendor_outage:vapi", `{"event":"finding_opened","v":2}`, t0),
	}); err != nil {
		t.Fatal(err)
	}
	if err := ob.Queue(ctx, "pager", nil, []Delivery{delivery("vendor_outage:vapi", `{}`, t0)}); err != nil {
		t.Fatal(err)
	}
	got, err := ob.Pending(ctx, "slack", 10)
	if err != nil || len(got) != 2 || got[0].ID >= got[1].ID || got[0].Finding != "key_revoked:openai:prod" ||
		string(got[1].Payload) != `{"event":"finding_opened","v":2}` || !got[0].Created.Equal(t0) || !got[0].Expires.Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("pending = %+v, %v", got, err)
	}
	if err := ob.Retry(ctx, got[0].ID, t0.Add(30*time.Second), "the webhook answered HTTP 500"); err != nil {
		t.Fatal(err)
	}
	if err := ob.Delivered(ctx, got[1].ID); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = open(t, dir, Options{})
	ob = s.Outbox()
	got, err = ob.Pending(ctx, "slack", 10)
	if err != nil || len(got) != 1 || got[0].Attempts != 1 || got[0].LastError != "the webhook answered HTTP 500" || !got[0].NextAttempt.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	if st, err := ob.State(ctx, "slack"); err != nil || string(st) != `{"n":1}` {
		t.Errorf("state = %q, %v", st, err)
	}
	if st, err := ob.State(ctx, "pager"); err != nil || st != nil {
		t.Errorf("pager state = %q, %v", st, err)
	}
	bl, err := ob.Backlog(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Backlog{
		{Notifier: "pager", Pending: 1, Oldest: t0},
		{Notifier: "slack", Pending: 1, Failing: 1, Oldest: t0, LastError: "the webhook answered HTTP 500"},
	}
	if !slices.Equal(bl, want) {
		t.Errorf("backlog = %+v\nwant %+v", bl, want)
	}
}

// Queue is one transaction: when a row cannot be stored, neither the
// other rows nor the state are, so the caller may try the whole again.
func TestOutboxQueueIsAtomic(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir(), Options{})
	ob := s.Outbox()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := ob.Queue(cctx, "slack", []byte(`{}`), []Delivery{delivery("a", "{}", at("10:00"))}); err == nil {
		t.Fatal("a cancelled queue succeeded")
	}
	if _, err := s.db.Exec(`CREATE TRIGGER refuse BEFORE INSERT ON outbox WHEN NEW.finding = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END`); err != nil {
		t.Fatal(err)
	}
	err := ob.Queue(ctx, "slack", []byte(`{"saved":true}`), []Delivery{delivery("good", "{}", at("10:00")), delivery("bad", "{}", at("10:00"))})
	if err == nil {
		t.Fatal("a refused row was not reported")
	}
	if got, _ := ob.Pending(ctx, "slack", 10); len(got) != 0 {
		t.Errorf("a failed queue left rows: %+v", got)
	}
	if st, _ := ob.State(ctx, "slack"); st != nil {
		t.Errorf("a failed queue saved the state %q", st)
	}
}

// Expiry gives each delivery up once, keeps it countable for a week, and
// then prunes it.
func TestOutboxExpire(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir(), Options{})
	ob := s.Outbox()
	t0 := at("10:00")
	old := delivery("a", `{"old":1}`, t0)
	old.Expires = t0.Add(time.Hour)
	if err := ob.Queue(ctx, "slack", nil, []Delivery{old, delivery("b", `{}`, t0)}); err != nil {
		t.Fatal(err)
	}
	if got, err := ob.Expire(ctx, t0.Add(30*time.Minute)); err != nil || len(got) != 0 {
		t.Fatalf("expired early: %+v, %v", got, err)
	}
	got, err := ob.Expire(ctx, t0.Add(time.Hour))
	if err != nil || len(got) != 1 || got[0].Notifier != "slack" || string(got[0].Payload) != `{"old":1}` {
		t.Fatalf("expired = %+v, %v", got, err)
	}
	if again, _ := ob.Expire(ctx, t0.Add(2*time.Hour)); len(again) != 0 {
		t.Errorf("expired twice: %+v", again)
	}
	if p, _ := ob.Pending(ctx, "slack", 10); len(p) != 1 || p[0].Finding != "b" {
		t.Errorf("pending = %+v", p)
	}
	if bl, _ := ob.Backlog(ctx, t0.Add(2*time.Hour)); len(bl) != 1 || bl[0].Expired != 1 || bl[0].Pending != 1 {
		t.Errorf("backlog = %+v", bl)
	}
	// A week later the expired row is pruned (and b has long expired).
	later := t0.Add(time.Hour + ExpiredKept + time.Minute)
	if got, _ := ob.Expire(ctx, later); len(got) != 1 || got[0].Finding != "b" {
		t.Errorf("expired = %+v", got)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM outbox`).Scan(&n); err != nil || n != 1 {
		t.Errorf("rows after pruning = %d, %v", n, err)
	}
}

// A history of schema 1 (before the outbox) is migrated and keeps its
// contents.
func TestOutboxMigratesSchema1(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrations[0], `CREATE TABLE schema_version (version INTEGER NOT NULL)`, `INSERT INTO schema_version VALUES (1)`,
		`INSERT INTO state (name, value, updated_at) VALUES ('memory', '{}', 1)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s := open(t, dir, Options{})
	var v, n int
	if err := s.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion || v < 2 {
		t.Fatalf("version = %d, %v", v, err)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM state WHERE name != 'chain_started'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("state rows = %d, %v", n, err)
	}
	if err := s.Outbox().Queue(context.Background(), "slack", nil, []Delivery{delivery("a", "{}", at("10:00"))}); err != nil {
		t.Error(err)
	}
}
