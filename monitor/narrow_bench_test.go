package monitor

import (
	"fmt"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// BenchmarkNarrow5000 is what every check of 5,000 vendors pays to learn
// that its report needs no cutting down (no --only): one pass over a set.
//
//	go test ./monitor -run '^$' -bench Narrow -benchmem
func BenchmarkNarrow5000(b *testing.B) {
	var rep correlate.Report
	var snap observe.Snapshot
	for i := range 5000 {
		id := fmt.Sprintf("vendor-%d", i)
		rep.Vendors = append(rep.Vendors, correlate.VendorReport{VendorResult: observe.VendorResult{ID: id}})
		snap.Vendors = append(snap.Vendors, observe.VendorResult{ID: id})
	}
	for b.Loop() {
		if got := narrow(rep, snap); len(got.Vendors) != 5000 {
			b.Fatalf("narrowed to %d vendors", len(got.Vendors))
		}
	}
}
