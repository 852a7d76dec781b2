package correlate

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

// at is a time of the incident log's day (2026-05-21), in UTC.
var at = fixture.At

// vb builds a vendor result: an operational status page read from one
// source, no probes until added.
type vb struct{ v observe.VendorResult }

func vendorAt(id, name string) *vb {
	b := &vb{v: observe.VendorResult{ID: id, Name: name, Keys: []observe.KeyResult{}}}
	b.v.Status = observe.Status{State: observe.Operational, Description: "All Systems Operational", PageURL: "https://status." + id + ".test",
		Sources: []observe.Source{{URL: "https://status." + id + ".test/api/v2/summary.json", Format: "statuspage", OK: true, LatencyMS: 120}}}
	return b
}

func (b *vb) dependsOn(ids ...string) *vb { b.v.DependsOn = ids; return b }

func (b *vb) page(st observe.State, desc string, incidents ...observe.Incident) *vb {
	b.v.Status.State, b.v.Status.Description, b.v.Status.Incidents = st, desc, incidents
	return b
}

// pageDown makes the status source fail with errText.
func (b *vb) pageDown(errText string) *vb {
	b.v.Status.State, b.v.Status.Description = observe.Unknown, ""
	b.v.Status.Sources[0].OK, b.v.Status.Sources[0].Error = false, errText
	return b
}

func (b *vb) reach(r observe.Result, status int, t time.Time) *vb {
	b.v.Reachability = &observe.Reachability{Result: r, HTTPStatus: status, CheckedAt: t}
	return b
}

func (b *vb) key(name string, canary bool, r observe.Result, status int, code string, t time.Time) *vb {
	b.v.Keys = append(b.v.Keys, observe.KeyResult{Name: name, Fingerprint: "sk-proj-…" + strings.ToUpper(name[:1]) + "xYA", Canary: canary,
		Result: r, HTTPStatus: status, Code: code, CheckedAt: t})
	return b
}

func (b *vb) build() observe.VendorResult { return b.v }

func snapAt(t time.Time, vs ...*vb) observe.Snapshot {
	s := observe.Snapshot{GeneratedAt: t}
	for _, b := range vs {
		s.Vendors = append(s.Vendors, b.build())
	}
	return s
}

// incident is an open incident posted at t.
func incident(id, title, impact string, t time.Time) observe.Incident {
	return observe.Incident{ID: id, Title: title, Status: "investigating", Impact: impact, StartedAt: t, UpdatedAt: t,
		URL: "https://status.example.test/incident/" + id, LatestUpdate: "We are investigating.",
		Updates: []observe.Update{{Status: "investigating", Body: "We are investigating.", At: t}}}
}

// steps runs snapshots through Assess in order, carrying the memory, and
// returns every report.
func steps(snaps ...observe.Snapshot) ([]Report, Memory) {
	var mem Memory
	var out []Report
	for _, s := range snaps {
		var r Report
		r, mem = Assess(s, mem)
		out = append(out, r)
	}
	return out, mem
}

// kinds are the kinds of the open findings: those that count. Pending
// and closing ones are shown, not counted (allKinds lists them too).
func kinds(fs []Finding) []Kind {
	var ks []Kind
	for _, f := range fs {
		if f.Counts() {
			ks = append(ks, f.Kind)
		}
	}
	return ks
}

// allKinds are the kinds of every finding reported, whatever its state.
func allKinds(fs []Finding) []Kind {
	var ks []Kind
	for _, f := range fs {
		ks = append(ks, f.Kind)
	}
	return ks
}

func find(t *testing.T, r Report, kind Kind) Finding {
	t.Helper()
	i := slices.IndexFunc(r.Findings, func(f Finding) bool { return f.Kind == kind })
	if i < 0 {
		t.Fatalf("no %s finding; have %v", kind, allKinds(r.Findings))
	}
	return r.Findings[i]
}

// has reports whether an open finding of kind is reported.
func has(r Report, kind Kind) bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Kind == kind && f.Counts() })
}

func uniqueIDs(t *testing.T, r Report) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if f.ID == "" || seen[f.ID] {
			t.Errorf("finding ID %q empty or repeated in %v", f.ID, kinds(r.Findings))
		}
		seen[f.ID] = true
	}
}

// saved is mem as the next process reads it: through the JSON the history
// stores.
func saved(t *testing.T, mem Memory) Memory {
	t.Helper()
	b, err := json.Marshal(mem)
	if err != nil {
		t.Fatal(err)
	}
	var back Memory
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return back
}
