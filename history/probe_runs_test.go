package history

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// expandRuns turns runs back into their probes, as Probes gives them.
func expandRuns(rs []ProbeRun, since, until time.Time) []ProbeRow {
	var rows []ProbeRow
	for _, r := range rs {
		rows = append(rows, ProbeRow{At: r.At, Vendor: r.Vendor, Key: r.Key, Result: r.Result, NotProbed: r.NotProbed, last: r.Last, count: r.Count})
	}
	return lastBefore(expandProbes(rows, until.UnixMilli()), since.UnixMilli())
}

func probeLines(ps []ProbeRow) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = fmt.Sprintf("%s %s/%s %s %v", p.At.Format(time.RFC3339), p.Vendor, p.Key, p.Result, p.NotProbed)
	}
	return out
}

// TestProbeRunsAcrossSchemas checks that the runs a report reads stand for
// exactly the probes of the window, from a schema-7 database, from a
// schema-6 one read as it is (a read-only report does not migrate), and
// from the same one migrated, probe rows from before schema 6 included.
func TestProbeRunsAcrossSchemas(t *testing.T) {
	ctx := context.Background()
	end := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	s := open(t, dir, Options{})
	if _, err := Generate(ctx, s, GenerateOptions{Vendors: 4, Days: 2, End: end, Seed: 3, Churn: 20}); err != nil {
		t.Fatal(err)
	}
	q := Query{Since: end.Add(-20 * time.Hour), Until: end.Add(-time.Hour)}
	want, err := s.ProbeRuns(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	probes, err := s.Probes(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || len(want)*20 > len(probes) {
		t.Fatalf("%d runs for %d probes: the runs do not roll the probes up", len(want), len(probes))
	}
	if got := probeLines(expandRuns(want, q.Since, q.Until)); !slices.Equal(got, probeLines(probes)) {
		t.Fatalf("the runs expand to %d probes, Probes gives %d", len(got), len(probes))
	}
	failed := 0
	for _, r := range want {
		if r.Result.Failed() {
			failed++
		}
	}
	if failed == 0 {
		t.Fatal("no failing run in the window: the churn is too thin to tell results apart")
	}

	// The same database as schema 6 left it, some probe rows from before
	// schema 6 (no run) among them.
	for _, stmt := range []string{
		`DROP INDEX evidence_runs_first`,
		`ALTER TABLE evidence_runs DROP COLUMN first_at`,
		`ALTER TABLE evidence_runs DROP COLUMN result`,
		`ALTER TABLE evidence_runs DROP COLUMN not_probed`,
		`UPDATE schema_version SET version = 6`,
	} {
		if _, err := s.db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	res, err := s.db.Exec(`DELETE FROM evidence_runs WHERE row IN (SELECT row FROM evidence_runs WHERE kind = 'probe' AND count = 1)`)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := res.RowsAffected()
	if old == 0 {
		t.Fatal("no probe row stands for one probe: none can play a row from before schema 6")
	}
	s.Close()
	ro, err := OpenReadOnly(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ro.ProbeRuns(ctx, q)
	ro.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(probeLines(expandRuns(got, q.Since, q.Until)), probeLines(probes)) {
		t.Errorf("a schema-6 database read as it is: %d runs, want the probes of %d", len(got), len(want))
	}
	s = open(t, dir, Options{})
	var v, backfilled int
	if err := s.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion {
		t.Fatalf("schema %d after migrating (%v), want %d", v, err, SchemaVersion)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM evidence_runs WHERE sum = X''`).Scan(&backfilled); err != nil || int64(backfilled) != old {
		t.Errorf("%d probe rows from before schema 6 got a run of one (%v), want %d", backfilled, err, old)
	}
	got, err = s.ProbeRuns(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("after migrating to schema 7: %d runs, want %d as written at schema 7", len(got), len(want))
	}
}

// TestObservationSum checks that a probe's and a status page's sums tell
// apart what stableSum tells apart, and only that.
func TestObservationSum(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	base := observe.KeyResult{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultOK, HTTPStatus: 200, RequestID: "req_1",
		RequestIDFrom: "x-request-id", LatencyMS: 120, CheckedAt: t0, Consecutive: 3, Holders: []observe.Holder{{Kind: "service", Name: "api"}}}
	page := StatusSeen{CheckedAt: t0, State: observe.Degraded, Incidents: []StatusIncident{{ID: "a", Title: "Errors", Status: "investigating"}}}
	for _, tt := range []struct {
		name string
		a, b any
	}{
		{"probe times and streaks", base, func() any {
			k := base
			k.RequestID, k.LatencyMS, k.CheckedAt, k.Consecutive = "req_2", 300, t0.Add(time.Minute), 4
			return k
		}()},
		{"probe result", base, func() any { k := base; k.Result, k.HTTPStatus = observe.ResultVendorError, 503; return k }()},
		{"probe fingerprint", base, func() any { k := base; k.Fingerprint = "sk-proj-…AAAA"; return k }()},
		{"probe since", base, func() any { k := base; k.Since = t0; return k }()},
		{"page time", page, func() any { p := page; p.CheckedAt = t0.Add(time.Minute); return p }()},
		{"page incident", page, func() any {
			p := page
			p.Incidents = []StatusIncident{{ID: "a", Title: "Errors", Status: "identified"}}
			return p
		}()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ab, _ := json.Marshal(tt.a)
			bb, _ := json.Marshal(tt.b)
			sa, _ := observationSum(tt.a, ab)
			sb, _ := observationSum(tt.b, bb)
			if same, want := sa == sb, stableSum(ab) == stableSum(bb); same != want {
				t.Errorf("observationSum says same %v, stableSum %v", same, want)
			}
		})
	}
}
