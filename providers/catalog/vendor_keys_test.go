package catalog

import (
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// With no config, every key found in a conventional variable is probed:
// the default vendors', and any other catalog vendor's whose variable is
// set. A Twilio token takes its Account SID from TWILIO_ACCOUNT_SID.
func TestDefaultConfigProbesConventionalKeys(t *testing.T) {
	for _, env := range []string{"VAPI_API_KEY", "VAPI_PRIVATE_KEY", "ANTHROPIC_API_KEY", "ELEVENLABS_API_KEY", "XI_API_KEY",
		"DEEPGRAM_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "MISTRAL_API_KEY", "COHERE_API_KEY", "CO_API_KEY",
		"STRIPE_SECRET_KEY", "STRIPE_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY",
		"GITHUB_TOKEN", "GH_TOKEN", "OPENROUTER_API_KEY", "CARTESIA_API_KEY", "RETELL_API_KEY"} {
		t.Setenv(env, "")
	}
	t.Setenv("OPENAI_API_KEY", fixture.OpenAIKey)
	t.Setenv("GROQ_API_KEY", fixture.GroqKey)
	t.Setenv("TWILIO_AUTH_TOKEN", fixture.TwilioToken)
	t.Setenv("TWILIO_ACCOUNT_SID", fixture.TwilioAccount)
	cfg := DefaultConfig(Builtin())
	keys := map[string][]string{}
	ids := map[string]bool{}
	for _, v := range cfg.Vendors {
		ids[v.ID] = true
		for _, k := range v.Keys {
			keys[v.ID] = append(keys[v.ID], k.Name+"="+k.Secret.String()+"/"+k.Account)
		}
	}
	want := map[string][]string{
		"openai": {"openai_api_key=env:OPENAI_API_KEY/"},
		"groq":   {"groq_api_key=env:GROQ_API_KEY/"},
		"twilio": {"twilio_auth_token=env:TWILIO_AUTH_TOKEN/" + fixture.TwilioAccount},
	}
	for id, w := range want {
		if len(keys[id]) != 1 || keys[id][0] != w[0] {
			t.Errorf("%s keys = %v, want %v", id, keys[id], w)
		}
	}
	if len(keys) != len(want) {
		t.Errorf("keys = %v", keys)
	}
	if !ids["vapi"] || !ids["github"] || ids["mistral"] {
		t.Errorf("vendors = %v: the defaults stay, other vendors come only with a key", ids)
	}
	vendors, err := Resolve(cfg, Builtin(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vendors {
		if len(v.Keys) > 0 && v.Probe == nil {
			t.Errorf("%s has keys but no probe", v.ID)
		}
	}
}
