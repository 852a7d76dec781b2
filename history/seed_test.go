package history

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/providers"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// LoadSeed returns the stored report without the vendors' status pages
// and with everything else Load returns: keys and their streaks,
// reachability, levels, findings, the memory.
func TestLoadSeed(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	v := vendorResult("openai", "OpenAI", statuspage.MajorOutage)
	v.Status.Incidents = []statuspage.Incident{{ID: "inc1", Title: "Elevated errors", Status: "investigating"}}
	v.Reachability = &providers.Reachability{Result: providers.ResultReachable, HTTPStatus: 401, CheckedAt: at("10:00")}
	v.Keys = []providers.KeyResult{{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: providers.ResultInvalidKey, HTTPStatus: 401,
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
	if !reflect.DeepEqual(got.Status, statuspage.Status{}) {
		t.Errorf("seed kept the status page: %+v", got.Status)
	}
	want := full.Report.Vendors[0]
	want.Status = statuspage.Status{}
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

// Every commit writes the line digest beside the snapshot: the report's
// level, vendors and findings, none of the status pages.
func TestCommitWritesLineDigest(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	v := vendorResult("vapi", "VAPI", statuspage.MajorOutage)
	v.Status.Incidents = []statuspage.Incident{{ID: "inc1", Title: "API down", Status: "investigating"}}
	assess(t, s, snapshot(at("12:46"), v, vendorResult("github", "GitHub", statuspage.Operational)))
	b, err := os.ReadFile(filepath.Join(dir, LineFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SchemaVersion int       `json:"schema_version"`
		GeneratedAt   time.Time `json:"generated_at"`
		Overall       string    `json:"overall"`
		Vendors       []struct{ ID, Name, Level string }
		Findings      []struct {
			Kind, Severity string
			Vendors        []string
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	st, _ := s.Load(context.Background())
	if doc.SchemaVersion != 1 || !doc.GeneratedAt.Equal(st.Report.GeneratedAt) || doc.Overall != string(st.Report.Overall) ||
		len(doc.Vendors) != 2 || doc.Vendors[0].Name != "VAPI" || doc.Vendors[0].Level != string(st.Report.Vendors[0].Level) ||
		len(doc.Findings) != len(st.Report.Findings) || len(doc.Findings) == 0 || doc.Findings[0].Vendors[0] != "vapi" {
		t.Errorf("digest = %s\nreport = %+v", b, st.Report)
	}
	if strings.Contains(string(b), "API down") || strings.Contains(string(b), `"status":`) {
		t.Errorf("the digest carries status pages: %s", b)
	}
	snap, _ := os.Stat(filepath.Join(dir, SnapshotFile))
	line, _ := os.Stat(filepath.Join(dir, LineFile))
	if line.ModTime().Before(snap.ModTime()) {
		t.Error("the digest is older than the snapshot it was written after")
	}
}
