package history

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/zstdpack"
	"github.com/vendorwatch/vendorwatch/observe"
)

// maxFuzzMemory caps a fuzzed memory: a real one is a few kilobytes.
const maxFuzzMemory = 64 << 10

// memoryScenario is the incident log of DESIGN §1 as the store sees it:
// OpenAI's key rejected from 10:57, VAPI down from 12:35 and saying so at
// 12:45, and a check with our own network gone.
func memoryScenario() []observe.Snapshot {
	openai := func(tm time.Time, r observe.Result, n int) observe.VendorResult {
		v := vendorResult("openai", "OpenAI", observe.Operational)
		v.Reachability = &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, CheckedAt: tm}
		v.Keys = []observe.KeyResult{{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: r, HTTPStatus: 401, CheckedAt: tm, Since: at("10:57"), Consecutive: n}}
		return v
	}
	vapi := func(tm time.Time, st observe.State, reach observe.Result) observe.VendorResult {
		v := vendorResult("vapi", "VAPI", st)
		v.DependsOn = []string{"openai"}
		v.Reachability = &observe.Reachability{Result: reach, CheckedAt: tm}
		return v
	}
	var out []observe.Snapshot
	for i, step := range []struct {
		hhmm  string
		key   observe.Result
		state observe.State
		reach observe.Result
	}{
		{"10:50", observe.ResultOK, observe.Operational, observe.ResultReachable},
		{"10:57", observe.ResultInvalidKey, observe.Operational, observe.ResultReachable},
		{"10:58", observe.ResultInvalidKey, observe.Operational, observe.ResultReachable},
		{"12:35", observe.ResultOK, observe.Operational, observe.ResultVendorError},
		{"12:36", observe.ResultOK, observe.Operational, observe.ResultVendorError},
		{"12:45", observe.ResultOK, observe.MajorOutage, observe.ResultVendorError},
		{"12:46", observe.ResultNetworkError, observe.Unknown, observe.ResultNetworkError},
	} {
		tm := at(step.hhmm)
		out = append(out, snapshot(tm, openai(tm, step.key, i), vapi(tm, step.state, step.reach)))
	}
	return out
}

// memoryRow reads the stored memory as it is in the database.
func memoryRow(t testing.TB, s *Store) string {
	t.Helper()
	var v string
	if err := s.db.QueryRow(`SELECT value FROM state WHERE name = ?`, stateMemory).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// FuzzStoredMemory puts a fuzzed memory in the database, as a damaged or
// hand-edited file would hold it, and commits a check on top. Memory that
// is not JSON is reported as damage (ErrCorrupt) and left as it is, never
// reset; memory that is, however odd, gets assessed without a panic, and
// the commit leaves a memory that loads again, so the store never wedges.
func FuzzStoredMemory(f *testing.F) {
	ctx := context.Background()
	s, err := Open(ctx, f.TempDir(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	steps := memoryScenario()
	for _, snap := range steps {
		if _, err := s.Commit(ctx, Check{Snapshot: snap}, correlate.Assess); err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(memoryRow(f, s)))
	}
	for _, m := range []string{``, `null`, `[]`, `"memory"`, `{"at":`, `{}`, `{"vendors":null,"open":null}`,
		`{"at":"9999-12-31T23:59:59Z","vendors":{"openai":{"probe_at":"9999-12-31T23:59:59Z","probe_gap":9223372036854775807,"fail_streak":-1}}}`,
		`{"vendors":{"openai":{"keys":{"prod":{"result":"invalid_key","streak":-9223372036854775808,"since":"0001-01-01T00:00:00Z"}},"unreported":{"first_failure":"2026-05-21T12:35:00Z","flagged":"0001-01-01T00:00:00Z"}}}}`,
		`{"open":{"":{},"key_revoked:openai:prod":{"kind":"key_revoked","severity":"bogus","vendors":["nobody"],"keys":[null],"opened":"2026-05-21T10:57:00Z","state":"closing"}}}`,
		`{"inventory":{"openai":{"gone":[{"id":"k","noticed_at":"0001-01-01T00:00:00Z"}]},"":null}}`,
	} {
		f.Add([]byte(m))
	}
	// Packed rows (statecodec.go): a memory as a large one is stored, and
	// a frame cut short.
	packed := zstdpack.Append(nil, []byte(memoryRow(f, s)))
	f.Add(packed)
	f.Add(packed[:len(packed)/2])
	next := steps[len(steps)-1].GeneratedAt
	f.Fuzz(func(t *testing.T, mem []byte) {
		if len(mem) > maxFuzzMemory {
			return
		}
		// A fresh state each time: the fuzzed memory, and no report or
		// observations that would make the check look old.
		if _, err := s.db.Exec(`DELETE FROM state`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.Exec(`INSERT INTO state (name, value, updated_at) VALUES (?, ?, 0)`, stateMemory, string(mem)); err != nil {
			t.Fatal(err)
		}
		stored := memoryRow(t, s)
		_, err := s.Load(ctx)
		plain, uerr := unpackState([]byte(stored))
		valid := uerr == nil && json.Unmarshal(plain, new(correlate.Memory)) == nil
		if !valid {
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "memory") {
				t.Fatalf("a memory that is neither JSON nor a packed one loads with %v", err)
			}
			if _, err := s.Commit(ctx, Check{Snapshot: steps[1]}, correlate.Assess); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("a commit over a damaged memory: %v", err)
			}
			if got := memoryRow(t, s); got != stored {
				t.Fatalf("the damaged memory was replaced by %q", got)
			}
			return
		}
		if err != nil {
			t.Fatalf("a memory that is JSON does not load: %v", err)
		}
		next = next.Add(time.Minute)
		for _, snap := range []observe.Snapshot{steps[1], steps[5]} {
			snap.GeneratedAt = next
			c, err := s.Commit(ctx, Check{Snapshot: snap}, correlate.Assess)
			if err != nil {
				t.Fatalf("commit over the stored memory: %v", err)
			}
			if c.Report.Overall == "" || c.Report.Verdict.Word == "" {
				t.Fatalf("commit made a report without a level or verdict: %+v", c.Report)
			}
			if _, err := s.Load(ctx); err != nil {
				t.Fatalf("the memory a commit stored does not load: %v", err)
			}
			next = next.Add(time.Minute)
		}
	})
}
