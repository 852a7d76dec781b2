package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// vendorsite serves recorded payloads under fixed paths, like a vendor's
// status host would. Any other path is a JSON 404, so the same server can
// stand in for the vendor's API: a keyless request finds it reachable.
func vendorsite(t *testing.T, files map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := files[r.URL.Path]
		if !ok {
			jsonNotFound(w)
			return
		}
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Errorf("fixture: %v", err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// jsonNotFound answers 404 in JSON, the way vendor APIs do.
func jsonNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte(`{"error":{"message":"not found","type":"invalid_request_error"}}`))
}

// deadURL is the address of a server that is gone: connections are
// refused.
func deadURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	return url
}

// runCLI runs vendorwatch in-process with an isolated environment.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv(config.EnvConfig, "")
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// threeVendors points OpenAI, Anthropic and GitHub at local copies of their
// real status payloads; anthropicFile picks Anthropic's state.
func threeVendors(t *testing.T, anthropicFile string) string {
	openai := vendorsite(t, map[string]string{"/api/v2/summary.json": "openai__incidentio_v2_summary_operational_2026-09-24.json"})
	anthropic := vendorsite(t, map[string]string{"/api/v2/summary.json": anthropicFile})
	github := vendorsite(t, map[string]string{
		"/api/v2/summary.json":              "github__statuspage_status_none.json",
		"/api/v2/incidents/unresolved.json": "github__statuspage_incidents_unresolved_major.json",
	})
	return writeConfig(t, fmt.Sprintf(`timeout: 5s
vendors:
  - id: openai
    status: [{url: %[1]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[1]s}
  - id: anthropic
    status: [{url: %[2]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[2]s}
  - id: github
    status: [{url: %[3]s/api/v2/summary.json, format: statuspage}]
    api: {base_url: %[3]s}
`, openai.URL, anthropic.URL, github.URL))
}

func TestOnceJSONAgainstRecordedPages(t *testing.T) {
	cfg := threeVendors(t, "anthropic__statuspage_summary_incident_investigating.json")
	stdout, stderr, code := runCLI(t, "--config", cfg, "--once", "--json")
	// Four of Anthropic's six components are in partial outage, and its
	// page's own indicator says "minor": a warning, not a page.
	if code != 1 {
		t.Fatalf("exit = %d, want 1 (Anthropic's page says minor); stderr: %s", code, stderr)
	}
	var rep correlate.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if rep.SchemaVersion != 1 || rep.Overall != correlate.LevelWarning || len(rep.Vendors) != 3 {
		t.Fatalf("report = v%d %s %d vendors", rep.SchemaVersion, rep.Overall, len(rep.Vendors))
	}
	openai, _ := rep.Vendor("openai")
	if openai.Status.State != "operational" || len(openai.Status.Components) != 25 || openai.Level != correlate.LevelOK {
		t.Errorf("openai = %s, %d components, level %s", openai.Status.State, len(openai.Status.Components), openai.Level)
	}
	anthropic, _ := rep.Vendor("anthropic")
	in := anthropic.Status.Incidents
	if anthropic.Status.State != "degraded" || len(in) != 1 || in[0].Title != "Elevated errors for multiple models" ||
		in[0].Status != "investigating" || in[0].Impact != "major" || !strings.HasPrefix(in[0].LatestUpdate, "We are investigating elevated errors") {
		t.Errorf("anthropic = %s %+v", anthropic.Status.State, in)
	}
	github, _ := rep.Vendor("github")
	if github.Status.State != "operational" || len(github.Status.Incidents) != 1 || github.Status.Incidents[0].Title != "Elevated errors on Fable 5 due to upstream provider" {
		t.Errorf("github = %s %+v", github.Status.State, github.Status.Incidents)
	}
	if !strings.Contains(stderr, "config: "+cfg) {
		t.Errorf("stderr does not say which config was used: %q", stderr)
	}
}

func TestOnceExitCodes(t *testing.T) {
	t.Run("all operational", func(t *testing.T) {
		cfg := threeVendors(t, "anthropic__statuspage_summary_none.json")
		if _, stderr, code := runCLI(t, "--config", cfg, "--once", "--only", "openai,anthropic"); code != 0 {
			t.Errorf("exit = %d, want 0; %s", code, stderr)
		}
	})
	t.Run("degraded", func(t *testing.T) {
		site := vendorsite(t, map[string]string{"/api/v2/status.json": "cloudflare__statuspage_status_minor.json"})
		cfg := writeConfig(t, "vendors:\n  - id: cloudflare\n    status: [{url: "+site.URL+"/api/v2/status.json, format: statuspage}]\n    api: {base_url: "+site.URL+"}\n")
		stdout, _, code := runCLI(t, "--config", cfg, "--once", "--no-color")
		if code != 1 {
			t.Errorf("exit = %d, want 1", code)
		}
		if !strings.Contains(stdout, "Cloudflare") || !strings.Contains(stdout, "degraded") || strings.Contains(stdout, "\x1b[") {
			t.Errorf("table:\n%s", stdout)
		}
	})
	t.Run("nothing reachable", func(t *testing.T) {
		dead := deadURL(t)
		cfg := writeConfig(t, "vendors:\n  - id: github\n    status: [{url: "+dead+"/api/v2/summary.json, format: statuspage}]\n    api: {base_url: "+dead+"}\n")
		if _, _, code := runCLI(t, "--config", cfg, "--once"); code != 3 {
			t.Errorf("exit = %d, want 3", code)
		}
	})
}

// The acceptance case: an unknown vendor id and a bad duration exit 3 and
// name both problems with their lines.
func TestBadConfigExits3WithLines(t *testing.T) {
	cfg := writeConfig(t, "interval: 60x\nvendors:\n  - id: opena\n")
	stdout, stderr, code := runCLI(t, "--config", cfg, "--once", "--json")
	if code != 3 {
		t.Errorf("exit = %d, want 3", code)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	for _, want := range []string{cfg + ":1: bad duration \"60x\"", cfg + ":3: unknown vendor id \"opena\""} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := config.Load("config.example.yaml", catalog.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	vendors, err := catalog.Resolve(cfg, catalog.Builtin(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(vendors) < 5 {
		t.Errorf("example config resolves to %d vendors", len(vendors))
	}
	if _, stderr, code := runCLI(t, "check-config", "--config", "config.example.yaml"); code != 0 {
		t.Errorf("check-config exit %d: %s", code, stderr)
	}
}

func TestCatalogCommand(t *testing.T) {
	stdout, _, code := runCLI(t, "catalog", "claude")
	if code != 0 || !strings.Contains(stdout, "anthropic") || !strings.Contains(stdout, "status.claude.com") {
		t.Errorf("catalog claude (exit %d):\n%s", code, stdout)
	}
	if _, stderr, code := runCLI(t, "catalog", "no-such-vendor-anywhere"); code != 1 || !strings.Contains(stderr, "no vendor in the catalog matches") {
		t.Errorf("catalog miss: exit %d, %s", code, stderr)
	}
}

func TestJSONNeedsOnce(t *testing.T) {
	if _, stderr, code := runCLI(t, "--json"); code != 3 || !strings.Contains(stderr, "--json goes with --once") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
