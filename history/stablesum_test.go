package history

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// stableSum is the sum of the document with its volatile members cut
// out, with the commas that joined them, at any depth, and of nothing
// else: a member that is absent and one whose time moved sum the same.
func TestStableSumCuts(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ doc, want string }{
		{`{"a":1}`, `{"a":1}`},
		{`{"a":1,"at":5}`, `{"a":1}`},
		{`{"at":5,"a":1}`, `{"a":1}`},
		{`{"at":5}`, `{}`},
		{`{"at":5,"seen":"x","a":1,"streak":{"at":[1,2]},"b":[{"latency_ms":3,"c":"at"}],"consecutive":null}`, `{"a":1,"b":[{"c":"at"}]}`},
		{`["at",{"x":{"y":{"checked_at":"2026-01-01T00:00:00Z","z":true}}}]`, `["at",{"x":{"y":{"z":true}}}]`},
		{`{"a\"t":1,"\u0061t":2}`, `{"a\"t":1}`},
		{` { "a" : 1 , "at" : 2 } `, ` { "a" : 1 } `},
		{`"at"`, `"at"`},
		{`[]`, `[]`},
	} {
		if got, want := stableSum([]byte(tt.doc)), sha256.Sum256([]byte(tt.want)); got != want {
			t.Errorf("stableSum(%s) is not the sum of %s", tt.doc, tt.want)
		}
	}
}

// A document that is not JSON is summed whole, never cut or half read.
func TestStableSumInvalid(t *testing.T) {
	t.Parallel()
	seen := map[[32]byte]string{}
	for _, doc := range []string{``, `{`, `{"at":1`, `{"at":1,}`, `{"a":1}x`, `[1,]`, `{"a" 1}`, `"open`, `{"at":"\`, `[[[[`, `{"a":1,"at":2`} {
		sum := stableSum([]byte(doc))
		if sum == sha256.Sum256([]byte(doc)) {
			t.Errorf("%q summed as if it were JSON", doc)
		}
		if other, dup := seen[sum]; dup {
			t.Errorf("%q and %q sum the same", doc, other)
		}
		seen[sum] = doc
	}
}

// Two reports of a fleet that did not change, checked a minute apart,
// sum the same; one vendor's state changing changes the sum.
func TestStableSumReports(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	first, mem := correlate.Assess(quietFleet(50, t0, true), correlate.Memory{})
	report := func(at time.Time, state observe.State) []byte {
		snap := quietFleet(50, at, true)
		snap.Vendors[7].Status.State = state
		rep, _ := correlate.Assess(snap, mem)
		b, err := reportJSON(rep, 0)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, err := reportJSON(first, 0)
	if err != nil {
		t.Fatal(err)
	}
	if stableSum(a) != stableSum(report(t0.Add(time.Minute), observe.Operational)) {
		t.Error("the same fleet a minute later sums differently")
	}
	if stableSum(a) == stableSum(report(t0.Add(time.Minute), observe.MajorOutage)) {
		t.Error("a vendor's outage left the sum as it was")
	}
}

// FuzzStableSum: any bytes are summed without a panic.
func FuzzStableSum(f *testing.F) {
	f.Add([]byte(`{"a":{"checked_at":"x","list":[{"at":1,"x":"y"}]}}`))
	f.Add([]byte(`{"at":1,"a":[1,{"seen":null}]}`))
	f.Fuzz(func(t *testing.T, b []byte) { stableSum(b) })
}

// BenchmarkStableSum sums a 1,000-vendor report, as a commit does twice:
//
//	go test -run '^$' -bench StableSum -benchmem ./history
func BenchmarkStableSum(b *testing.B) {
	snap := quietFleet(1000, time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC), true)
	rep, _ := correlate.Assess(snap, correlate.Memory{})
	doc, err := reportJSON(rep, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		stableSum(doc)
	}
}
