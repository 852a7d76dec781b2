package correlate

import (
	"fmt"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// BenchmarkAssess200 assesses 200 vendors with two keys each, one in three
// in trouble, carrying the memory as the dashboard does.
func BenchmarkAssess200(b *testing.B) {
	t1 := at("12:00")
	var vs []*vb
	for i := range 200 {
		v := vendorAt(fmt.Sprintf("v%03d", i), fmt.Sprintf("Vendor %d", i)).reach(observe.ResultReachable, 401, t1)
		r := observe.ResultOK
		if i%3 == 0 {
			r = observe.ResultInvalidKey
		}
		v.key("prod", false, r, 401, "invalid_api_key", t1).key("canary", true, observe.ResultOK, 200, "", t1)
		if i > 0 {
			v.dependsOn(fmt.Sprintf("v%03d", i-1))
		}
		vs = append(vs, v)
	}
	snap := snapAt(t1, vs...)
	_, mem := Assess(snap, Memory{})
	b.ReportAllocs()
	for b.Loop() {
		Assess(snap, mem)
	}
}
