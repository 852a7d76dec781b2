package main

import (
	"flag"
	"testing"
	"time"
)

// The scaling curve runs on the published network (200 ms round trips,
// no think time, a quarter of the hosts HTTP/1.1 only) unless a flag says
// otherwise; a flag given, even at vwbench's general default, is kept.
func TestCurveNetworkKeepsWhatTheCommandLineSays(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		latency time.Duration
		rtt     time.Duration
		h1      float64
	}{
		{nil, 0, 200 * time.Millisecond, 0.25},
		{[]string{"-rtt", "0", "-latency", "200ms"}, 200 * time.Millisecond, 0, 0.25},
		{[]string{"-h1", "0"}, 0, 200 * time.Millisecond, 0},
		{[]string{"-latency", "200ms"}, 200 * time.Millisecond, 200 * time.Millisecond, 0.25},
	} {
		fs := flag.NewFlagSet("vwbench", flag.ContinueOnError)
		latency := fs.Duration("latency", 200*time.Millisecond, "")
		rtt := fs.Duration("rtt", 0, "")
		h1 := fs.Float64("h1", 0, "")
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		curveNetwork(fs, latency, rtt, h1)
		if *latency != tc.latency || *rtt != tc.rtt || *h1 != tc.h1 {
			t.Errorf("%q: -latency %s -rtt %s -h1 %g, want %s %s %g", tc.args, *latency, *rtt, *h1, tc.latency, tc.rtt, tc.h1)
		}
	}
}
