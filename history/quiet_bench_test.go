package history

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// quietFleet is a check of n vendors at t in which nothing changed since
// the check before: every status page says the same, every vendor's one
// key answers ok. withKeys false leaves the keys out (status pages only).
func quietFleet(n int, t time.Time, withKeys bool) observe.Snapshot {
	vs := make([]observe.VendorResult, n)
	for i := range vs {
		id := fmt.Sprintf("vendor%03d", i)
		v := vendorResult(id, "Vendor "+strconv.Itoa(i), observe.Operational)
		v.Status.CheckedAt = t
		if withKeys {
			v.Keys = []observe.KeyResult{{Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultOK, HTTPStatus: 200, CheckedAt: t}}
		}
		vs[i] = v
	}
	return snapshot(t, vs...)
}

// writtenBytes is what this process has passed to write(2) so far
// (/proc/self/io wchar), or -1 where there is no /proc.
func writtenBytes() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "wchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return -1
}

// BenchmarkUnchangedRound commits rounds of 200 vendors in which nothing
// changed and reports the bytes written per round (write(2) calls of
// this process: the database, its WAL and the snapshot files):
//
//	go test ./history -run '^$' -bench UnchangedRound -benchtime 60x
func BenchmarkUnchangedRound(b *testing.B) {
	for _, keys := range []bool{false, true} {
		b.Run(fmt.Sprintf("200vendors/keys=%v", keys), func(b *testing.B) {
			s, err := Open(context.Background(), b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
			for i := 0; i < 2; i++ { // the first sight, then one change-free round
				if _, err := s.Commit(context.Background(), Check{Snapshot: quietFleet(200, t0.Add(time.Duration(i)*time.Minute), keys)}, correlate.Assess); err != nil {
					b.Fatal(err)
				}
			}
			w0 := writtenBytes()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				at := t0.Add(time.Duration(i+2) * time.Minute)
				if _, err := s.Commit(context.Background(), Check{Snapshot: quietFleet(200, at, keys)}, correlate.Assess); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if w0 >= 0 {
				b.ReportMetric(float64(writtenBytes()-w0)/float64(b.N)/1024, "KB-written/round")
			}
		})
	}
}
