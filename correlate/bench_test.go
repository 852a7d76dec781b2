package correlate

import (
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// BenchmarkAssess200 assesses 200 vendors with two keys each, one in three
// in trouble, carrying the memory as the dashboard does; BenchmarkAssess5000
// the same at 5,000 vendors, where any lookup by id that walks every vendor
// shows:
//
//	go test -run '^$' -bench Assess -benchmem ./correlate
func BenchmarkAssess200(b *testing.B) { benchmarkAssess(b, 200) }

func BenchmarkAssess5000(b *testing.B) { benchmarkAssess(b, 5000) }

func benchmarkAssess(b *testing.B, n int) {
	vs := fleet(n)
	for i, v := range vs[1:] {
		v.dependsOn(fmt.Sprintf("v%04d", i))
	}
	snap := snapAt(at("12:00"), vs...)
	_, mem := Assess(snap, Memory{})
	b.ReportAllocs()
	for b.Loop() {
		Assess(snap, mem)
	}
}

// BenchmarkReportJSON200 encodes the report of 200 vendors as the snapshot
// does, lists filled (Report.MarshalJSON); BenchmarkReportJSON200Plain is
// the same encoding without it, for comparison:
//
//	go test -run '^$' -bench ReportJSON200 -benchmem ./correlate
func BenchmarkReportJSON200(b *testing.B) {
	rep := report200()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(rep); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReportJSON200Plain(b *testing.B) {
	type plain Report
	rep := plain(report200())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(rep); err != nil {
			b.Fatal(err)
		}
	}
}

// fleet is n vendors checked at 12:00, two keys each (prod, and a
// canary), prod failing at one in three.
func fleet(n int) []*vb {
	t1 := at("12:00")
	vs := make([]*vb, 0, n)
	for i := range n {
		v := vendorAt(fmt.Sprintf("v%04d", i), fmt.Sprintf("Vendor %d", i)).reach(observe.ResultReachable, 401, t1)
		r := observe.ResultOK
		if i%3 == 0 {
			r = observe.ResultInvalidKey
		}
		v.key("prod", false, r, 401, "invalid_api_key", t1).key("canary", true, observe.ResultOK, 200, "", t1)
		vs = append(vs, v)
	}
	return vs
}

// reportN is the assessed report of fleet(n).
func reportN(n int) Report {
	rep, _ := Assess(snapAt(at("12:00"), fleet(n)...), Memory{})
	return rep
}

// report200 is the assessed report of 200 vendors, two keys each, one in
// three in trouble.
func report200() Report { return reportN(200) }

// BenchmarkReportWriteJSON5000 encodes a report of 5,000 vendors, as every
// check of them does twice (the stored report and stdout):
//
//	go test -run '^$' -bench ReportWriteJSON -benchmem ./correlate
func BenchmarkReportWriteJSON5000(b *testing.B) {
	rep := reportN(5000)
	for b.Loop() {
		if err := rep.WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
