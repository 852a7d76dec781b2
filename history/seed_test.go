package history

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// LoadSeed returns the stored report without the vendors' status pages
// and with everything else Load returns: keys and their streaks,
// reachability, levels, findings, the memory.
func TestLoadSeed(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	v := vendorResult("openai", "OpenAI", observe.MajorOutage)
	v.Status.Incidents = []observe.Incident{{ID: "inc1", Title: "Elevated errors", Status: "investigating"}}
	v.Reachability = &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, CheckedAt: at("10:00")}
	v.Keys = []observe.KeyResult{{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultInvalidKey, HTTPStatus: 401,
		CheckedAt: at("10:00"), Since: at("09:58"), Consecutive: 3}}
	assess(t, s, snapshot(at("10:00"), v))

	full, err := s.Load(context.Background())
	if err != nil || full.Report == nil {
		t.Fatalf("Load: %v", err)
	}
	seed, err := s.LoadSeed(context.Background())
	if err != nil || seed.Report == nil {
		t.Fatalf("LoadSeed: %v", err)
	}
	if len(seed.Report.Vendors) != 1 {
		t.Fatalf("seed has %d vendors", len(seed.Report.Vendors))
	}
	got := seed.Report.Vendors[0]
	if !reflect.DeepEqual(got.Status, observe.Status{}) {
		t.Errorf("seed kept the status page: %+v", got.Status)
	}
	want := full.Report.Vendors[0]
	want.Status = observe.Status{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("seed vendor = %+v\nwant %+v", got, want)
	}
	full.Report.Vendors, seed.Report.Vendors = nil, nil
	if !reflect.DeepEqual(seed.Report, full.Report) || !reflect.DeepEqual(seed.Memory, full.Memory) {
		t.Errorf("seed report or memory differ:\n%+v\n%+v", seed.Report, full.Report)
	}
	if len(full.Report.Findings) == 0 {
		t.Error("the scenario should have findings to compare")
	}
}

// With Options.Digest, every commit writes the line digest of the report
// it stored beside the snapshot, never older than it; without, none.
func TestCommitWritesLineDigest(t *testing.T) {
	for _, withDigest := range []bool{true, false} {
		dir := t.TempDir()
		var o Options
		if withDigest {
			o.Digest = func(r correlate.Report) ([]byte, error) {
				return []byte(fmt.Sprintf("%s %d vendors %d findings", r.Overall, len(r.Vendors), len(r.Findings))), nil
			}
		}
		s := open(t, dir, o)
		v := vendorResult("vapi", "VAPI", observe.MajorOutage)
		v.Status.Incidents = []observe.Incident{{ID: "inc1", Title: "API down", Status: "investigating"}}
		assess(t, s, snapshot(at("12:46"), v, vendorResult("github", "GitHub", observe.Operational)))
		b, err := os.ReadFile(filepath.Join(dir, statusline.DigestFile))
		if !withDigest {
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("no Digest option, yet a digest: %q, %v", b, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		st, _ := s.Load(context.Background())
		if want := fmt.Sprintf("%s 2 vendors %d findings", st.Report.Overall, len(st.Report.Findings)); string(b) != want || len(st.Report.Findings) == 0 {
			t.Errorf("digest = %q, want %q", b, want)
		}
		snap, _ := os.Stat(filepath.Join(dir, SnapshotFile))
		line, _ := os.Stat(filepath.Join(dir, statusline.DigestFile))
		if line.ModTime().Before(snap.ModTime()) {
			t.Error("the digest is older than the snapshot it was written after")
		}
	}
}

// LoadSeed reads the seed row written with the report, never the report:
// a report row it cannot decode does not stop it. The seed row is a small
// part of the report when the status pages carry their components.
func TestLoadSeedReadsTheSeedRow(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	v := vendorResult("openai", "OpenAI", observe.MajorOutage)
	for i := range 200 {
		v.Status.Components = append(v.Status.Components, observe.Component{Name: fmt.Sprintf("Component %d", i), State: observe.Operational})
	}
	v.Keys = []observe.KeyResult{{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultInvalidKey, CheckedAt: at("10:00"), Consecutive: 2}}
	assess(t, s, snapshot(at("10:00"), v))
	want, err := s.LoadSeed(context.Background())
	if err != nil || want.Report == nil {
		t.Fatalf("LoadSeed: %v", err)
	}
	seedLen, reportLen := len(storedState(t, s, stateSeed)), len(storedState(t, s, stateReport))
	if seedLen*4 > reportLen {
		t.Errorf("the seed row is %d bytes beside a report of %d: it should leave the pages out", seedLen, reportLen)
	}
	if _, err := s.db.Exec(`UPDATE state SET value = '{' WHERE name = ?`, stateReport); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadSeed(context.Background())
	if err != nil {
		t.Fatalf("LoadSeed read the report row: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadSeed = %+v\nwant %+v", got.Report, want.Report)
	}
	if _, err := s.Load(context.Background()); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Load over a damaged report = %v, want ErrCorrupt", err)
	}
}

// A seed row older than the stored memory was not written with the report
// (a vendorwatch from before the seed row committed since): LoadSeed reads
// the report then, never what the older seed row says.
func TestLoadSeedPassesOverAStaleSeed(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	v := vendorResult("openai", "OpenAI", observe.MajorOutage)
	v.Keys = []observe.KeyResult{{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultInvalidKey, CheckedAt: at("10:00"), Consecutive: 2}}
	assess(t, s, snapshot(at("10:00"), v))
	// The older vendorwatch's write: a state whose seed row is not its own.
	if _, err := s.db.Exec(`UPDATE state SET updated_at = 1, value = replace(value, '"invalid_key"', '"ok"') WHERE name = ?`, stateSeed); err != nil {
		t.Fatal(err)
	}
	st, err := s.LoadSeed(context.Background())
	if err != nil || st.Report == nil || len(st.Report.Vendors) != 1 || len(st.Report.Vendors[0].Keys) != 1 {
		t.Fatalf("LoadSeed = %+v, %v", st.Report, err)
	}
	if got := st.Report.Vendors[0].Keys[0].Result; got != observe.ResultInvalidKey {
		t.Errorf("the key's result = %s, want the report's invalid_key, not the stale seed's ok", got)
	}
	if !reflect.DeepEqual(st.Report.Vendors[0].Status, observe.Status{}) {
		t.Errorf("read from the report, the seed still leaves the page out: %+v", st.Report.Vendors[0].Status)
	}
}
