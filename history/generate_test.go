package history

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// TestGenerateMatchesCommit checks the generator against the real thing:
// the same churn committed round by round gives, row for row and link for
// link, the events, findings, evidence, runs and chain Generate writes
// with its quiet stretches counted in bulk.
func TestGenerateMatchesCommit(t *testing.T) {
	ctx := context.Background()
	o := GenerateOptions{Vendors: 3, Days: 1, End: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Seed: 7, Churn: 40}
	gen := open(t, t.TempDir(), Options{})
	st, err := Generate(ctx, gen, o)
	if err != nil {
		t.Fatal(err)
	}
	if st.Commits >= st.Rounds/2 {
		t.Fatalf("Generate committed %d of %d rounds: the quiet stretches were not counted in bulk", st.Commits, st.Rounds)
	}
	ref := open(t, t.TempDir(), Options{})
	w := newWorld(o)
	for r := range w.rounds {
		if _, err := ref.Commit(ctx, Check{Snapshot: w.snapshot(r)}, correlate.Assess); err != nil {
			t.Fatal(err)
		}
	}
	kinds := map[string]bool{}
	for _, tbl := range []struct{ name, query string }{
		{"events", `SELECT id, at, vendor, vendor_name, kind, subject, severity, text, detail, url FROM events ORDER BY id`},
		{"findings", `SELECT seq, id, kind, severity, worst, vendors, keys, title, detail, advice, since, lead_minutes, opened_at, coalesce(closed_at, -1) FROM findings ORDER BY seq`},
		{"evidence", `SELECT id, at, vendor, key, kind, body FROM evidence ORDER BY id`},
		{"evidence_runs", `SELECT row, vendor, key, kind, hex(sum), last_at, count, spacing, last_request FROM evidence_runs ORDER BY row`},
		{"chain", `SELECT seq, tbl, row, at, prev, hash FROM chain ORDER BY seq`},
	} {
		want, got := dump(t, ref.db, tbl.query), dump(t, gen.db, tbl.query)
		if len(want) == 0 {
			t.Errorf("%s: the reference history has none: the churn is too thin to compare", tbl.name)
		}
		for i := range max(len(want), len(got)) {
			var w, g string
			if i < len(want) {
				w = want[i]
			}
			if i < len(got) {
				g = got[i]
			}
			if w != g {
				t.Fatalf("%s row %d (of %d committed, %d generated):\ncommitted: %s\ngenerated: %s", tbl.name, i, len(want), len(got), w, g)
			}
		}
		if tbl.name == "events" {
			for _, row := range want {
				kinds[strings.Split(row, "|")[4]] = true
			}
		}
	}
	// The churn the generator promises shows in the events.
	for _, k := range []correlate.EventKind{correlate.EventVendorState, correlate.EventIncidentOpened, correlate.EventIncidentUpdated,
		correlate.EventIncidentResolved, correlate.EventKeyChanged, correlate.EventFindingOpened, correlate.EventFindingClosed} {
		if !kinds[string(k)] {
			t.Errorf("no %s event in a day of heavy churn; kinds seen: %v", k, kinds)
		}
	}
	if c, err := gen.VerifyChain(ctx, 0, 1<<62); err != nil || !c.Intact {
		t.Errorf("the generated chain: %+v, %v", c, err)
	}
}

// dump reads every row of a query as one line of its columns.
func dump(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
