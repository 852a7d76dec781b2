package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/remote"
)

// Issue 21: a misspelt vendor id is an error that suggests the closest
// one, in every command that takes vendor ids, rather than an empty
// answer.
func TestUnknownVendorIDSuggestsTheClosest(t *testing.T) {
	cfg := writeConfig(t, "vendors:\n  - id: openai\n  - id: vapi\n  - id: twilio\n")
	for _, args := range [][]string{
		{"--once", "--only", "vapi,opena"},
		{"report", "--vendor", "opena"},
		{"report", "--vendor", "vapi", "--vendor", "opena"},
		{"silence", "add", "--vendor", "opena", "--for", "1h", "--comment", "typo"},
		{"maintenances", "--only", "opena"},
		{"evidence", "--key", "opena/prod"},
	} {
		stdout, stderr, code := runCLI(t, append(args, "--config", cfg, "--state-dir", t.TempDir())...)
		if code != 3 || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q; want exit 3 and nothing on stdout", args, code, stdout)
		}
		if !strings.Contains(stderr, "opena") || !strings.Contains(stderr, "did you mean openai") {
			t.Errorf("%q: stderr %q, want the closest id suggested", args, stderr)
		}
	}
}

// With --remote, --only is checked against the server's vendors.
func TestUnknownRemoteOnlySuggestsTheClosest(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/snapshot" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"schema_version":1,"generated_at":%q,"overall":"ok","vendors":[
			{"id":"openai","name":"OpenAI","level":"ok","status":{"state":"operational"},"keys":[]}],"findings":[]}`,
			time.Now().UTC().Format(time.RFC3339))
	}))
	defer server.Close()
	t.Setenv(remote.EnvToken, "team-token-123")
	stdout, stderr, code := runCLI(t, "--once", "--remote", server.URL, "--only", "opena")
	if code != 3 || stdout != "" || !strings.Contains(stderr, "--only opena: no such vendor on the server; did you mean openai?") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, stderr, code := runCLI(t, "--once", "--remote", server.URL, "--only", "openai"); code != 0 {
		t.Errorf("a known id: exit %d, %s", code, stderr)
	}
}
