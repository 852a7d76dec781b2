package main

import (
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// payloadDir holds the real payloads the fake hosts serve: the statuspage
// package's test data, whose SOURCES.md records where each came from.
// vwbench runs from the repository's root (-payloads says otherwise).
var payloadDir = filepath.Join("statuspage", "testdata")

// kind is one way a vendor publishes its status.
type kind struct {
	file     string // in payloadDir
	format   string // the config's format:
	path     string // where the document lives below the vendor's prefix
	ctype    string
	selector string
}

// mix is the rotation of formats over the vendors: mostly Statuspage
// summaries, as in the catalog, and every other format vendorwatch reads.
var mix = []kind{
	{file: "anthropic__statuspage_summary_none.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
	{file: "anthropic__statuspage_summary_incident_investigating.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
	{file: "anthropic__statuspage_summary_none.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
	{file: "openai__incidentio_v2_summary_operational_2026-09-24.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
	{file: "anthropic__statuspage_summary_none.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
	{file: "latitude__betterstack_index_operational_trimmed.json", format: "betterstack", path: "/index.json", ctype: "application/json"},
	{file: "anthropic__statuspage_summary_none.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
	{file: "github__statuspage_history.rss", format: "rss", path: "/history.rss", ctype: "application/rss+xml"},
	{file: "anthropic__statuspage_summary_none.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
	{file: "wistia__instatus_summary_up.json", format: "instatus", path: "/summary.json", ctype: "application/json"},
	{file: "anthropic__statuspage_summary_none.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
	{file: "openai__incidentio_history.atom", format: "rss", path: "/history.atom", ctype: "application/atom+xml"},
	{file: "anthropic__statuspage_summary_none.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
	{file: "gitlab__statusio_status_operational_2023-06-29.json", format: "statusio", path: "/1.0/status/5b36dc6502d06804c08349f7", ctype: "application/json"},
	{file: "anthropic__statuspage_summary_none.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
	{file: "vapi__betterstack_index_outage_2026-05-21_reconstructed.json", format: "betterstack", path: "/index.json", ctype: "application/json"},
	{file: "anthropic__statuspage_summary_none.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
	{file: "slack__current_ok_docs_example.json", format: "slack", path: "/api/v2.0.0/current", ctype: "application/json"},
	{file: "textexpander__statuspage_page_operational.html", format: "html", path: "/", ctype: "text/html; charset=utf-8", selector: ".page-status .status"},
	{file: "openai__incidentio_v2_summary_operational_2026-09-24.json", format: "statuspage", path: "/api/v2/summary.json", ctype: "application/json"},
}

// google is served by one vendor in a hundred: Google Cloud's
// incidents.json is large (181 KB, and 140 KB of incident updates once
// read), and Google runs only a few such dashboards (Cloud, Firebase).
var google = kind{file: "google-cloud__incidents.json", format: "google", path: "/incidents.json", ctype: "application/json"}

// reachVendors are catalog vendors that have a keyless reachability
// request; the benchmark points their status and API at the fake hosts, so
// the run includes those requests too.
var reachVendors = []struct{ id, reach string }{
	{"openai", "/v1/models"}, {"anthropic", "/v1/models"}, {"vapi", "/assistant"},
	{"elevenlabs", "/v1/user"}, {"deepgram", "/v1/projects"}, {"groq", "/openai/v1/models"},
	{"mistral", "/v1/models"}, {"cohere", "/v1/models"}, {"github", "/user"},
	{"cloudflare", "/client/v4/user/tokens/verify"}, {"stripe", "/v1/balance"},
	{"vercel", "/v2/user"}, {"supabase", "/v1/projects"}, {"pinecone", "/indexes"},
	{"replicate", "/v1/account"}, {"assemblyai", "/v2/transcript"},
}

// request is one request of a cold run, for the sequential baseline.
type request struct {
	url string
}

// scenario is the vendors of a benchmark: the config file and every
// request a cold --once makes.
type scenario struct {
	config   string
	requests []request
	vendors  int
}

// buildScenario spreads n vendors over the hosts, registers their
// documents and writes a config into dir.
func buildScenario(dir string, n int, hosts fleet, uniform bool) (*scenario, error) {
	modified := time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)
	docs := map[string]*doc{}
	load := func(k kind) (*doc, error) {
		if d, ok := docs[k.file]; ok {
			return d, nil
		}
		b, err := os.ReadFile(filepath.Join(payloadDir, k.file))
		if err != nil {
			return nil, fmt.Errorf("%w (run vwbench from the repository's root, or give -payloads)", err)
		}
		d := newDoc(b, k.ctype, modified)
		docs[k.file] = d
		return d, nil
	}
	unauthorized := &doc{
		body:        []byte(`{"error":{"message":"You didn't provide an API key.","type":"invalid_request_error","code":null}}`),
		contentType: "application/json",
		status:      http.StatusUnauthorized,
	}

	var b strings.Builder
	b.WriteString("# Generated by vwbench: every vendor points at a local fake host.\ntimeout: 10s\nvendors:\n")
	sc := &scenario{vendors: n}
	for i := range n {
		h := hosts[i%len(hosts)]
		k := mix[i%len(mix)]
		switch {
		case uniform:
			k = mix[0] // one Atlassian summary.json per vendor: one round trip
		case i%100 == 99:
			k = google
		}
		d, err := load(k)
		if err != nil {
			return nil, err
		}
		prefix := fmt.Sprintf("/v%03d", i)
		h.serve(path.Clean(prefix+k.path), d)
		status := h.URL() + path.Clean(prefix+k.path)
		if k.path == "/" {
			status += "/"
			h.serve(prefix+"/", d)
		}
		sc.requests = append(sc.requests, request{url: status})

		if i < len(reachVendors) {
			rv := reachVendors[i]
			api := fmt.Sprintf("%s/api%03d", h.URL(), i)
			h.serve(fmt.Sprintf("/api%03d%s", i, rv.reach), unauthorized)
			sc.requests = append(sc.requests, request{url: api + rv.reach})
			fmt.Fprintf(&b, "  - id: %s\n    api: {base_url: %q}\n", rv.id, api)
		} else {
			fmt.Fprintf(&b, "  - id: bench-%03d\n    name: Bench %03d\n", i, i)
		}
		fmt.Fprintf(&b, "    status:\n      - url: %q\n        format: %s\n", status, k.format)
		if k.selector != "" {
			fmt.Fprintf(&b, "        selector: %q\n", k.selector)
		}
	}
	sc.config = filepath.Join(dir, "config.yaml")
	return sc, os.WriteFile(sc.config, []byte(b.String()), 0o600)
}
