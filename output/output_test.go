package output

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file (go test -update): %v", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from golden:\n%s", name, got)
	}
}

// sampleReport is the 2026-05-21 picture at 12:45: OpenAI operational but
// our key rejected, VAPI down and saying so.
func sampleReport() correlate.Report {
	t0 := time.Date(2026, 5, 21, 12, 45, 0, 0, time.UTC)
	openai := observe.VendorResult{ID: "openai", Name: "OpenAI", Keys: []observe.KeyResult{{
		Name: "prod", Fingerprint: "sk-proj-…MxYA", Result: observe.ResultInvalidKey, HTTPStatus: 401,
		Code: "invalid_api_key", Message: "Incorrect API key provided", LatencyMS: 230, CheckedAt: t0, Since: t0.Add(-108 * time.Minute), Consecutive: 3,
	}}, Reachability: &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, LatencyMS: 90}}
	openai.Status = observe.Status{State: observe.Operational, Description: "All Systems Operational", PageURL: "https://status.openai.com", CheckedAt: t0,
		Sources:    []observe.Source{{URL: "https://status.openai.com/api/v2/summary.json", Format: "statuspage", OK: true, LatencyMS: 182}},
		Components: []observe.Component{{Name: "API", State: observe.Operational}}}
	vapi := observe.VendorResult{ID: "vapi", Name: "VAPI", DependsOn: []string{"openai"}, Keys: []observe.KeyResult{}}
	vapi.Status = observe.Status{State: observe.MajorOutage, Description: "Downtime", PageURL: "https://status.vapi.ai", CheckedAt: t0,
		Sources:    []observe.Source{{URL: "https://status.vapi.ai/index.json", Format: "betterstack", OK: true, LatencyMS: 2400}},
		Components: []observe.Component{{Name: "Vapi API", State: observe.MajorOutage}},
		Incidents: []observe.Incident{{ID: "901977", Title: "Vapi API and dashboard down", Status: "investigating", Impact: "critical",
			StartedAt: t0, UpdatedAt: t0, URL: "https://status.vapi.ai/incident/901977", Components: []string{"Vapi API"}, LatestUpdate: "We are investigating."}},
		Maintenances: []observe.Maintenance{{ID: "m1", Title: "Database upgrade", Status: "scheduled", StartsAt: t0.Add(24 * time.Hour), EndsAt: t0.Add(26 * time.Hour), URL: "https://status.vapi.ai/m1"}},
	}
	r := correlate.Report{SchemaVersion: 1, GeneratedAt: t0, Overall: correlate.LevelCritical,
		Vendors: []correlate.VendorReport{{VendorResult: openai, Level: correlate.LevelCritical}, {VendorResult: vapi, Level: correlate.LevelCritical}},
		Findings: []correlate.Finding{{Kind: correlate.KindKeyRevoked, Severity: correlate.SeverityCritical, Vendors: []string{"openai"}, Keys: []string{"prod"},
			Title: "OpenAI key prod rejected as invalid while OpenAI reports operational", Detail: "401 invalid_api_key three times since 10:57",
			Advice: []string{"Look for OpenAI's leak notice in your mail.", "Rotate the key."}, Since: t0.Add(-108 * time.Minute)}},
	}
	r.Verdict = correlate.VerdictOf(r)
	return r
}

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// The JSON must carry every field DESIGN §6 names, spelt exactly so.
func TestJSONSchemaFields(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	need := func(where string, m map[string]any, fields ...string) {
		t.Helper()
		for _, f := range fields {
			if _, ok := m[f]; !ok {
				t.Errorf("%s lacks %q (has %v)", where, f, keysOf(m))
			}
		}
	}
	need("top", doc, "schema_version", "generated_at", "overall", "verdict", "vendors", "findings")
	v := doc["vendors"].([]any)[0].(map[string]any)
	need("vendor", v, "id", "name", "level", "status", "reachability", "keys")
	st := v["status"].(map[string]any)
	need("status", st, "state", "description", "page_url", "checked_at", "sources", "components", "incidents", "maintenances")
	need("source", st["sources"].([]any)[0].(map[string]any), "url", "format", "ok", "latency_ms", "error")
	need("component", st["components"].([]any)[0].(map[string]any), "name", "state")
	need("reachability", v["reachability"].(map[string]any), "result", "http_status", "latency_ms")
	need("key", v["keys"].([]any)[0].(map[string]any), "name", "fingerprint", "canary", "result", "http_status", "code", "message", "latency_ms", "checked_at", "since", "consecutive")
	vapi := doc["vendors"].([]any)[1].(map[string]any)["status"].(map[string]any)
	need("incident", vapi["incidents"].([]any)[0].(map[string]any), "id", "title", "status", "impact", "started_at", "updated_at", "url", "components", "latest_update")
	need("maintenance", vapi["maintenances"].([]any)[0].(map[string]any), "id", "title", "status", "starts_at", "ends_at", "url")
	need("finding", doc["findings"].([]any)[0].(map[string]any), "kind", "severity", "vendors", "keys", "title", "detail", "advice", "since")
	if doc["generated_at"] != "2026-05-21T12:45:00Z" || doc["schema_version"].(float64) != 1 {
		t.Errorf("generated_at/schema_version = %v/%v", doc["generated_at"], doc["schema_version"])
	}
	golden(t, "report.golden.json", buf.Bytes())

	back, err := ReadJSON(&buf)
	if err != nil || back.Vendors[1].Status.Incidents[0].Title != "Vapi API and dashboard down" {
		t.Errorf("round trip: %v %+v", err, back)
	}
}

func TestReadJSONRejectsOtherSchema(t *testing.T) {
	if _, err := ReadJSON(strings.NewReader(`{"schema_version":2}`)); err == nil {
		t.Error("schema_version 2 accepted")
	}
}

func TestTableColour(t *testing.T) {
	rep := sampleReport()
	tests := []struct {
		name    string
		env     []string
		noColor bool
		colour  bool
	}{
		{"pipe", []string{"TERM=xterm-256color"}, false, false},
		{"forced colour", []string{"TERM=xterm-256color", "CLICOLOR_FORCE=1"}, false, true},
		{"NO_COLOR wins", []string{"TERM=xterm-256color", "CLICOLOR_FORCE=1", "NO_COLOR=1"}, false, false},
		{"--no-color wins", []string{"TERM=xterm-256color", "CLICOLOR_FORCE=1"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTable(&buf, rep, TableOptions{NoColor: tt.noColor, Env: tt.env}); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(buf.String(), "\x1b["); got != tt.colour {
				t.Errorf("colour = %v, want %v:\n%q", got, tt.colour, buf.String())
			}
			if !tt.colour {
				golden(t, "table.golden.txt", buf.Bytes())
			}
		})
	}
}

func TestMain(m *testing.M) {
	time.Local = time.UTC // golden files show local times
	os.Exit(m.Run())
}

// The keys section lists every key by fingerprint with its result, code
// and streak; a canary is marked, and remote text is cleaned again.
func TestTableKeysSection(t *testing.T) {
	rep := sampleReport()
	t0 := rep.GeneratedAt
	rep.Vendors[1].Keys = []observe.KeyResult{
		{Name: "prod", Fingerprint: "…4e5f", Result: observe.ResultOK, HTTPStatus: 200, CheckedAt: t0, Since: t0.Add(-48 * time.Hour), Consecutive: 2880},
		{Name: "canary-1", Canary: true, Result: observe.ResultNoSecret, Code: "env_unset", Message: "env:VAPI_CANARY: the variable is not set\x1b[2J", CheckedAt: t0, Since: t0, Consecutive: 1},
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, rep, TableOptions{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	var rows []string
	for l := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(l, "VAPI ") && strings.Contains(l, "since") {
			rows = append(rows, strings.Join(strings.Fields(l), " "))
		}
	}
	want := []string{
		"VAPI prod …4e5f ok 200 - ×2880 since 2026-05-19 12:45 -",
		"VAPI canary-1 (canary) - no secret - env_unset ×1 since 12:45 env:VAPI_CANARY: the variable is not set",
	}
	if !slices.Equal(rows, want) {
		t.Errorf("key rows = %q\nwant %q\n%s", rows, want, out)
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("escape sequence reached the table: %q", out)
	}
	for i := range rep.Vendors {
		rep.Vendors[i].Keys = nil
	}
	buf.Reset()
	WriteTable(&buf, rep, TableOptions{NoColor: true})
	if strings.Contains(buf.String(), "FINGERPRINT") {
		t.Errorf("a keys section without keys:\n%s", buf.String())
	}
}
