package history

import (
	"context"
	"os"
	"testing"
	"time"
)

// BenchmarkGeneratedHistory measures what report and report --sla read,
// over a generated history (Generate) of 40 vendors checked every minute
// for 14 days: the 24-hour timeline and findings, the month's probes as
// runs (what --sla reads) beside the same probes expanded one by one (what
// it read before schema 7), and the checks a report runs first. The
// 90-day, 200-vendor figures come from the built binary over
// `vwbench history` (docs/history.md):
//
//	go test ./history -run '^$' -bench GeneratedHistory -benchtime 3x
func BenchmarkGeneratedHistory(b *testing.B) {
	ctx := context.Background()
	end := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	s, err := Open(ctx, b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := Generate(ctx, s, GenerateOptions{Vendors: 40, Days: 14, End: end, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(s.Path())
	day := Query{Since: end.Add(-24 * time.Hour), Until: end}
	month := Query{Since: end.Add(-30 * 24 * time.Hour), Until: end}
	for _, c := range []struct {
		name string
		read func() (int, error)
	}{
		{"timeline-24h", func() (int, error) { evs, err := s.Timeline(ctx, day); return len(evs), err }},
		{"findings-24h", func() (int, error) { fs, err := s.Findings(ctx, day); return len(fs), err }},
		{"probe-runs-30d", func() (int, error) { rs, err := s.ProbeRuns(ctx, month); return len(rs), err }},
		{"probes-expanded-30d", func() (int, error) { ps, err := s.Probes(ctx, month); return len(ps), err }},
		{"check-read", func() (int, error) { return 0, s.CheckRead(ctx) }},
		{"check-whole", func() (int, error) { return 0, s.Check(ctx) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				if n, err = c.read(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "rows")
			b.ReportMetric(float64(fi.Size())/1e6, "MB")
		})
	}
}
