package statusread

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// benchModels are the models of vwbench's format mix, one per source.
func benchModels(b *testing.B) []*observe.Status {
	b.Helper()
	var out []*observe.Status
	for _, f := range []struct {
		file   string
		format statuspage.Format
	}{
		{"anthropic__statuspage_summary_none.json", statuspage.Statuspage},
		{"anthropic__statuspage_summary_incident_investigating.json", statuspage.Statuspage},
		{"openai__incidentio_v2_summary_operational_2026-09-24.json", statuspage.Statuspage},
		{"latitude__betterstack_index_operational_trimmed.json", statuspage.BetterStack},
		{"github__statuspage_history.atom", statuspage.Feed},
		{"gitlab__statusio_status_operational_2023-06-29.json", statuspage.StatusIO},
		{"vapi__betterstack_index_outage_2026-05-21_reconstructed.json", statuspage.BetterStack},
		{"slack__current_active_docs_example.json", statuspage.Slack},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", f.file))
		if err != nil {
			b.Fatal(err)
		}
		st, err := statuspage.Parse(f.format, data)
		if err != nil {
			b.Fatal(f.file, err)
		}
		out = append(out, st)
	}
	return out
}

// BenchmarkModelStore stores, then loads, the models of 1,000 sources of
// vwbench's format mix: what a cold --once adds and a warm one pays
// instead of parsing.
//
//	go test -run '^$' -bench ModelStore -benchmem ./providers/statusread
func BenchmarkModelStore(b *testing.B) {
	models := benchModels(b)
	const n = 1000
	b.Run("store", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s := settledStore(filepath.Join(b.TempDir(), ModelsFile))
			b.StartTimer()
			for i := range n {
				s.store(fmt.Sprintf("source %d", i), "key", models[i%len(models)])
			}
			s.flush()
		}
	})
	b.Run("load", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), ModelsFile)
		s := settledStore(path)
		for i := range n {
			s.store(fmt.Sprintf("source %d", i), "key", models[i%len(models)])
		}
		s.flush()
		for b.Loop() {
			s := settledStore(path) // a new process
			for i := range n {
				if s.load(fmt.Sprintf("source %d", i), "key") == nil {
					b.Fatal("not stored")
				}
			}
		}
	})
}

// BenchmarkModelGoogle parses Google Cloud's incidents.json, the largest
// document of the mix, and reads its model back from the store's form:
//
//	go test -run '^$' -bench ModelGoogle -benchmem ./providers/statusread
func BenchmarkModelGoogle(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "google-cloud__incidents.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			if _, err := statuspage.Parse(statuspage.Google, data); err != nil {
				b.Fatal(err)
			}
		}
	})
	st, err := statuspage.Parse(statuspage.Google, data)
	if err != nil {
		b.Fatal(err)
	}
	enc := encodeModel(nil, st)
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeModel(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
