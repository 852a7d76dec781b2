package statuspage

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// statuspageCorpus lists the Atlassian Statuspage API documents in
// testdata (the other formats are in corpus, formats_test.go).
var statuspageCorpus = []string{
	"anthropic__statuspage_summary_none.json",
	"anthropic__statuspage_summary_incident_investigating.json",
	"anthropic__statuspage_scheduled_maintenances.json",
	"openai__incidentio_v2_summary_operational_2026-09-24.json",
	"cloudflare__statuspage_incidents_unresolved_minor.json",
	"github__statuspage_status_none.json",
}

// BenchmarkParse reads every payload of the corpus in its format, one
// sub-benchmark per format and file, with its size (MB/s) and allocations:
//
//	go test ./statuspage -run '^$' -bench Parse -benchmem
//
// A long-running process (the dashboard, serve) pays them once per changed
// document: on a 304 it reuses the parsed model (providers' parse memo). A
// new --once process pays them once per source, reading the stored
// document on a 304.
func BenchmarkParse(b *testing.B) {
	type payload struct {
		format Format
		file   string
	}
	var all []payload
	for _, f := range statuspageCorpus {
		all = append(all, payload{Statuspage, f})
	}
	for _, c := range corpus {
		all = append(all, payload{c.format, c.file})
	}
	slices.SortStableFunc(all, func(a, b payload) int { return strings.Compare(string(a.format), string(b.format)) })
	for _, p := range all {
		data, err := os.ReadFile(filepath.Join("testdata", p.file))
		if err != nil {
			b.Fatal(err)
		}
		name := strings.TrimSuffix(p.file, ".json")
		b.Run(string(p.format)+"/"+name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(p.format, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSniff recognises a format from the bytes, as autodetection
// does for every candidate URL.
func BenchmarkSniff(b *testing.B) {
	for _, file := range []string{"anthropic__statuspage_summary_none.json", "google-cloud__incidents.json", "github__statuspage_history.rss", "textexpander__statuspage_page_operational.html"} {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.TrimSuffix(file, filepath.Ext(file)), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				Sniff(data)
			}
		})
	}
}

// BenchmarkParseBig reads 8 MiB pages made from the recorded ones
// (bigpage_test.go): a Statuspage summary of Cloudflare-shaped components,
// one whose components have only the fields vendorwatch reads (the shape
// of the page of 95,000 components that was seen), and an Atlassian HTML
// page; the sub-benchmark's name says how many components each has. Each
// is cut to the default limits while it is read: B/op is all that the
// read allocates, nearly all of it garbage at once (the model kept has
// 2,000 components):
//
//	go test ./statuspage -run '^$' -bench ParseBig -benchmem
func BenchmarkParseBig(b *testing.B) {
	const size = 8 << 20
	pages := []struct {
		name   string
		format Format
		page   func(n int) []byte
	}{
		{"statuspage", Statuspage, func(n int) []byte { return bigSummary(b, n, false, 10, n-10) }},
		{"statuspage-compact", Statuspage, func(n int) []byte { return bigSummary(b, n, true, 10, n-10) }},
		{"html", HTML, func(n int) []byte { return bigHTML(b, n, 10, n-10) }},
	}
	for _, p := range pages {
		n := sizedFor(b, size, p.page)
		data := p.page(n)
		b.Run(fmt.Sprintf("%s/%dk-components", p.name, n/1000), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				st, err := Parse(p.format, data)
				if err != nil {
					b.Fatal(err)
				}
				if len(st.Components) != DefaultLimits.Components {
					b.Fatalf("%d components kept", len(st.Components))
				}
			}
		})
	}
}
