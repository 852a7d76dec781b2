package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// Keys shaped like the vendors' (none is real). internal/fixture holds
// the same shapes, but it sits above this package.
const (
	openAIKey    = "sk-proj-Qm4xZ8vR2nL6tY0wK3pJ9sD1fH5gB7cE2aU4iO6eT8rW0qS3MxYA"
	anthropicKey = "sk-ant-api03-R2Dx7Kq9Vm3Lp5Tn8Wr1Yz4Bc6Df0Gh2Jk4Mn6Pq8St0Uv2Wx4Yz6-AbCdEfigAA"
	vapiKey      = "5f0c9a1e-3b7d-4e2a-8c6f-9d1b2a3c4e5f"
	twilioToken  = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
)

func TestString(t *testing.T) {
	r := New()
	r.Register(openAIKey, anthropicKey, vapiKey, twilioToken)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, in, want string
	}{
		{"whole key", "key " + openAIKey + ".", "key [redacted]."},
		{"fingerprint", "key sk-proj-…MxYA failed", "key sk-proj-…MxYA failed"},
		{"anthropic fingerprint", "sk-ant-api03-…igAA and sk-ant-api03-", "sk-ant-api03-…igAA and sk-ant-api03-"},
		{"a prefix alone", "keys start with sk-proj- here", "keys start with sk-proj- here"},
		{"12 characters of the secret", "saw Z8vR2nL6tY0w in a log", "saw [redacted] in a log"},
		{"7 characters are not a run", "saw Z8vR2nL here", "saw Z8vR2nL here"},
		{"the prefix and 4 characters", "mask sk-proj-Qm4x…MxYA", "mask [redacted]…MxYA"},
		{"zero-width space", "k sk-proj-Qm4xZ8v\u200bR2nL6tY0wK3p end", "k [redacted] end"},
		{"SGR reset", "k sk-proj-Qm4\x1b[0mxZ8vR2n\x1b[0mL6tY0 end", "k [redacted] end"},
		{"soft hyphen and NUL", "k Qm4x\u00adZ8v\x00R2nL end", "k [redacted] end"},
		{"OSC title", "k Qm4xZ\x1b]0;title\x07 8vR2nL end", "k [redacted] end"},
		{"newline and spaces", "k Qm4xZ 8vR\n2nL6 end", "k [redacted] end"},
		{"vapi uuid", `{"key":"` + vapiKey + `"}`, `{"key":"[redacted]"}`},
		{"json escapes", `{"m":"Qm4x\u005a8vR2nL\u200b6tY0"}`, `{"m":"[redacted]"}`},
		{"json slash escape", `{"u":"x\/3b7d-4e2a-8c6f\/y"}`, `{"u":"x\/[redacted]\/y"}`},
		{"url encoding", "GET /v1?key=Qm4x%5A8vR%202nL6 HTTP/1.1", "GET /v1?key=[redacted] HTTP/1.1"},
		{"html entities", "<p>Qm4x&#90;8vR&#x32;nL6&shy;tY0</p>", "<p>[redacted]</p>"},
		{"html tags between pieces", "<p>Qm4xZ<b>8vR2</b>nL6tY0</p>", "<p>[redacted]</p>"},
		{"hex", "id " + hex.EncodeToString([]byte("x"+vapiKey+"y")), "id 78[redacted]79"},
		{"twilio token in upper json", `{"auth_token":"` + twilioToken + `"}`, `{"auth_token":"[redacted]"}`},
		{"8-bit CSI", "k Qm4x\x9b31mZ8vR2nL6 end", "k [redacted] end"},
		{"nothing to do", "all systems operational", "all systems operational"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.String(tt.in); got != tt.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}

	t.Run("base64", func(t *testing.T) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			for pad := range 3 { // the key at every offset of a quantum
				text := strings.Repeat("x", pad) + "Authorization: Bearer " + openAIKey + "\r\n"
				for _, glue := range []string{"", "b64", "data"} {
					in := "body " + glue + enc.EncodeToString([]byte(text)) + " end"
					out := r.String(in)
					if !strings.Contains(out, Placeholder) || !strings.HasPrefix(out, "body ") || !strings.HasSuffix(out, " end") {
						t.Errorf("String(%q) = %q", in, out)
					}
				}
			}
		}
		if got := r.String("Basic " + b64("AC0123:"+twilioToken)); got == "Basic "+b64("AC0123:"+twilioToken) {
			t.Errorf("a Basic credential was not redacted: %q", got)
		}
	})
}

// The placeholder replaces the original span: what is left still decodes,
// and the text around the key is untouched.
func TestOriginalSpan(t *testing.T) {
	r := New()
	r.Register(openAIKey)
	in, _ := json.Marshal(map[string]string{"message": "Incorrect API key provided: sk-proj-Qm4x\u200bZ8vR\x1b[0m2nL6tY0wK3pJ9sD1fH5gB7cE2aU4iO6eT8rW0qS3MxYA. See https://platform.openai.com."})
	out := r.Bytes(in)
	var doc map[string]string
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("redacted JSON no longer decodes: %v\n%s", err, out)
	}
	if want := "Incorrect API key provided: [redacted]. See https://platform.openai.com."; doc["message"] != want {
		t.Errorf("message = %q, want %q", doc["message"], want)
	}
	plain := []byte("nothing secret here, just text")
	if got := r.Bytes(plain); &got[0] != &plain[0] {
		t.Error("Bytes copied a text it did not change")
	}
}

func TestRegister(t *testing.T) {
	r := New()
	if got := r.String(openAIKey); got != openAIKey {
		t.Errorf("an empty redactor changed %q", got)
	}
	r.Register("short", "  ", "")
	if r.idx.Load() != nil {
		t.Error("values too short to match built an index")
	}
	r.Register("  " + vapiKey + "\n")
	if got := r.String("x " + vapiKey); got != "x [redacted]" {
		t.Errorf("a key registered with white space around it: %q", got)
	}
	ix := r.idx.Load()
	r.Register(vapiKey)
	if r.idx.Load() != ix {
		t.Error("registering a known secret rebuilt the index")
	}
}

func TestRegisterURL(t *testing.T) {
	const hook = "https://hooks.slack.com/services/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"
	r := New()
	r.Register(hook) // a secret that is a URL registers its secret parts
	r.RegisterURL("https://user:s3cretPassw0rd@example.com/hook?token=abcdef123456&x=1")
	tests := []struct{ in, want string }{
		{`Post "` + hook + `": dial tcp: refused`, `Post "https://hooks.slack.com/services/[redacted]/[redacted]/[redacted]": dial tcp: refused`},
		{"posting to https://hooks.slack.com/services/ failed", "posting to https://hooks.slack.com/services/ failed"},
		{"echo Xy9Zq8Wv7Ut6", "echo [redacted]"},
		{"pw s3cretPassw0rd token abcdef123456", "pw [redacted] token [redacted]"},
		{"https://example.com/hook", "https://example.com/hook"},
	}
	for _, tt := range tests {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	// A webhook on loopback (the tests') has nothing secret to register.
	r2 := New()
	r2.Register("http://127.0.0.1:41234/hook")
	if r2.idx.Load() != nil {
		t.Error("a loopback URL with no secret part registered something")
	}
}

func TestShapes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"key sk-VKMIs***wjh3abcdef0123 bad", "key [redacted] bad"},
		{"Authorization: Bearer abcdefghijkl0123", "Authorization: Bearer [redacted]"},
		{"id " + vapiKey + ".", "id [redacted]."},
		{"a plain sentence with words.", "a plain sentence with words."},
	}
	for _, tt := range tests {
		if got := Shapes(tt.in); got != tt.want {
			t.Errorf("Shapes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Shapes("pw hunter2x", "hunter2x"); got != "pw [redacted]" {
		t.Errorf("Shapes with a known value: %q", got)
	}
}

func TestWriter(t *testing.T) {
	r := New()
	r.Register(openAIKey)
	var buf bytes.Buffer
	w := r.Writer(&buf)
	n, err := w.Write([]byte("error: " + openAIKey + "\n"))
	if err != nil || n != len("error: "+openAIKey+"\n") {
		t.Errorf("Write = %d, %v; want the length written and no error", n, err)
	}
	if buf.String() != "error: [redacted]\n" {
		t.Errorf("wrote %q", buf.String())
	}
	if u, ok := w.(interface{ Unwrap() io.Writer }); !ok || u.Unwrap() != &buf {
		t.Error("the writer does not unwrap to its destination")
	}
}

func TestPublicPrefix(t *testing.T) {
	for key, want := range map[string]string{
		openAIKey: "sk-proj-", anthropicKey: "sk-ant-api03-", vapiKey: "", "sk-abc": "sk-", "AIzaSyD3": "AIza",
	} {
		if got := PublicPrefix(key); got != want {
			t.Errorf("PublicPrefix(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestValue(t *testing.T) {
	type inner struct {
		Message string
		Tags    map[string]string
	}
	type report struct {
		Title   string
		Inner   *inner
		List    []inner
		Any     any
		private string
	}
	r := New()
	r.Register(vapiKey)
	in := report{
		Title:   "ok",
		Inner:   &inner{Message: "key " + vapiKey},
		List:    []inner{{Message: "fine"}, {Tags: map[string]string{"k": vapiKey}}},
		Any:     "x" + vapiKey,
		private: vapiKey,
	}
	out := RedactValue(r, in)
	if out.Inner.Message != "key [redacted]" || out.List[1].Tags["k"] != "[redacted]" || out.Any != "x[redacted]" || out.Title != "ok" {
		t.Errorf("not redacted: %+v %+v %+v", out, *out.Inner, out.List)
	}
	if in.Inner.Message != "key "+vapiKey || in.List[1].Tags["k"] != vapiKey {
		t.Error("the value given was modified")
	}
	if out.List[0].Message != "fine" || out.private != vapiKey {
		t.Errorf("what needed no change was lost: %+v", out)
	}
	same := report{Title: "nothing secret", List: []inner{{Message: "a"}}}
	if got := RedactValue(r, same); &got.List[0] != &same.List[0] {
		t.Error("a value with nothing to redact was copied")
	}
}
