package statuspage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Big pages are made in the tests from the recorded ones rather than
// committed: an 8 MiB page is a real page's own markup repeated.

// bigSummary is an Atlassian summary.json of n components: the derived
// Cloudflare summary in testdata (its page, status, groups and incident
// verbatim) with its regional components replaced by n copies of them,
// numbered ("Lagos, Nigeria - (LOS) #17"), operational except those at
// the positions in down, which are in partial outage. With compact, each
// component has only the fields vendorwatch reads, as on the page of
// 95,000 components that was seen (about 90 bytes each).
func bigSummary(t testing.TB, n int, compact bool, down ...int) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(readFixture(t, "cloudflare__statuspage_summary_minor_pops_derived.json"), &doc); err != nil {
		t.Fatal(err)
	}
	var groups, leaves []map[string]any
	for _, c := range doc["components"].([]any) {
		c := c.(map[string]any)
		if c["group"] == true {
			groups = append(groups, c)
		} else if c["group_id"] != nil && c["name"] != "WARP" {
			leaves = append(leaves, c)
		}
	}
	isDown := map[int]bool{}
	for _, d := range down {
		isDown[d] = true
	}
	comps := make([]any, 0, len(groups)+n)
	for _, g := range groups {
		comps = append(comps, g)
	}
	for i := range n {
		tmpl := leaves[i%len(leaves)]
		c := map[string]any{}
		if !compact {
			for k, v := range tmpl {
				c[k] = v
			}
			c["position"] = 1000 + i
		}
		c["id"] = fmt.Sprintf("c%011d", i)
		c["name"] = fmt.Sprintf("%s #%d", tmpl["name"], i)
		c["status"] = "operational"
		if isDown[i] {
			c["status"] = "partial_outage"
		}
		c["group"] = false
		c["group_id"] = tmpl["group_id"]
		comps = append(comps, c)
	}
	doc["components"] = comps
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bigHTML is an Atlassian Statuspage HTML page of n components: the
// TextExpander page in testdata with its one component repeated, numbered
// ("TextExpander Server #17"), operational except those at the positions
// in down.
func bigHTML(t testing.TB, n int, down ...int) []byte {
	t.Helper()
	page := string(readFixture(t, "textexpander__statuspage_page_operational.html"))
	const open, closing = `<div class="component-container border-color">`, "</div>\n\n          </div>"
	start := strings.Index(page, open)
	end := strings.Index(page[start:], closing)
	if start < 0 || end < 0 {
		t.Fatal("the TextExpander page has no component container")
	}
	end += start + len(closing)
	block := page[start:end]
	isDown := map[int]bool{}
	for _, d := range down {
		isDown[d] = true
	}
	var b bytes.Buffer
	b.WriteString(page[:start])
	for i := range n {
		c := strings.Replace(block, "TextExpander Server", fmt.Sprintf("TextExpander Server #%d", i), 1)
		if isDown[i] {
			c = strings.Replace(c, `data-component-status="operational"`, `data-component-status="partial_outage"`, 1)
		}
		b.WriteString(c)
	}
	b.WriteString(page[end:])
	return b.Bytes()
}

// sizedFor is how many components make a page of about size bytes.
func sizedFor(t testing.TB, size int, page func(n int) []byte) int {
	t.Helper()
	small, large := len(page(100)), len(page(200))
	per := (large - small) / 100
	return 100 + (size-small)/per
}

// TestWriteBigPages writes the 8 MiB pages of BenchmarkParseBig into the
// directory $VW_BIGPAGES, laid out as a status host serves them, for
// measuring the whole program on them (BENCHMARKS.md). Without the
// variable it does nothing.
//
//	VW_BIGPAGES=/tmp/bigpages go test ./statuspage -run TestWriteBigPages
func TestWriteBigPages(t *testing.T) {
	dir := os.Getenv("VW_BIGPAGES")
	if dir == "" {
		t.Skip("VW_BIGPAGES is not set")
	}
	const size = 8 << 20
	for name, page := range map[string]func(n int) []byte{
		"api/v2/summary.json":         func(n int) []byte { return bigSummary(t, n, false, 10, n-10) },
		"compact/api/v2/summary.json": func(n int) []byte { return bigSummary(t, n, true, 10, n-10) },
		"index.html":                  func(n int) []byte { return bigHTML(t, n, 10, n-10) },
	} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		n := sizedFor(t, size, page)
		if err := os.WriteFile(path, page(n), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d components", path, n)
	}
}
