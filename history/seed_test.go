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
