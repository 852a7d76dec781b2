package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// pageDocs are status documents of every format vendorwatch reads, from
// statuspage/testdata (their provenance is in its SOURCES.md), each with
// the format its source names ("" leaves it to autodetection).
var pageDocs = []struct {
	id, file, format, ctype string
}{
	{"sp-json", "anthropic__statuspage_summary_incident_investigating.json", "statuspage", "application/json"},
	{"sp-html", "python-infra__statuspage_page_unresolved_incident.html", "", "text/html"},
	{"sp-html2", "aquafadas__statuspage_page_degraded_incident.html", "", "text/html"},
	{"sp-rss", "github__statuspage_history.rss", "rss", "application/rss+xml"},
	{"sp-atom", "github__statuspage_history.atom", "atom", "application/atom+xml"},
	{"iio-v1", "openai__incidentio_v1_summary_partial.json", "incidentio", "application/json"},
	{"iio-atom", "openai__incidentio_history.atom", "atom", "application/atom+xml"},
	{"bs", "vapi__betterstack_index_outage_2026-05-21_reconstructed.json", "betterstack", "application/json"},
	{"bs-rss", "vapi__betterstack_feed_outage_synthetic.rss", "rss", "application/rss+xml"},
	{"instatus", "instatus__summary_hasissues_docs_example.json", "instatus", "application/json"},
	{"statusio", "gitlab__statusio_status_components_down_curated.json", "statusio", "application/json"},
	{"google", "google-cloud__incidents.json", "google", "application/json"},
	{"slack", "slack__current_active_2023-09.json", "slack", "application/json"},
	{"aws", "aws__service_health_rss_all_2021-12.rss", "rss", "application/rss+xml"},
	{"m365", "microsoft365__admin_center_feed_degraded.rss", "rss", "application/rss+xml"},
	{"aws-ec2", "aws__ec2-ap-northeast-1_rss_2019-09.rss", "rss", "application/rss+xml"},
	{"bs-maint", "vapi__betterstack_index_maintenance_tomorrow_derived.json", "betterstack", "application/json"},
	{"stripe", "stripe__current_full_degraded_constructed.json", "stripe", "application/json"},
	{"sp-rss-cet", "staffbase__statuspage_history_cet.rss", "rss", "application/rss+xml"},
	{"sp-html-maint", "scalepoint__statuspage_page_scheduled_maintenance_cet.html", "html", "text/html"},
	{"sp-html-fastly", "fastly__statuspage_page_update_links.html", "html", "text/html"},
	{"sp-html-inprogress", "github__statuspage_page_maintenance_in_progress_built.html", "", "text/html"},
	{"wall-login", "walls/anzgcis__statuspage_page_login_required.html", "html", "text/html"},
	{"wall-okta", "walls/bardenproduce__okta_signin_redirect.html", "", "text/html"},
	{"wall-inactive", "walls/overnightprints__statuspage_page_inactive.html", "html", "text/html"},
}

// What a careful reader takes from a page does not depend on the reader's
// time zone: every document of every format, read by the built binary
// under TZ=UTC, America/Los_Angeles and Asia/Kolkata, gives the same
// state, incidents and maintenances, at the same instants. A page behind a
// login wall is unknown, with the reason, never an outage.
func TestPagesReadTheSameInEveryTimeZone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, d := range pageDocs {
			if r.URL.Path == "/"+d.id {
				b, err := os.ReadFile(filepath.Join("statuspage", "testdata", d.file))
				if err != nil {
					t.Errorf("fixture: %v", err)
				}
				w.Header().Set("Content-Type", d.ctype)
				w.Write(b)
				return
			}
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()

	var cfg strings.Builder
	cfg.WriteString("vendors:\n")
	for _, d := range pageDocs {
		format := ""
		if d.format != "" {
			format = ", format: " + d.format
		}
		fmt.Fprintf(&cfg, "  - id: %s\n    name: %s\n    status: [{url: %q%s}]\n", d.id, d.id, srv.URL+"/"+d.id, format)
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	read := func(tz string) map[string]any {
		cmd := exec.Command(bin, "--once", "--json", "--config", path, "--state-dir", t.TempDir())
		cmd.Env = append(os.Environ(), "TZ="+tz, "XDG_CONFIG_HOME="+t.TempDir(), "XDG_STATE_HOME="+t.TempDir())
		out, err := cmd.Output()
		if err != nil && len(out) == 0 {
			t.Fatalf("TZ=%s: %v", tz, err)
		}
		var rep struct {
			Vendors []struct {
				ID     string         `json:"id"`
				Status map[string]any `json:"status"`
			} `json:"vendors"`
		}
		if err := json.Unmarshal(out, &rep); err != nil {
			t.Fatalf("TZ=%s: not JSON: %v\n%s", tz, err, out)
		}
		got := map[string]any{}
		for _, v := range rep.Vendors {
			got[v.ID+" sources"] = fmt.Sprint(v.Status["sources"])
			for _, k := range []string{"checked_at", "latency_ms", "sources"} {
				delete(v.Status, k)
			}
			got[v.ID] = v.Status
		}
		return got
	}
	base := read("UTC")
	for _, d := range pageDocs {
		st, _ := base[d.id].(map[string]any)
		if strings.HasPrefix(d.id, "wall-") {
			if src := base[d.id+" sources"].(string); st == nil || st["state"] != "unknown" || !strings.Contains(src, "the page requires a login") {
				t.Errorf("%s (%s): a login wall must read as unknown, saying the page requires a login: %v %s", d.id, d.file, st, src)
			}
			continue
		}
		if st == nil || st["error"] != nil {
			t.Errorf("%s (%s) was not read under TZ=UTC: %v", d.id, d.file, st)
		}
	}
	for _, tz := range []string{"America/Los_Angeles", "Asia/Kolkata"} {
		other := read(tz)
		for _, d := range pageDocs {
			if !reflect.DeepEqual(base[d.id], other[d.id]) {
				a, _ := json.MarshalIndent(base[d.id], "", " ")
				b, _ := json.MarshalIndent(other[d.id], "", " ")
				t.Errorf("%s (%s) reads differently under TZ=%s:\nUTC: %s\n%s: %s", d.id, d.file, tz, a, tz, b)
			}
		}
	}
}
