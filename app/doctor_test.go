package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/readiness"
)

// What cannot work fails with its fix and names no secret: a key whose
// variable is unset (and its probe, which is then not sent), a notifier
// whose URL does not resolve; a state dir open to others warns with the
// chmod. Nothing here leaves the machine: the vendor's page and API are
// a local server that answers 404, and no key is sent to it.
func TestDoctorFailsWhatCannotWork(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(state, 0o755); err != nil {
		t.Fatal(err)
	}
	page := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(page.Close)
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(`vendors:
  - id: openai
    status: [{url: "`+page.URL+`/status.json", format: statuspage}]
    api: {base_url: "`+page.URL+`"}
    keys:
      - {name: prod, secret: env:VW_DOCTOR_UNSET}
      - {name: other, secret: env:VW_DOCTOR_SET, canary: true}
notify:
  - {name: pager, type: webhook, url: env:VW_DOCTOR_HOOK_UNSET}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VW_DOCTOR_SET", fixture.OpenAIKey)
	a, err := Load(Options{ConfigPath: cfg, StateDir: state})
	if err != nil {
		t.Fatal(err)
	}
	rep := a.Doctor(context.Background(), DoctorOptions{})
	got := map[string]readiness.Check{}
	for _, c := range rep.Checks {
		got[c.Check+" "+c.Subject] = c
		fixture.NoKey(t, c.Check, c.Summary+c.Fix, fixture.OpenAIKey)
	}
	for _, want := range []struct {
		id    string
		level readiness.Level
		says  string
	}{
		{"secret openai/prod", readiness.Fail, "env:VW_DOCTOR_UNSET does not resolve: the variable is not set"},
		{"secret openai/other", readiness.Pass, "resolves to sk-proj-…MxYA"},
		{"notifier pager", readiness.Fail, "url env:VW_DOCTOR_HOOK_UNSET"},
		{"state_dir " + state, readiness.Warn, "open to others"},
		{"key_probe openai/prod", readiness.Fail, "not probed: its secret does not resolve"},
		{"canary openai/other", readiness.Warn, "probed every"},
		{"status_source openai " + page.URL + "/status.json", readiness.Fail, "not readable (statuspage)"},
	} {
		c, ok := got[want.id]
		if !ok || c.Level != want.level || !strings.Contains(c.Summary, want.says) || (c.Level != readiness.Pass && c.Fix == "") {
			t.Errorf("%s: %+v; want %s saying %q, with a fix unless it passed", want.id, c, want.level, want.says)
		}
	}
	if c := got["state_dir "+state]; c.Fix != "chmod 700 "+state {
		t.Errorf("state dir fix %q", c.Fix)
	}
	if rep.Overall != readiness.Fail || rep.Overall.ExitCode() != 2 {
		t.Errorf("overall %s", rep.Overall)
	}
}
