package serve

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/monitor"
)

// discard is a ResponseWriter that keeps nothing of the body, as a
// network connection does not: what a request allocates is the server's.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// scrapeOnce sends one request through h, as a scraper accepting gzip.
func scrapeOnce(h http.Handler, req *http.Request) {
	h.ServeHTTP(&discard{h: http.Header{}}, req)
}

func scrapeRequest(path string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+goodToken)
	return req
}

// A scrape sends bytes rendered ahead: what it allocates does not grow
// with the report (2 vendors or 200) — before, every scrape rendered the
// whole report, its gzip and, for the snapshot, its JSON.
func TestScrapeCostDoesNotGrowWithTheReport(t *testing.T) {
	for _, path := range []string{"/metrics", "/api/v1/snapshot"} {
		allocs := map[int]float64{}
		for _, n := range []int{2, 200} {
			s := New(Options{Token: goodToken})
			s.liveTTL = time.Hour
			s.Update(monitor.Update{Report: manyReport(n, "12:45")})
			h := s.Handler()
			req := scrapeRequest(path)
			scrapeOnce(h, req) // renders
			allocs[n] = testing.AllocsPerRun(50, func() { scrapeOnce(h, req) })
		}
		if allocs[200] > allocs[2]+2 || allocs[200] > 40 {
			t.Errorf("%s: %v allocations a scrape with 2 vendors, %v with 200", path, allocs[2], allocs[200])
		}
	}
}

// BenchmarkScrape scrapes a 200-vendor report with 1 to 200 concurrent
// clients. allocs/op and B/op stay the same at every level: the bodies
// are rendered once, and a scrape only sends them.
//
//	go test ./serve -run '^$' -bench Scrape -benchmem
func BenchmarkScrape(b *testing.B) {
	s := New(Options{Token: goodToken})
	s.liveTTL = time.Hour
	s.Update(monitor.Update{Report: manyReport(200, "12:45")})
	h := s.Handler()
	for _, path := range []string{"/metrics", "/api/v1/snapshot"} {
		scrapeOnce(h, scrapeRequest(path))
		for _, clients := range []int{1, 10, 50, 200} {
			b.Run(fmt.Sprintf("%s/clients=%d", path, clients), func(b *testing.B) {
				b.ReportAllocs()
				var left atomic.Int64
				left.Store(int64(b.N))
				var wg sync.WaitGroup
				b.ResetTimer()
				for range clients {
					wg.Go(func() {
						req := scrapeRequest(path)
						for left.Add(-1) >= 0 {
							scrapeOnce(h, req)
						}
					})
				}
				wg.Wait()
			})
		}
	}
}

// BenchmarkRender is what one report costs to render: the snapshot's
// JSON, the metrics, both redacted and gzipped. It is paid once per
// report, whatever the number of scrapers.
//
//	go test ./serve -run '^$' -bench Render -benchmem
func BenchmarkRender(b *testing.B) {
	reps := []correlate.Report{manyReport(200, "12:45"), manyReport(200, "12:46")}
	s := New(Options{})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Update(monitor.Update{Report: reps[i%2]})
		snap, err := s.snapshotBody()
		if err != nil {
			b.Fatal(err)
		}
		m, err := s.metricsBody()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(snap.join())), "snapshot-bytes")
		b.ReportMetric(float64(size(snap.gzipped())), "snapshot-gzip-bytes")
		b.ReportMetric(float64(len(m.join())), "metrics-bytes")
		b.ReportMetric(float64(size(m.gzipped())), "metrics-gzip-bytes")
	}
}
