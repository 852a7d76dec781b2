package correlate

import (
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// held gives the vendor's key name its holders.
func (b *vb) held(name string, hs ...observe.Holder) *vb {
	for i := range b.v.Keys {
		if b.v.Keys[i].Name == name {
			b.v.Keys[i].Holders = hs
		}
	}
	return b
}

func vendorHolder(id string) observe.Holder  { return observe.Holder{Kind: "vendor", Name: id} }
func serviceHolder(id string) observe.Holder { return observe.Holder{Kind: "service", Name: id} }
func secretHolder(ref string) observe.Holder { return observe.Holder{Kind: "secret", Name: ref} }
func vapiWithLinks(tm string) *vb {
	b := vendorAt("vapi", "VAPI").dependsOn("openai").reach(observe.ResultReachable, 401, at(tm)).key("prod", false, observe.ResultOK, 200, "", at(tm))
	b.v.Links.Keys = "https://dashboard.vapi.ai/org/api-keys"
	return b
}

// The forum's canary test, generalized to custody: OpenAI key "voice" is
// held only by VAPI; our backend's key "prod" is held by our service and
// Google Secret Manager. At 10:57 "voice" alone is revoked while "prod"
// lives, so the finding names VAPI as the only holder and the likely leak
// source, and says how to update each holder; at 11:30 a new key works
// and the episode closes. The engineer sees, check by check:
//
//	10:50 OK
//	10:57 KEY: OpenAI key voice revoked: only VAPI held it
//	11:00 the same, still open
//	11:30 a new key: recovering; 11:31 closed
func TestScenarioLeakSource(t *testing.T) {
	openai := func(tm string, voice observe.Result, fp string) *vb {
		code := ""
		if voice == observe.ResultInvalidKey {
			code = "invalid_api_key"
		}
		b := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm)).
			key("prod", false, observe.ResultOK, 200, "", at(tm)).
			key("voice", false, voice, 401, code, at(tm)).
			held("prod", serviceHolder("voice-backend"), secretHolder("gcp:openai-prod")).
			held("voice", vendorHolder("vapi"))
		b.v.Keys[1].Fingerprint = fp
		return b
	}
	old, fresh := "sk-proj-…V1aa", "sk-proj-…V2bb"
	reps, _ := runScenario(t, []step{
		{"10:50", []*vb{openai("10:50", observe.ResultOK, old), vapiWithLinks("10:50")}, nil, LevelOK, "OK"},
		{"10:57", []*vb{openai("10:57", observe.ResultInvalidKey, old), vapiWithLinks("10:57")},
			[]string{"opened key_revoked openai", "opened upstream_impact vapi"}, LevelCritical, "KEY: OpenAI key voice revoked: only VAPI held it"},
		{"11:00", []*vb{openai("11:00", observe.ResultInvalidKey, old), vapiWithLinks("11:00")}, nil, LevelCritical, "KEY: OpenAI key voice revoked: only VAPI held it"},
		{"11:30", []*vb{openai("11:30", observe.ResultOK, fresh), vapiWithLinks("11:30")}, nil, LevelOK, "OK, recovering from: OpenAI key voice revoked"},
		{"11:31", []*vb{openai("11:31", observe.ResultOK, fresh), vapiWithLinks("11:31")},
			[]string{"closed key_revoked openai", "closed upstream_impact vapi"}, LevelOK, "OK"},
	})
	for i, r := range reps[1:3] {
		f := find(t, r, KindKeyRevoked)
		if f.LeakSource != "vapi" || len(f.Holders) != 1 || f.Holders[0] != vendorHolder("vapi") {
			t.Errorf("check %d: leak source %q, holders %v", i+1, f.LeakSource, f.Holders)
		}
		if !strings.Contains(f.Detail, "the revoked key was held only by VAPI") || !strings.Contains(f.Detail, "Held by: VAPI (vendor).") {
			t.Errorf("check %d: detail %q", i+1, f.Detail)
		}
		advice := strings.Join(f.Advice, "\n")
		if !strings.HasPrefix(f.Advice[0], "Investigate VAPI as the leak source") ||
			!strings.Contains(advice, "Put the new key into VAPI, which holds this one: in VAPI's dashboard (https://dashboard.vapi.ai/org/api-keys).") {
			t.Errorf("check %d: advice %q", i+1, f.Advice)
		}
		// VAPI is listed as the holder, so nothing says it might be one.
		if strings.Contains(advice, "not listed as holding") {
			t.Errorf("check %d: advice doubts a listed holder: %q", i+1, f.Advice)
		}
		for _, g := range r.Findings {
			for _, a := range g.Advice {
				if strings.Contains(strings.ToLower(a), "do not rotate") {
					t.Errorf("check %d: %s advises %q beside a dead key", i+1, g.Kind, a)
				}
			}
		}
	}
}

// A key with more than one outside holder, or one revoked while no other
// key of the vendor lives, names no leak source; its holders are listed
// and each gets its update step all the same.
func TestLeakSourceNeedsOneHolderAndALiveKey(t *testing.T) {
	cases := []struct {
		name    string
		prod    observe.Result
		holders []observe.Holder
		source  string
	}{
		{"one vendor, another key lives", observe.ResultOK, []observe.Holder{vendorHolder("vapi"), serviceHolder("api")}, "vapi"},
		{"two vendors", observe.ResultOK, []observe.Holder{vendorHolder("vapi"), vendorHolder("langsmith")}, ""},
		{"no other key lives", observe.ResultInvalidKey, []observe.Holder{vendorHolder("vapi")}, ""},
		{"only our own service", observe.ResultOK, []observe.Holder{serviceHolder("api")}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			openai := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("10:57")).
				key("prod", false, c.prod, 401, "invalid_api_key", at("10:57")).
				key("voice", false, observe.ResultInvalidKey, 401, "invalid_api_key", at("10:57")).
				held("voice", c.holders...)
			langsmith := vendorAt("langsmith", "LangSmith")
			r, _ := Assess(snapAt(at("10:57"), openai, vapiWithLinks("10:57"), langsmith), Memory{})
			var f Finding
			for _, g := range r.Findings {
				if keyDeaths[g.Kind] && strings.Contains(strings.Join(g.Keys, ","), "voice") {
					f = g
				}
			}
			if f.Kind == "" {
				t.Fatalf("no finding about voice: %v", kinds(r.Findings))
			}
			if f.LeakSource != c.source || strings.Contains(f.Detail, "held only by") != (c.source != "") {
				t.Errorf("leak source %q, want %q; detail %q", f.LeakSource, c.source, f.Detail)
			}
			if len(f.Holders) != len(c.holders) {
				t.Errorf("holders %v, want %v", f.Holders, c.holders)
			}
			advice := strings.Join(f.Advice, "\n")
			for _, h := range c.holders {
				want := map[string]string{"vendor": "Put the new key into ", "service": "Redeploy " + h.Name}[h.Kind]
				if h.Kind == "vendor" {
					want += map[string]string{"vapi": "VAPI", "langsmith": "LangSmith"}[h.Name]
				}
				if !strings.Contains(advice, want) {
					t.Errorf("advice lacks %q: %q", want, f.Advice)
				}
			}
		})
	}
}

// Every finding about a key lists its holders, whatever the kind; a
// finding that is not about a dead key gets no update steps.
func TestHoldersOnEveryKeyFinding(t *testing.T) {
	openai := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("10:57")).
		key("prod", false, observe.ResultQuotaExceeded, 429, "insufficient_quota", at("10:57")).
		held("prod", serviceHolder("voice-backend"), vendorHolder("vapi"), secretHolder("gcp:openai-prod"))
	r, _ := Assess(snapAt(at("10:57"), openai, vapiWithLinks("10:57")), Memory{})
	f := find(t, r, KindQuotaExceeded)
	if len(f.Holders) != 3 || !strings.Contains(f.Detail, "Held by: voice-backend (our service), VAPI (vendor), gcp:openai-prod (secret store).") {
		t.Errorf("holders %v, detail %q", f.Holders, f.Detail)
	}
	if strings.Contains(strings.Join(f.Advice, " "), "Put the new key") {
		t.Errorf("quota advice asks to rotate: %q", f.Advice)
	}
}

// A dead key's advice names each holder with the way to update it, and a
// vendor that depends on the key's vendor without being listed is named
// as a possible holder.
func TestHolderAdvice(t *testing.T) {
	openai := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("10:57")).
		key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", at("10:57")).
		held("prod", serviceHolder("voice-backend"), secretHolder("gcp:openai-prod"), secretHolder("op://Ops/OpenAI/credential"))
	r, _ := Assess(snapAt(at("10:57"), openai, vapiWithLinks("10:57")), Memory{})
	f := find(t, r, KindKeyRevoked)
	advice := strings.Join(f.Advice, "\n")
	for _, want := range []string{
		"Redeploy voice-backend, our service that holds this key, with the new key.",
		"run `read -rs NEW_KEY`",
		"`printf %s \"$NEW_KEY\" | gcloud secrets versions add openai-prod --data-file=-`",
		"field credential of item OpenAI in vault Ops",
		"VAPI depends on OpenAI but is not listed as holding this key",
	} {
		if !strings.Contains(advice, want) {
			t.Errorf("advice lacks %q:\n%s", want, advice)
		}
	}
	if strings.Contains(advice, "(depends_on), then redeploy") {
		t.Errorf("the generic dependents line stayed beside the holders' steps:\n%s", advice)
	}
	if f.LeakSource != "" {
		t.Errorf("leak source %q with no other key alive", f.LeakSource)
	}
}

func TestStoreAdvice(t *testing.T) {
	for entry, want := range map[string]string{
		"gcp:openai-prod":             "gcloud secrets versions add openai-prod --data-file=-`",
		"gcp:my-project/openai-prod":  "gcloud secrets versions add openai-prod --project=my-project --data-file=-`",
		"firebase:OPENAI_KEY":         "firebase functions:secrets:set OPENAI_KEY --data-file=-`",
		"aws:prod/openai":             "aws secretsmanager put-secret-value --secret-id prod/openai --secret-string file:///dev/stdin`",
		"vault:secret/openai#api_key": "vault kv patch -mount=secret openai api_key=-`",
		"op://Ops/OpenAI/credential":  "`op item edit \"OpenAI\" --vault \"Ops\"`",
		"keychain:openai":             "Put the new key into secret store entry keychain:openai, then restart what reads it.",
	} {
		if got := storeAdvice(entry); !strings.Contains(got, want) {
			t.Errorf("storeAdvice(%q) = %q, want %q in it", entry, got, want)
		}
	}
}

// When the dead key lists the dependent as a holder, upstream_impact says
// for certain that the dependent holds it, instead of "if".
func TestUpstreamImpactNamesTheHeldKey(t *testing.T) {
	openai := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("10:57")).
		key("voice", false, observe.ResultInvalidKey, 401, "invalid_api_key", at("10:57")).
		held("voice", vendorHolder("vapi"))
	r, _ := Assess(snapAt(at("10:57"), openai, vapiWithLinks("10:57")), Memory{})
	f := find(t, r, KindUpstreamImpact)
	if !strings.Contains(f.Detail, "VAPI holds OpenAI key voice") || !strings.HasPrefix(f.Advice[0], "VAPI holds the dead OpenAI key") {
		t.Errorf("detail %q, advice %q", f.Detail, f.Advice)
	}
}
