package history

import (
	"context"
	"reflect"
	"testing"

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
