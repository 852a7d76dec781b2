package correlate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

func TestRevocationMarker(t *testing.T) {
	tests := []struct {
		result observe.Result
		code   string
		msg    string
		want   bool
	}{
		{observe.ResultInvalidKey, "invalid_api_key", "Incorrect API key provided: sk-proj-****MxYA.", true},
		{observe.ResultInvalidKey, "authentication_error", "invalid x-api-key", true},
		{observe.ResultInvalidKey, "API_KEY_INVALID", "API key not valid. Please pass a valid API key.", true},
		{observe.ResultInvalidKey, "20003", "Authenticate", true},
		{observe.ResultInvalidKey, "", "API key was reported as leaked. Please use another API key.", true},
		{observe.ResultInvalidKey, "", "Unauthorized", false},
		{observe.ResultInvalidKey, "invalid_request_error", "Invalid Key. Hot tip, you may be using the private key", false},
		{observe.ResultAccountDisabled, "invalid_api_key", "", false},
		{observe.ResultOK, "", "", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.result)+"/"+tt.code+"/"+tt.msg, func(t *testing.T) {
			k := observe.KeyResult{Result: tt.result, Code: tt.code, Message: tt.msg}
			if got := RevocationMarker(k); got != tt.want {
				t.Errorf("RevocationMarker = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestKeyRevoked(t *testing.T) {
	t1, t2 := at("10:57"), at("10:58")
	openaiOK := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1)
	tests := []struct {
		name  string
		snaps []observe.Snapshot
		want  []Kind // findings of the last step, in order
	}{
		{"marker once is enough", []observe.Snapshot{
			snapAt(t1, vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1).key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", t1)),
		}, []Kind{KindKeyRevoked}},
		{"no marker once waits", []observe.Snapshot{
			snapAt(t1, vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1).key("prod", false, observe.ResultInvalidKey, 401, "", t1)),
		}, nil},
		{"no marker twice in a row", []observe.Snapshot{
			snapAt(t1, vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1).key("prod", false, observe.ResultInvalidKey, 401, "", t1)),
			snapAt(t2, vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t2).key("prod", false, observe.ResultInvalidKey, 401, "", t2)),
		}, []Kind{KindKeyRevoked}},
		{"the same check assessed twice is not twice in a row", []observe.Snapshot{
			snapAt(t1, vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1).key("prod", false, observe.ResultInvalidKey, 401, "", t1)),
			snapAt(t2, vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1).key("prod", false, observe.ResultInvalidKey, 401, "", t1)),
		}, nil},
		{"vendor has an incident: rejected during incident", []observe.Snapshot{
			snapAt(t1, vendorAt("vapi", "VAPI").page(observe.PartialOutage, "Partial outage", incident("901977", "API and dashboard down", "major", t1)).
				reach(observe.ResultReachable, 401, t1).key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", t1)),
			snapAt(t2, vendorAt("vapi", "VAPI").page(observe.PartialOutage, "Partial outage", incident("901977", "API and dashboard down", "major", t1)).
				reach(observe.ResultReachable, 401, t2).key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", t2)),
		}, []Kind{KindVendorIncident, KindKeyRejectedDuringIncident}},
		{"vendor down: no verdict on the key", []observe.Snapshot{
			snapAt(t1, vendorAt("openai", "OpenAI").reach(observe.ResultVendorError, 502, t1).key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", t1), openaiOK),
		}, nil},
		{"the key works again", []observe.Snapshot{
			snapAt(t1, vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1).key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", t1)),
			snapAt(t2, vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t2).key("prod", false, observe.ResultOK, 200, "", t2)),
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reps, _ := steps(tt.snaps...)
			last := reps[len(reps)-1]
			if got := kinds(last.Findings); !slices.Equal(got, tt.want) {
				t.Fatalf("findings = %v, want %v", got, tt.want)
			}
			uniqueIDs(t, last)
		})
	}
}

func TestKeyRevokedFromStreakAcrossRuns(t *testing.T) {
	// The memory carries streaks across runs (the state dir saves it): a
	// second rejection without a marker, in a later process, confirms it.
	first := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("10:57")).key("prod", false, observe.ResultInvalidKey, 401, "", at("10:57"))
	_, mem := Assess(snapAt(at("10:57"), first), Memory{})
	loaded := saved(t, mem)
	b := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("11:00")).key("prod", false, observe.ResultInvalidKey, 401, "", at("11:00"))
	r, _ := Assess(snapAt(at("11:00"), b), loaded)
	f := find(t, r, KindKeyRevoked)
	if !f.Since.Equal(at("10:57")) || !strings.Contains(f.Detail, "twice in a row since 10:57 UTC") {
		t.Errorf("since %s, detail %q", f.Since, f.Detail)
	}
}

func TestKeyRevokedSaysWhatToDo(t *testing.T) {
	t1 := at("10:57")
	openai := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1).key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", t1)
	openai.v.Keys[0].Message = "Incorrect API key provided: sk-proj-****MxYA. You can find your API key at https://platform.openai.com/account/api-keys."
	vapi := vendorAt("vapi", "VAPI").dependsOn("openai")
	r, _ := Assess(snapAt(t1, openai, vapi), Memory{})
	f := find(t, r, KindKeyRevoked)
	if f.Severity != SeverityCritical || f.Title != "OpenAI key prod revoked" || !slices.Equal(f.Keys, []string{"prod"}) {
		t.Errorf("finding = %+v", f)
	}
	for _, want := range []string{"sk-proj-…PxYA", "HTTP 401 invalid_api_key", `"Incorrect API key provided: sk-proj-****MxYA.`, "invalid_api_key) \"Incorrect API key provided: sk-proj-****MxYA. You can find your API key at https://platform.openai.com/account/api-keys.\" at 10:57 UTC", "reports no incident"} {
		if !strings.Contains(f.Detail, want) {
			t.Errorf("detail lacks %q: %s", want, f.Detail)
		}
	}
	advice := strings.Join(f.Advice, "\n")
	for _, want := range []string{"leaked", "audit log for api_key.deleted", "Rotate", "VAPI"} {
		if !strings.Contains(advice, want) {
			t.Errorf("advice lacks %q:\n%s", want, advice)
		}
	}
	if v, _ := r.Vendor("openai"); v.Level != LevelCritical || r.Overall != LevelCritical {
		t.Errorf("levels: openai %s, overall %s", v.Level, r.Overall)
	}
}

// The forum's canary test: make three keys, use only one.
func TestLeakSuspectedAndAccountKeysRevoked(t *testing.T) {
	t1, t2 := at("09:00"), at("09:01")
	three := func(tm time.Time, prod, c1, c2 observe.Result) *vb {
		b := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, tm)
		for _, k := range []struct {
			name   string
			canary bool
			r      observe.Result
		}{{"prod", false, prod}, {"canary-1", true, c1}, {"canary-2", true, c2}} {
			code := ""
			if k.r == observe.ResultInvalidKey {
				code = "invalid_api_key"
			}
			b.key(k.name, k.canary, k.r, 401, code, tm)
		}
		return b
	}
	ok, bad := observe.ResultOK, observe.ResultInvalidKey
	tests := []struct {
		name  string
		snaps []observe.Snapshot
		want  []Kind
		keys  []string
	}{
		{"only the used key dies", []observe.Snapshot{snapAt(t1, three(t1, bad, ok, ok))}, []Kind{KindKeyLeakSuspected}, []string{"prod"}},
		{"all die in one check", []observe.Snapshot{snapAt(t1, three(t1, bad, bad, bad))}, []Kind{KindAccountKeysRevoked}, []string{"prod", "canary-1", "canary-2"}},
		{"all die one interval apart", []observe.Snapshot{snapAt(t1, three(t1, bad, ok, ok)), snapAt(t2, three(t2, bad, bad, bad))}, []Kind{KindAccountKeysRevoked}, []string{"prod", "canary-1", "canary-2"}},
		{"a canary dies alone", []observe.Snapshot{snapAt(t1, three(t1, ok, bad, ok))}, []Kind{KindKeyRevoked}, []string{"canary-1"}},
		{"keys die an hour apart", []observe.Snapshot{
			snapAt(t1, three(t1, bad, ok, ok)), snapAt(t2, three(t2, bad, ok, ok)),
			snapAt(at("09:59"), three(at("09:59"), bad, ok, ok)), snapAt(at("10:00"), three(at("10:00"), bad, bad, bad)),
		}, []Kind{KindKeyRevoked, KindKeyRevoked, KindKeyRevoked}, []string{"prod"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reps, _ := steps(tt.snaps...)
			last := reps[len(reps)-1]
			if got := kinds(last.Findings); !slices.Equal(got, tt.want) {
				t.Fatalf("findings = %v, want %v", got, tt.want)
			}
			if f := last.Findings[0]; !slices.Equal(f.Keys, tt.keys) || f.Severity != SeverityCritical {
				t.Errorf("keys = %v, severity %s", f.Keys, f.Severity)
			}
			uniqueIDs(t, last)
		})
	}
	t.Run("the leak finding names the live canaries", func(t *testing.T) {
		r, _ := Assess(snapAt(t1, three(t1, bad, ok, ok)), Memory{})
		f := r.Findings[0]
		if !strings.Contains(f.Detail, "canaries you never use (canary-1, canary-2) still work") || !strings.Contains(f.Title, "leaked") {
			t.Errorf("title %q detail %q", f.Title, f.Detail)
		}
	})
}

func TestKeyClasses(t *testing.T) {
	t1 := at("11:00")
	tests := []struct {
		result observe.Result
		code   string
		kind   Kind
		sev    Severity
	}{
		{observe.ResultAccountDisabled, "account_deactivated", KindAccountDisabled, SeverityCritical},
		{observe.ResultQuotaExceeded, "insufficient_quota", KindQuotaExceeded, SeverityCritical},
		{observe.ResultNoPermission, "missing_permissions", KindKeyNoPermission, SeverityWarning},
		{observe.ResultMisconfigured, "mismatched_organization", KindKeyMisconfigured, SeverityWarning},
		{observe.ResultRateLimited, "rate_limit_exceeded", KindRateLimited, SeverityWarning},
		{observe.ResultNoSecret, "", KindSecretMissing, SeverityWarning},
	}
	for _, tt := range tests {
		t.Run(string(tt.result), func(t *testing.T) {
			check := func(t1 time.Time) *vb {
				return vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1).
					key("prod", false, tt.result, 401, tt.code, t1).key("batch", false, tt.result, 401, tt.code, t1)
			}
			r, mem := Assess(snapAt(t1, check(t1)), Memory{})
			if tt.result == observe.ResultRateLimited {
				// Throttling may pass: it is confirmed by a second check.
				if find(t, r, tt.kind).State != StatePending {
					t.Errorf("rate limited once is %s, want pending", find(t, r, tt.kind).State)
				}
				t2 := t1.Add(time.Minute)
				r, _ = Assess(snapAt(t2, check(t2)), mem)
			}
			if got := kinds(r.Findings); !slices.Equal(got, []Kind{tt.kind}) {
				t.Fatalf("findings = %v, want one %s", got, tt.kind)
			}
			f := r.Findings[0]
			if f.Severity != tt.sev || !slices.Equal(f.Keys, []string{"prod", "batch"}) {
				t.Errorf("severity %s keys %v", f.Severity, f.Keys)
			}
			if !strings.HasPrefix(f.Advice[0], "Not an outage") {
				t.Errorf("advice does not say it is not an outage: %q", f.Advice[0])
			}
			if strings.Contains(strings.Join(f.Advice, " "), "%!") {
				t.Errorf("advice badly formatted: %q", f.Advice)
			}
			if has(r, KindVendorOutage) || has(r, KindVendorOutageUnreported) {
				t.Errorf("a key problem was taken for an outage: %v", kinds(r.Findings))
			}
		})
	}
}
