package history

import (
	"context"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// TestRetentionIsIncremental shortens the retention of a generated
// history: each commit deletes at most a batch of rows of each kind,
// commits go on pruning while there is a backlog, and in the end nothing
// older than the retention is left but what the chain's order keeps, with
// the chain intact and no run without its row.
func TestRetentionIsIncremental(t *testing.T) {
	defer func(n int) { pruneBatch = n }(pruneBatch)
	pruneBatch = 10
	ctx := context.Background()
	dir := t.TempDir()
	o := GenerateOptions{Vendors: 4, Days: 2, End: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Seed: 9, Churn: 20}
	s := open(t, dir, Options{})
	if _, err := Generate(ctx, s, o); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open(t, dir, Options{Retention: 24 * time.Hour})
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := s.db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	w := newWorld(o)
	cut := w.at(w.rounds).Add(-24 * time.Hour).UnixMilli()
	before := count(`SELECT count(*) FROM chain WHERE at < ?`, cut)
	if before < 5*pruneBatch {
		t.Fatalf("%d links past the retention: too few to see batches", before)
	}
	commits := 0
	for r := w.rounds; ; r++ {
		links := count(`SELECT count(*) FROM chain`)
		findings := count(`SELECT count(*) FROM findings`)
		if _, err := s.Commit(ctx, Check{Snapshot: w.snapshot(r)}, correlate.Assess); err != nil {
			t.Fatal(err)
		}
		commits++
		if gone := links - count(`SELECT count(*) FROM chain`); gone > pruneBatch {
			t.Fatalf("one commit deleted %d links, more than a batch of %d", gone, pruneBatch)
		}
		if gone := findings - count(`SELECT count(*) FROM findings`); gone > pruneBatch {
			t.Fatalf("one commit deleted %d findings", gone)
		}
		if !s.pruneBacklog {
			break
		}
		if commits > before {
			t.Fatal("the backlog never ends")
		}
	}
	if commits < before/pruneBatch {
		t.Errorf("%d commits trimmed %d links: the batches were not bounded", commits, before)
	}
	first := count(`SELECT min(seq) FROM chain WHERE at >= ?`, cut)
	if n := count(`SELECT count(*) FROM chain WHERE seq < ?`, first); n != 0 {
		t.Errorf("%d links before the first within the retention are left", n)
	}
	if n := count(`SELECT count(*) FROM evidence e WHERE NOT EXISTS (SELECT 1 FROM chain c WHERE c.tbl = 'evidence' AND c.row = e.id)`); n != 0 {
		t.Errorf("%d evidence rows left without their link", n)
	}
	if n := count(`SELECT count(*) FROM evidence_runs r WHERE NOT EXISTS (SELECT 1 FROM evidence e WHERE e.id = r.row)`); n != 0 {
		t.Errorf("%d runs left without their row", n)
	}
	if n := count(`SELECT count(*) FROM findings WHERE closed_at < ?`, cut); n != 0 {
		t.Errorf("%d findings closed past the retention left", n)
	}
	if c, err := s.VerifyChain(ctx, 0, 0); err != nil || !c.Intact {
		t.Errorf("the chain after pruning: %+v, %v", c, err)
	}
}

// A new process prunes once an hour, as a long-running one does: it reads
// when any process last pruned, and prunes at once only when that was an
// hour ago, left a backlog, or applied another retention.
func TestNewProcessPrunesHourly(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	commitIn := func(o Options, at time.Time) int {
		t.Helper()
		s := open(t, dir, o)
		commitFleet(t, s, quietFleet(5, at, true))
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		return s.prunes
	}
	for _, c := range []struct {
		what   string
		o      Options
		at     time.Time
		prunes int
	}{
		{"the first process", Options{}, t0, 1},
		{"a process a minute later", Options{}, t0.Add(time.Minute), 0},
		{"a process 59 minutes later", Options{}, t0.Add(59 * time.Minute), 0},
		{"a process an hour later", Options{}, t0.Add(61 * time.Minute), 1},
		{"a process with another retention", Options{Retention: 48 * time.Hour}, t0.Add(62 * time.Minute), 1},
		{"the next with it", Options{Retention: 48 * time.Hour}, t0.Add(63 * time.Minute), 0},
	} {
		if n := commitIn(c.o, c.at); n != c.prunes {
			t.Errorf("%s pruned %d times, want %d", c.what, n, c.prunes)
		}
	}
}
