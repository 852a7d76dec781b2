package history

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// chained records n probe rows of openai/prod in one transaction each.
func chained(t *testing.T, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 5, 21, 10, 57+i, 0, 0, time.UTC)
		k := observe.KeyResult{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultInvalidKey, HTTPStatus: 401, RequestID: "req_" + string(rune('a'+i)), CheckedAt: at}
		if err := s.addEvidence(ctx, tx, at, "openai", "prod", EvidenceProbe, k); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestChainFindsEveryKindOfTampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name   string
		tamper string
		seq    int64
		reason string
	}{
		{"nothing", "", 0, ""},
		{"a row's content changed", `UPDATE evidence SET body = replace(body, 'invalid_key', 'ok') WHERE id = 3`, 3, BreakChanged},
		{"a row's time changed", `UPDATE evidence SET at = at + 1 WHERE id = 2`, 2, BreakChanged},
		{"a row deleted", `DELETE FROM evidence WHERE id = 4`, 4, BreakMissing},
		{"a link deleted", `DELETE FROM chain WHERE seq = 3`, 4, BreakLink},
		// The forger recomputes the edited row's hash: the next link
		// still names the old one.
		{"a row and its link rewritten", `UPDATE evidence SET body = '{}' WHERE id = 2`, 3, BreakLink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := open(t, t.TempDir(), Options{})
			chained(t, s, 5)
			if tt.tamper != "" {
				if _, err := s.db.Exec(tt.tamper); err != nil {
					t.Fatal(err)
				}
			}
			if tt.name == "a row and its link rewritten" {
				content, err := canonical(ctx, s.db, tableEvidence, 2)
				if err != nil {
					t.Fatal(err)
				}
				var prev string
				_ = s.db.QueryRow(`SELECT prev FROM chain WHERE seq = 2`).Scan(&prev)
				if _, err := s.db.Exec(`UPDATE chain SET hash = ? WHERE seq = 2`, linkHash(prev, content)); err != nil {
					t.Fatal(err)
				}
			}
			c, err := s.VerifyChain(ctx, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			if tt.reason == "" {
				if !c.Intact || c.Links != 5 || c.First.Prev != "" || c.Last.Seq != 5 {
					t.Errorf("an untouched chain = %+v", c)
				}
				return
			}
			if c.Intact || c.Break == nil || c.Break.Link.Seq != tt.seq || c.Break.Reason != tt.reason {
				t.Errorf("chain = %+v (break %+v), want broken at #%d: %s", c, c.Break, tt.seq, tt.reason)
			}
		})
	}
}

// A schema-2 history migrates: its rows stay, unchained, the chain starts
// at the migration, and the next rows are chained.
func TestChainStartsAtTheMigration(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrations[0], migrations[1], `CREATE TABLE schema_version (version INTEGER NOT NULL)`, `INSERT INTO schema_version VALUES (2)`,
		`INSERT INTO events (at, vendor, vendor_name, kind, subject, severity, text, detail, url) VALUES (1, 'openai', 'OpenAI', 'vendor_state', '', '', 'Status page: operational → degraded', '', '')`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	before := time.Now().Add(-time.Second)
	s := open(t, dir, Options{})
	started, err := s.ChainStarted(context.Background())
	if err != nil || started.Before(before) || started.After(time.Now().Add(time.Second)) {
		t.Errorf("chain started %s (%v), want the migration's time", started, err)
	}
	links, err := s.EventLinks(context.Background(), []int64{1})
	if err != nil || len(links) != 0 {
		t.Errorf("the old event has links %v (%v)", links, err)
	}
	chained(t, s, 2)
	if c, err := s.VerifyChain(context.Background(), 1, 0); err != nil || !c.Intact || c.Links != 2 {
		t.Errorf("chain after the migration = %+v, %v", c, err)
	}
}
