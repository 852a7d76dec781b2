package history

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/zstdpack"
	"github.com/vendorwatch/vendorwatch/observe"
)

// storedState is the JSON of the stored state row name, unpacked.
func storedState(t *testing.T, s *Store, name string) []byte {
	t.Helper()
	var raw []byte
	if err := s.db.QueryRow(`SELECT value FROM state WHERE name = ?`, name).Scan(&raw); err != nil {
		t.Fatalf("reading the stored %s: %v", name, err)
	}
	v, err := unpackState(raw)
	if err != nil {
		t.Fatalf("the stored %s: %v", name, err)
	}
	return v
}

// rawState is the stored state row name as it is in the file.
func rawState(t *testing.T, s *Store, name string) []byte {
	t.Helper()
	var raw []byte
	if err := s.db.QueryRow(`SELECT value FROM state WHERE name = ?`, name).Scan(&raw); err != nil {
		t.Fatalf("reading the stored %s: %v", name, err)
	}
	return raw
}

// A report larger than packAbove is stored as one zstd frame, a fraction
// of its JSON, and reads back whole: Load gives the report the snapshot
// file holds, and the next commit merges with it. Rows under packAbove
// stay text.
func TestLargeStateRowsArePacked(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir(), Options{})
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	commitFleet(t, s, quietFleet(200, t0, true))

	raw, plain := rawState(t, s, stateReport), storedState(t, s, stateReport)
	if !zstdpack.Is(raw) || len(raw)*4 > len(plain) {
		t.Fatalf("the stored report is %d bytes for %d of JSON (packed: %v); want a zstd frame a quarter of it or less", len(raw), len(plain), zstdpack.Is(raw))
	}
	if sums := rawState(t, s, stateSums); zstdpack.Is(sums) || !bytes.HasPrefix(sums, []byte(sumsVersion)) {
		t.Errorf("the sums row is %q, want it as text", sums[:min(len(sums), 8)])
	}
	snap, err := os.ReadFile(s.SnapshotPath())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, snap) {
		t.Error("the stored report, unpacked, is not the snapshot file's JSON")
	}

	// A new process reads the packed rows: the whole report, and the seed.
	s.Close()
	s = open(t, filepath.Dir(s.SnapshotPath()), Options{})
	st, err := s.Load(ctx)
	if err != nil || st.Report == nil || len(st.Report.Vendors) != 200 {
		t.Fatalf("Load of the packed report: %v vendors, %v", st.Report != nil, err)
	}
	var want correlate.Report
	if err := json.Unmarshal(snap, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*st.Report, want) {
		t.Error("the packed report loads differently from the snapshot file")
	}
	seed, err := s.LoadSeed(ctx)
	if err != nil || seed.Report == nil || len(seed.Report.Vendors) != 200 {
		t.Fatalf("LoadSeed of the packed seed row: %v", err)
	}
	// A subset check merges with the packed report and keeps the rest.
	one := quietFleet(200, t0.Add(time.Minute), true)
	one.Vendors = one.Vendors[3:4]
	one.Vendors[0].Keys[0].Result, one.Vendors[0].Keys[0].HTTPStatus = observe.ResultInvalidKey, 401
	ids := make([]string, 200)
	for i, v := range quietFleet(200, t0, false).Vendors {
		ids[i] = v.ID
	}
	if _, err := s.Commit(ctx, Check{Snapshot: one, Configured: ids}, correlate.Assess); err != nil {
		t.Fatal(err)
	}
	st, err = s.Load(ctx)
	if err != nil || len(st.Report.Vendors) != 200 {
		t.Fatalf("after a subset check: %v", err)
	}
	for _, v := range st.Report.Vendors {
		if bad := v.Keys[0].Result == observe.ResultInvalidKey; bad != (v.ID == "vendor003") {
			t.Errorf("after a subset check, %s's key reads %s", v.ID, v.Keys[0].Result)
		}
	}
}

// A state dir written before rows were packed holds large rows as text:
// they load as before, and are packed when next written.
func TestUnpackedRowsStillLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir, Options{})
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	commitFleet(t, s, quietFleet(100, t0, true))
	want, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{stateMemory, stateBaseline, stateObserved, stateReport, stateSeed} {
		if _, err := s.db.Exec(`UPDATE state SET value = ? WHERE name = ?`, string(storedState(t, s, name)), name); err != nil {
			t.Fatal(err)
		}
	}
	if raw := rawState(t, s, stateReport); zstdpack.Is(raw) {
		t.Fatal("the report is still packed")
	}
	s.Close()
	s = open(t, dir, Options{})
	got, err := s.Load(ctx)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("the text rows load differently (%v)", err)
	}
	snap := quietFleet(100, t0.Add(time.Minute), true)
	snap.Vendors[7].Keys[0].Result, snap.Vendors[7].Keys[0].HTTPStatus = observe.ResultInvalidKey, 401
	if c := commitFleet(t, s, snap); len(c.Events) == 0 {
		t.Error("no event for the key that stopped working, after text rows")
	}
	if raw := rawState(t, s, stateReport); !zstdpack.Is(raw) {
		t.Error("the report written again is not packed")
	}
}

// A packed row whose frame is damaged is reported as damage, and the
// file is left as it is.
func TestDamagedPackedRowIsReported(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir, Options{})
	commitFleet(t, s, quietFleet(100, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), true))
	raw := rawState(t, s, stateReport)
	damaged := append(slices.Clone(raw[:len(raw)/2]), bytes.Repeat([]byte{0xff}, 64)...)
	if _, err := s.db.Exec(`UPDATE state SET value = ? WHERE name = ?`, damaged, stateReport); err != nil {
		t.Fatal(err)
	}
	_, err := s.Load(ctx)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "stored report is damaged") {
		t.Fatalf("Load of a damaged packed report: %v, want ErrCorrupt naming the report", err)
	}
	if got := rawState(t, s, stateReport); !bytes.Equal(got, damaged) {
		t.Error("the damaged row was changed")
	}
}
