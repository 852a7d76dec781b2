package setup

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// fakeEnv is a machine with these variables set and these tools on the
// PATH.
func fakeEnv(vars map[string]string, tools ...string) Env {
	return Env{
		Getenv: func(k string) string { return vars[k] },
		LookPath: func(name string) (string, error) {
			if slices.Contains(tools, name) {
				return "/usr/bin/" + name, nil
			}
			return "", errors.New("not found")
		},
	}
}

// allKeys are the fixture keys a test sets, which no output may hold.
var allKeys = []string{fixture.OpenAIKey, fixture.VAPIKey, fixture.AnthropicKey, fixture.TwilioToken, fixture.AdminKey}

func TestDetectFindsKeysByFingerprintAndToolsOnThePATH(t *testing.T) {
	// The real lookup: a PATH holding only a script named op.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "op"), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	t.Setenv("OPENAI_API_KEY", fixture.OpenAIKey)
	t.Setenv("VAPI_API_KEY", fixture.VAPIKey)
	t.Setenv("OPENAI_ADMIN_KEY", fixture.AdminKey)
	f := Detect(catalog.Builtin(), System())

	if got := f.Vendors(); !slices.Equal(got, []string{"openai", "vapi"}) {
		t.Errorf("vendors with keys = %v, want [openai vapi]", got)
	}
	if len(f.Keys) != 2 || f.Keys[0].Env != "OPENAI_API_KEY" || f.Keys[0].Fingerprint != "sk-proj-…MxYA" {
		t.Errorf("keys = %+v, want OPENAI_API_KEY as sk-proj-…MxYA first", f.Keys)
	}
	if f.AdminOf("openai") != "OPENAI_ADMIN_KEY" {
		t.Errorf("the OpenAI admin key variable was not found: %+v", f.Admins)
	}
	if len(f.Tools) != 1 || f.Tools[0].Command != "op" || f.Tools[0].Store != "1Password" {
		t.Errorf("tools = %+v, want op (1Password) alone", f.Tools)
	}
	for _, k := range f.Keys {
		fixture.NoKey(t, "a found key", k.Fingerprint+k.Env, allKeys...)
	}
}

func TestRefsOfferCommandsOnlyForToolsOnThePATH(t *testing.T) {
	cat := catalog.Builtin()
	openai, _ := cat.Get("openai")
	secrets := func(refs []Ref) []string {
		var out []string
		for _, r := range refs {
			out = append(out, r.Secret)
		}
		return out
	}

	none := Detect(cat, fakeEnv(nil))
	if got := secrets(Refs(openai, none)); !slices.Equal(got, []string{"env:OPENAI_API_KEY"}) {
		t.Errorf("no tools: refs = %v, want the variable alone", got)
	}

	all := Detect(cat, fakeEnv(map[string]string{"OPENAI_API_KEY": fixture.OpenAIKey}, "op", "gcloud", "firebase", "vault", "aws"))
	refs := Refs(openai, all)
	want := []string{
		"env:OPENAI_API_KEY",
		"cmd:op read op://Private/OpenAI/credential",
		"cmd:gcloud secrets versions access latest --secret=openai-api-key",
		"cmd:firebase functions:secrets:access OPENAI_API_KEY",
		"cmd:vault kv get -mount=secret -field=api_key vendorwatch/openai",
	}
	if got := secrets(refs); !slices.Equal(got, want) {
		t.Errorf("refs =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !refs[0].Found || refs[1].Found {
		t.Errorf("only the variable that is set is found: %+v", refs[:2])
	}
	stores := []string{"", "op://Private/OpenAI/credential", "gcp:openai-api-key", "firebase:OPENAI_API_KEY", "vault:secret/vendorwatch/openai#api_key"}
	for i, r := range refs {
		if r.Store != stores[i] {
			t.Errorf("%s: store holder %q, want %q", r.Secret, r.Store, stores[i])
		}
	}
	// A vendor name with a space is quoted for the command line.
	retell, _ := cat.Get("retell")
	if got := Refs(retell, all); got[len(got)-4].Secret != `cmd:op read "op://Private/Retell AI/credential"` {
		t.Errorf("Retell's op reference = %q", got[len(got)-4].Secret)
	}
	// A vendor vendorwatch cannot probe has no key question.
	github, _ := cat.Get("cloudflare")
	if github.Probe == nil && len(Refs(github, all)) != 0 {
		t.Errorf("a vendor without a probe is offered references")
	}
}

func TestCheckRefRefusesKeysAndQuotesNothing(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want string
	}{
		{"env:OPENAI_API_KEY", true, ""},
		{"  cmd:op read op://Prod/OpenAI/credential ", true, ""},
		{"file:~/.config/vendorwatch/openai-key", true, ""},
		{"cmd:gcloud secrets versions access latest --secret=openai-canary-1", true, ""},
		{fixture.OpenAIKey, false, "looks like the key itself"},
		{fixture.VAPIKey, false, "looks like the key itself"},
		{"env:" + fixture.OpenAIKey, false, "looks like the key itself"},
		{"env:OPENAI_API_KEY=" + fixture.OpenAIKey, false, "looks like the key itself"},
		{"env:OPENAI_API_KEY=hunter", false, "holds a value"},
		{"cmd:echo " + fixture.AnthropicKey, false, "looks like the key itself"},
		{"OPENAI_API_KEY", false, "starts with env:, file: or cmd:"},
		{"env:", false, "needs a value"},
		{"env:$OPENAI", false, "one variable name"},
		{"", false, "write env:NAME"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			err := CheckRef(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckRef = %v, want ok %v", err, tc.ok)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %q does not say %q", err, tc.want)
				}
				fixture.NoKey(t, "CheckRef's error", err.Error(), allKeys...)
				if strings.Contains(err.Error(), "hunter") {
					t.Errorf("the error quotes the value: %v", err)
				}
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	cat := catalog.Builtin()
	found := Detect(cat, fakeEnv(map[string]string{"OPENAI_API_KEY": fixture.OpenAIKey, "VAPI_API_KEY": fixture.VAPIKey}))

	t.Run("the vendors whose keys are found, with those keys", func(t *testing.T) {
		a, err := Defaults(cat, found, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Vendors, []string{"openai", "vapi"}) || a.KeyCount() != 2 {
			t.Fatalf("answers = %+v", a)
		}
		if k := a.Keys["openai"][0]; k.Secret != "env:OPENAI_API_KEY" || k.Name != "openai_api_key" {
			t.Errorf("OpenAI's key = %+v", k)
		}
	})
	t.Run("no key found: the catalog's default set, status pages only", func(t *testing.T) {
		a, err := Defaults(cat, Detect(cat, fakeEnv(nil)), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(a.Vendors, "openai") || !slices.Contains(a.Vendors, "vapi") || a.KeyCount() != 0 {
			t.Errorf("answers = %+v", a)
		}
	})
	t.Run("--vendors takes ids and aliases, in order, once", func(t *testing.T) {
		a, err := Defaults(cat, found, []string{"vapi", "gpt", "openai", "anthropic"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Vendors, []string{"vapi", "openai", "anthropic"}) {
			t.Errorf("vendors = %v", a.Vendors)
		}
		if len(a.Keys["anthropic"]) != 0 || len(a.Keys["openai"]) != 1 {
			t.Errorf("keys = %+v", a.Keys)
		}
	})
	t.Run("a misspelt vendor names the closest", func(t *testing.T) {
		_, err := Defaults(cat, found, []string{"opena", "vapi"}, nil)
		if err == nil || !strings.Contains(err.Error(), `did you mean "openai"?`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("--held-by records custody and adds the holder", func(t *testing.T) {
		a, err := Defaults(cat, found, []string{"openai"}, []string{"openai=vapi"})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Vendors, []string{"openai", "vapi"}) || !slices.Equal(a.Keys["openai"][0].HeldBy, []string{"vapi"}) {
			t.Errorf("answers = %+v", a)
		}
		if d := a.dependsOn(); !slices.Equal(d["vapi"], []string{"openai"}) {
			t.Errorf("depends_on = %v, want vapi on openai", d)
		}
	})
	for _, bad := range []struct{ spec, want string }{
		{"openai", "KEYVENDOR=HOLDER"},
		{"openai=openai", "its own key"},
		{"anthropic=vapi", "no key of anthropic"},
		{"openai=vapy", `did you mean "vapi"?`},
	} {
		t.Run("--held-by "+bad.spec, func(t *testing.T) {
			_, err := Defaults(cat, found, nil, []string{bad.spec})
			if err == nil || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("err = %v, want %q", err, bad.want)
			}
		})
	}
}

// parse loads rendered bytes the way vendorwatch loads its config file.
func parse(t *testing.T, data []byte) *config.Config {
	t.Helper()
	cfg, err := config.Parse(data, "config.yaml", true, catalog.Builtin())
	if err != nil {
		t.Fatalf("the rendered config does not load: %v\n%s", err, data)
	}
	return cfg
}

func TestRenderWritesReferencesCustodyAndComments(t *testing.T) {
	cat := catalog.Builtin()
	found := Detect(cat, fakeEnv(map[string]string{
		"OPENAI_API_KEY": fixture.OpenAIKey, "OPENAI_ADMIN_KEY": fixture.AdminKey,
		"VAPI_API_KEY": fixture.VAPIKey, "TWILIO_AUTH_TOKEN": fixture.TwilioToken, "TWILIO_ACCOUNT_SID": fixture.TwilioAccount,
	}, "op"))
	a, err := Defaults(cat, found, []string{"openai", "vapi", "twilio", "anthropic"}, []string{"openai=vapi"})
	if err != nil {
		t.Fatal(err)
	}
	openai, _ := cat.Get("openai")
	op := Refs(openai, found)[1]
	a.Keys["openai"] = append(a.Keys["openai"], Key{Ref: op})
	data, err := Render(cat, found, a)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	fixture.NoKey(t, "the rendered config", text, allKeys...)
	cfg := parse(t, data)

	if len(cfg.Vendors) != 4 {
		t.Fatalf("vendors = %d, want 4:\n%s", len(cfg.Vendors), text)
	}
	o := cfg.Vendors[0]
	if o.ID != "openai" || len(o.Keys) != 2 {
		t.Fatalf("openai = %+v", o)
	}
	if o.Keys[0].Secret.String() != "env:OPENAI_API_KEY" || o.Keys[0].Holders[0].Vendor != "vapi" {
		t.Errorf("OpenAI's first key = %+v", o.Keys[0])
	}
	if o.Keys[1].Secret.String() != "cmd:op read op://Private/OpenAI/credential" || len(o.Keys[1].Holders) != 1 || o.Keys[1].Holders[0].Secret != "op://Private/OpenAI/credential" {
		t.Errorf("OpenAI's 1Password key = %+v", o.Keys[1])
	}
	if o.Admin == nil || o.Admin.Secret.String() != "env:OPENAI_ADMIN_KEY" {
		t.Errorf("OpenAI's admin key = %+v", o.Admin)
	}
	if v := cfg.Vendors[1]; !slices.Equal(v.DependsOn, []string{"openai"}) {
		t.Errorf("VAPI depends on %v, want [openai]", v.DependsOn)
	}
	if tw := cfg.Vendors[2]; len(tw.Keys) != 1 || tw.Keys[0].Account != fixture.TwilioAccount {
		t.Errorf("Twilio's key = %+v", tw.Keys)
	}
	if an := cfg.Vendors[3]; len(an.Keys) != 0 || !strings.Contains(text, "#     secret: env:ANTHROPIC_API_KEY") {
		t.Errorf("Anthropic, with no key found, should have none and a commented example")
	}
	if notes := cfg.CustodyNotes(); len(notes) != 0 {
		t.Errorf("custody notes on init's own config: %v", notes)
	}
	for _, want := range []string{
		"# OpenAI (llm): its status page https://status.openai.com",
		"# VAPI stores this key to call OpenAI for you",
		"depends_on: [openai]",
		"# VAPI holds your OpenAI key",
		"No key is written here.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the file does not say %q:\n%s", want, text)
		}
	}
}

func TestRenderRefusesALiteralKey(t *testing.T) {
	cat := catalog.Builtin()
	a := Answers{Vendors: []string{"openai"}, Keys: map[string][]Key{"openai": {{Ref: Ref{Name: "prod", Secret: fixture.OpenAIKey}}}}}
	data, err := Render(cat, Found{}, a)
	if err == nil || data != nil {
		t.Fatalf("a literal key was rendered")
	}
	fixture.NoKey(t, "Render's error", err.Error(), allKeys...)
	if _, err := Render(cat, Found{}, Answers{}); err == nil {
		t.Errorf("a config with no vendor was rendered")
	}
}

func TestWriteIsPrivateAndKeepsWhatWasThere(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vendorwatch")
	path := filepath.Join(dir, "config.yaml")
	now := time.Date(2026, 5, 21, 10, 57, 0, 0, time.UTC)
	if _, err := Write(path, []byte("vendors: [{id: openai}]\n"), false, now); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v (%v)", p, info.Mode().Perm(), want, err)
		}
	}

	_, err := Write(path, []byte("vendors: [{id: vapi}]\n"), false, now)
	if !errors.Is(err, ErrExists) {
		t.Fatalf("overwrite without force: err = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "vendors: [{id: openai}]\n" {
		t.Errorf("the refused write changed the file: %q", b)
	}

	backup, err := Write(path, []byte("vendors: [{id: vapi}]\n"), true, now)
	if err != nil {
		t.Fatal(err)
	}
	if backup != path+".20260521T105700Z.bak" {
		t.Errorf("backup = %s", backup)
	}
	old, _ := os.ReadFile(backup)
	cur, _ := os.ReadFile(path)
	if string(old) != "vendors: [{id: openai}]\n" || string(cur) != "vendors: [{id: vapi}]\n" {
		t.Errorf("backup %q, new %q", old, cur)
	}
	if info, _ := os.Stat(backup); info.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v, want 0600", info.Mode().Perm())
	}
}
