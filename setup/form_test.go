package setup

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// ask runs the form line by line with these answers, on a machine with
// OpenAI's and VAPI's keys set and op on the PATH.
func ask(t *testing.T, answers ...string) (Answers, string, error) {
	t.Helper()
	cat := catalog.Builtin()
	found := Detect(cat, fakeEnv(map[string]string{"OPENAI_API_KEY": fixture.OpenAIKey, "VAPI_API_KEY": fixture.VAPIKey}, "op"))
	start, err := Defaults(cat, found, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a, err := Ask(context.Background(), cat, found, start, "~/.config/vendorwatch/config.yaml", Terminal{In: LineReader(strings.NewReader(strings.Join(answers, "\n"))), Out: &out, Accessible: true})
	return a, out.String(), err
}

func TestAskLineByLine(t *testing.T) {
	a, out, err := ask(t,
		"0",      // kinds of vendor: keep llm, voice and telephony
		"4", "0", // vendors: add Anthropic to OpenAI and VAPI
		"2", "0", // OpenAI's keys: add the 1Password command
		"0",      // VAPI's keys: the variable found
		"3", "0", // Anthropic's keys: another reference…
		fixture.AnthropicKey, // …pasted as the key itself: refused
		"env:CLAUDE_KEY",     // …then a reference
		"1", "0",             // OpenAI's env key is held by VAPI
		"0", // OpenAI's 1Password key by nobody
		"0", // VAPI's key by nobody
		"0", // Anthropic's key by nobody
		"y", // write
	)
	if err != nil {
		t.Fatalf("Ask: %v\n%s", err, out)
	}
	fixture.NoKey(t, "the form", out, allKeys...)
	for _, want := range []string{
		"Found $OPENAI_API_KEY (sk-proj-…MxYA), a key of OpenAI.",
		"On the PATH: op (1Password), offered as cmd: references.",
		"Which kinds of vendor do you depend on?",
		"Which keys of Anthropic should vendorwatch probe?",
		"that looks like the key itself (not shown)",
		"Which vendors hold your OpenAI key openai_api_key?",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the form does not say %q:\n%s", want, out)
		}
	}
	if !slices.Equal(a.Vendors, []string{"openai", "vapi", "anthropic"}) {
		t.Fatalf("vendors = %v", a.Vendors)
	}
	secrets := func(id string) (s []string) {
		for _, k := range a.Keys[id] {
			s = append(s, k.Name+"="+k.Secret+" held by "+strings.Join(k.HeldBy, ","))
		}
		return s
	}
	for id, want := range map[string][]string{
		"openai":    {"openai_api_key=env:OPENAI_API_KEY held by vapi", "openai_api_key_op=cmd:op read op://Private/OpenAI/credential held by "},
		"vapi":      {"vapi_api_key=env:VAPI_API_KEY held by "},
		"anthropic": {"claude_key=env:CLAUDE_KEY held by "},
	} {
		if got := secrets(id); !slices.Equal(got, want) {
			t.Errorf("%s keys = %q, want %q", id, got, want)
		}
	}
	// The answers make a config that loads, with the custody asked for.
	data, err := Render(catalog.Builtin(), Found{}, a)
	if err != nil {
		t.Fatal(err)
	}
	if cfg := parse(t, data); !slices.Equal(cfg.Vendors[1].DependsOn, []string{"openai"}) {
		t.Errorf("VAPI depends on %v", cfg.Vendors[1].DependsOn)
	}
}

func TestAskDeclinedWritesNothing(t *testing.T) {
	_, _, err := ask(t, "0", "0", "0", "0", "0", "0", "n")
	if !errors.Is(err, ErrCancelled) {
		t.Errorf("declined: err = %v, want ErrCancelled", err)
	}
	// The end of the input declines too.
	if _, _, err := ask(t, "0", "0", "0", "0"); !errors.Is(err, ErrCancelled) {
		t.Errorf("input ended: err = %v, want ErrCancelled", err)
	}
}

func TestAskNeedsAVendor(t *testing.T) {
	_, _, err := ask(t, "0", "1", "2", "0")
	if err == nil || !strings.Contains(err.Error(), "choose at least one vendor") {
		t.Errorf("no vendor chosen: err = %v", err)
	}
}
