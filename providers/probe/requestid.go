package probe

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// MaxRequestID caps a request id kept from a vendor's answer; real ones
// are 20 to 64 characters.
const MaxRequestID = 96

// requestIDHeaders are the response headers that carry a vendor's id for
// one request, in the order they are preferred. What each catalog vendor
// sends (docs and recorded answers, see /work/shared/notes/keyprobe.md):
//
//   - x-request-id: OpenAI ("req_…", its API reference, "Debugging
//     requests"), Groq (OpenAI-compatible), LangSmith;
//   - request-id: Anthropic (every answer, its API overview), Stripe
//     (Request-Id);
//   - openai-request-id: sent by some OpenAI-compatible gateways;
//   - twilio-request-id: Twilio;
//   - x-github-request-id: GitHub;
//   - dg-request-id: Deepgram (its 2022-11-08 changelog: on every answer);
//   - x-trace-id: ElevenLabs;
//   - x-kong-request-id: Mistral's gateway.
//
// VAPI, Retell, OpenRouter and Cartesia document none; behind Cloudflare
// they answer with cf-ray, which is kept as the last resort (the edge's
// id of the request: support can find it, but it is not the vendor's own).
var requestIDHeaders = []string{
	"X-Request-Id", "Request-Id", "Openai-Request-Id", "Twilio-Request-Id",
	"X-Github-Request-Id", "Dg-Request-Id", "X-Trace-Id", "X-Kong-Request-Id", "X-Amzn-Requestid",
}

// RequestID is the vendor's id of one request, from its answer's headers,
// else a top-level "request_id" of its JSON body (Anthropic, Deepgram and
// Mistral put it in error bodies), else Cloudflare's cf-ray. from names
// where it was found (the header's name in lower case, or "body"). The id
// is cleaned and cut to MaxRequestID; one that does not look like an id
// (spaces, quotes, controls) is dropped rather than kept. secret, when
// given, is the key the request carried: an id that holds it is dropped.
func RequestID(h http.Header, body []byte, secret string) (id, from string) {
	for _, name := range requestIDHeaders {
		if v := cleanRequestID(h.Get(name), secret); v != "" {
			return v, strings.ToLower(name)
		}
	}
	if len(body) > 0 && len(body) < 1<<16 {
		var b struct {
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal(body, &b) == nil {
			if v := cleanRequestID(b.RequestID, secret); v != "" {
				return v, "body"
			}
		}
	}
	if v := cleanRequestID(h.Get("Cf-Ray"), secret); v != "" {
		return v, "cf-ray"
	}
	return "", ""
}

// cleanRequestID keeps an id made of letters, digits and . _ : / + = -
// only, cut to MaxRequestID. An id that holds a run of the key this
// request carried, however disguised, is dropped; any other secret the
// process knows is blanked where the id is printed, like all text. Key
// shapes are not applied: request ids are often UUIDs or hex, the very
// shapes of VAPI keys and Twilio tokens. An id that starts with a
// vendor's key prefix (sk-, gsk_, AIza, ...) is dropped as well.
func cleanRequestID(v, secret string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	for _, r := range v {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:/+=-", r)
		if !ok {
			return ""
		}
	}
	if len(v) > MaxRequestID {
		v = v[:MaxRequestID]
	}
	if secret != "" {
		redact.Register(secret)
		own := redact.New()
		own.Register(secret)
		if strings.Contains(v, secret) || own.String(v) != v {
			return ""
		}
	}
	if redact.PublicPrefix(v) != "" {
		return ""
	}
	return v
}
