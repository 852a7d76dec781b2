package config

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParse5000 parses a config of 5,000 status-page vendors, the
// largest vwbench -sizes writes: part of what every --once pays before
// its first request.
//
//	go test ./config -run '^$' -bench Parse5000 -benchmem
func BenchmarkParse5000(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("vendors:\n")
	for i := range 5000 {
		fmt.Fprintf(&sb, "  - id: vendor-%d\n    name: Vendor %d\n    status:\n      - url: \"https://127.0.0.%d:8443/v%d/api/v2/summary.json\"\n        format: statuspage\n", i, i, 1+i%250, i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data, "config.yaml", true, nil); err != nil {
			b.Fatal(err)
		}
	}
}
