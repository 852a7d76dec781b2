package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type fakeCatalog map[string]bool

func (c fakeCatalog) Has(id string) bool { return c[id] }
func (c fakeCatalog) Suggest(id string) string {
	if strings.HasPrefix("openai", id[:min(len(id), 4)]) {
		return "openai"
	}
	return ""
}

// AdminAPI: as the real catalog says, OpenAI and Anthropic need their
// admin key, a VAPI key reads VAPI's call records.
func (c fakeCatalog) AdminAPI(id string) (AdminAPI, bool) {
	switch id {
	case "openai", "anthropic":
		return AdminAPI{Reads: "the key inventory"}, true
	case "vapi":
		return AdminAPI{Reads: "the call records", KeyFallback: true}, true
	}
	return AdminAPI{}, false
}

func (c fakeCatalog) AdminVendors() []string { return []string{"openai", "anthropic", "vapi"} }

// KeyProbe: as the real catalog says, OpenAI, VAPI and Anthropic keys can
// be tested.
func (c fakeCatalog) KeyProbe(id string) bool {
	return id == "openai" || id == "vapi" || id == "anthropic"
}

var cat = fakeCatalog{"openai": true, "vapi": true, "anthropic": true}

// problemsOf parses src and returns its problems, failing if it loads.
func problemsOf(t *testing.T, src string) []Problem {
	t.Helper()
	_, err := Parse([]byte(src), "test.yaml", false, cat)
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *config.Error", err)
	}
	return ce.Problems
}

func TestParseValid(t *testing.T) {
	src := `
interval: 2m
probe_interval: 30s
timeout: 5s
vendors:
  - id: openai
    components: [API]
    keys:
      - name: prod
        secret: env:OPENAI_API_KEY
      - name: canary-1
        secret: "cmd:gcloud secrets versions access latest --secret=openai-canary-1"
        canary: true
  - id: vapi
    depends_on: [openai]
    keys:
      - name: prod
        secret: file:~/.vapi-key
  - id: acme
    name: Acme Voice
    status:
      - url: https://status.acme.dev
      - url: https://status.acme.dev/history.rss
        format: rss
`
	cfg, err := Parse([]byte(src), "ok.yaml", false, cat)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Interval.D() != 2*time.Minute || cfg.ProbeInterval.D() != 30*time.Second || cfg.Timeout.D() != 5*time.Second {
		t.Errorf("durations = %v %v %v", cfg.Interval, cfg.ProbeInterval, cfg.Timeout)
	}
	if cfg.Concurrency != DefaultConcurrency {
		t.Errorf("concurrency default = %d", cfg.Concurrency)
	}
	if len(cfg.Vendors) != 3 || cfg.Vendors[1].DependsOn[0] != "openai" {
		t.Fatalf("vendors = %+v", cfg.Vendors)
	}
	k := cfg.Vendors[0].Keys[1]
	if k.Secret.Kind != SecretCmd || !k.Canary || !strings.HasPrefix(k.Secret.Value, "gcloud secrets") {
		t.Errorf("canary key = %+v", k)
	}
	if cfg.Vendors[2].Status[1].Format != "rss" || cfg.Vendors[2].Line != 19 {
		t.Errorf("acme = %+v", cfg.Vendors[2])
	}
}

func TestParseDefaults(t *testing.T) {
	cfg, err := Parse(nil, "empty.yaml", false, cat)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Interval.D() != DefaultInterval || cfg.Timeout.D() != DefaultTimeout || cfg.ProbeInterval.D() != DefaultProbeInterval {
		t.Errorf("defaults = %+v", cfg)
	}
}

// The acceptance case of issue 2: an unknown vendor id and a bad duration,
// both named with their lines, in one error.
func TestParseReportsEveryProblemWithLines(t *testing.T) {
	src := `interval: 60x
vendors:
  - id: opena
  - id: vapi
    bogus: 1
  - id: vapi
    depends_on: [nobody]
  - id: acme
    status:
      - url: https://status.acme.dev
        format: jsonish
  - id: anthropic
    keys:
      - name: prod
        secret: sk-ant-api03-literal
      - name: prod
        secret: "env:"
`
	got := problemsOf(t, src)
	want := []struct {
		line int
		text string
	}{
		{1, `bad duration "60x"`},
		{3, `unknown vendor id "opena"`},
		{3, `did you mean "openai"`},
		{5, `unknown option "bogus" in a vendor`},
		{6, `duplicate vendor id "vapi" (first at line 4)`},
		{7, `depends on "nobody"`},
		{11, `unknown format "jsonish"`},
		{15, `literal secret is refused`},
		{16, `duplicate key name "prod"`},
		{17, `bad secret: env: needs a value`},
	}
	msgs := make([]string, len(got))
	for i, p := range got {
		msgs[i] = p.Msg
	}
	for _, w := range want {
		found := false
		for _, p := range got {
			if p.Line == w.line && strings.Contains(p.Msg, w.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem at line %d saying %q; got:\n%s", w.line, w.text, strings.Join(fmtProblems(got), "\n"))
		}
	}
}

func fmtProblems(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = (&Error{File: "f", Problems: []Problem{p}}).Error()
	}
	return out
}

func TestParseErrorFormat(t *testing.T) {
	_, err := Parse([]byte("vendors:\n  - id: nope\n"), "/etc/vw.yaml", false, cat)
	if err == nil || !strings.Contains(err.Error(), "/etc/vw.yaml:2: unknown vendor id \"nope\"") {
		t.Errorf("err = %v", err)
	}
}

func TestParseCycle(t *testing.T) {
	src := `vendors:
  - id: openai
    depends_on: [vapi]
  - id: vapi
    depends_on: [anthropic]
  - id: anthropic
    depends_on: [openai]
`
	got := problemsOf(t, src)
	if len(got) != 1 || !strings.Contains(got[0].Msg, "openai -> vapi -> anthropic -> openai") || got[0].Line != 3 {
		t.Errorf("problems = %v", fmtProblems(got))
	}
}

func TestParseSyntaxError(t *testing.T) {
	got := problemsOf(t, "vendors:\n  - id: openai\n   name: [broken\n")
	if len(got) == 0 || got[0].Line == 0 {
		t.Errorf("problems = %v", fmtProblems(got))
	}
}

func TestParseLimits(t *testing.T) {
	got := problemsOf(t, "probe_interval: 5s\ntimeout: 1h\nvendors:\n  - id: openai\n    api: {base_url: ftp://x}\n")
	if len(got) != 3 {
		t.Errorf("problems = %v", fmtProblems(got))
	}
}

func TestLiteralSecretAllowedInPrivateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	src := "vendors:\n  - id: openai\n    keys:\n      - name: prod\n        secret: sk-proj-abc\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, cat)
	if err != nil {
		t.Fatalf("private file: %v", err)
	}
	if s := cfg.Vendors[0].Keys[0].Secret.String(); strings.Contains(s, "sk-proj") {
		t.Errorf("String() reveals the literal: %q", s)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path, cat)
	if err == nil || strings.Contains(err.Error(), "sk-proj-abc") {
		t.Errorf("world-readable file: err = %v (must refuse, and never echo the key)", err)
	}
}

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	xdg := filepath.Join(dir, "xdg")
	t.Setenv("XDG_CONFIG_HOME", xdg)
	t.Setenv(EnvConfig, "")

	if p, err := Locate(""); p != "" || err != nil {
		t.Errorf("nothing anywhere: %q, %v; want the built-in default", p, err)
	}
	def := filepath.Join(xdg, "vendorwatch", "config.yaml")
	os.MkdirAll(filepath.Dir(def), 0o755)
	os.WriteFile(def, nil, 0o644)
	if p, _ := Locate(""); p != def {
		t.Errorf("XDG: %q", p)
	}
	env := filepath.Join(dir, "env.yaml")
	os.WriteFile(env, nil, 0o644)
	t.Setenv(EnvConfig, env)
	if p, _ := Locate(""); p != env {
		t.Errorf("env: %q", p)
	}
	flag := filepath.Join(dir, "flag.yaml")
	os.WriteFile(flag, nil, 0o644)
	if p, _ := Locate(flag); p != flag {
		t.Errorf("flag: %q", p)
	}
	if _, err := Locate(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("a missing --config file is not an error")
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"60s": time.Minute, "90d": 90 * 24 * time.Hour, "1h30m": 90 * time.Minute} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "abc", "-5s", "xd"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
}
