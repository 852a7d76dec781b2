package probe

import (
	"net/http"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

func TestRequestID(t *testing.T) {
	t.Parallel()
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	tests := []struct {
		name     string
		header   http.Header
		body     string
		id, from string
	}{
		{"openai", h("x-request-id", "req_8f3a1c0b7e2d4f6a8b0c1d2e3f4a5b6c", "cf-ray", "8c1f2a3b4c5d6e7f-AMS"), "", "req_8f3a1c0b7e2d4f6a8b0c1d2e3f4a5b6c", "x-request-id"},
		{"anthropic", h("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy"), `{"type":"error","request_id":"req_other"}`, "req_011CSHoEeqs5C35K2UUqR7Fy", "request-id"},
		{"twilio", h("Twilio-Request-Id", "RQ0123456789abcdef0123456789abcdef"), "", "RQ0123456789abcdef0123456789abcdef", "twilio-request-id"},
		{"deepgram", h("dg-request-id", "0e1b7c52-6f0a-4a36-9d0b-7a3f2c1d4e5f"), "", "0e1b7c52-6f0a-4a36-9d0b-7a3f2c1d4e5f", "dg-request-id"},
		{"mistral body", h(), `{"message":"Unauthorized","request_id":"5c2e8f0a9b1d"}`, "5c2e8f0a9b1d", "body"},
		{"cloudflare only", h("cf-ray", "8c1f2a3b4c5d6e7f-AMS", "server", "cloudflare"), "<html>", "8c1f2a3b4c5d6e7f-AMS", "cf-ray"},
		{"none", h("server", "nginx"), "", "", ""},
		{"escape sequence dropped", h("x-request-id", "req_1\x1b[31mred"), "", "", ""},
		{"spaces dropped, fallback kept", h("x-request-id", "not an id", "cf-ray", "8c1f2a3b4c5d6e7f-AMS"), "", "8c1f2a3b4c5d6e7f-AMS", "cf-ray"},
		{"a key echoed as an id is dropped", h("x-request-id", fixture.OpenAIKey), "", "", ""},
		{"another vendor's key shape is dropped", h("request-id", fixture.AnthropicKey), "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, from := RequestID(tt.header, []byte(tt.body), fixture.OpenAIKey)
			if id != tt.id || from != tt.from {
				t.Errorf("RequestID = %q from %q, want %q from %q", id, from, tt.id, tt.from)
			}
		})
	}
	long := "req_abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789"
	if id, _ := RequestID(h("x-request-id", long), nil, ""); len(id) != MaxRequestID {
		t.Errorf("a long id is cut to %d characters, got %d", MaxRequestID, len(id))
	}
}
