package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// hangFor caps how long a hanging API holds a request when the client does
// not give up first.
const hangFor = time.Minute

// site is one simulated vendor: its status page and its API on one local
// server. Every answer depends on the story's moment at the request.
type site struct {
	sim   *Sim
	serve func(w http.ResponseWriter, r *http.Request, m Moment)
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, s.sim.Moment())
}

func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	writeBody(w, status, "application/json; charset=utf-8", body)
}

// notFound is a JSON 404, as vendor hosts answer for paths they do not
// have (the Statuspage supplements incident.io does not serve, say).
func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, []byte(`{"error":"Not Found"}`))
}

// bearer returns the key of an Authorization: Bearer header.
func bearer(r *http.Request) string {
	k, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(k)
}

// serveOpenAI is status.openai.com (incident.io's Statuspage-compatible
// summary, operational all along) and api.openai.com's GET /v1/models.
func serveOpenAI(w http.ResponseWriter, r *http.Request, m Moment) {
	switch r.URL.Path {
	case "/api/v2/summary.json":
		writeJSON(w, http.StatusOK, payload("openai__incidentio_v2_summary_operational_2026-09-24.json"))
	case "/v1/models":
		// OpenAI names every answer with a request id, which support asks
		// for; the demo's are made from the moment, never from the key.
		w.Header().Set("X-Request-Id", requestID("openai", m))
		key := bearer(r)
		works := key == CanaryKey || (key == OldKey && !m.Step.KeyLeaked) || (key == NewKey && m.Step.KeyLeaked)
		if works {
			writeJSON(w, http.StatusOK, payload("openai__200_models.json"))
			return
		}
		writeJSON(w, http.StatusUnauthorized, openAIInvalidKey(key))
	default:
		notFound(w)
	}
}

// openAIInvalidKey is OpenAI's recorded 401 invalid_api_key body, naming
// the rejected key masked the way OpenAI masks it: the first eight
// characters, asterisks, the last four.
func openAIInvalidKey(key string) []byte {
	const recorded = "sk-VKMIs***************************************wjh3"
	masked := ""
	if len(key) > 12 {
		masked = key[:8] + strings.Repeat("*", len(key)-12) + key[len(key)-4:]
	}
	q, _ := json.Marshal(masked)
	return []byte(strings.Replace(string(payload("openai__401_invalid_api_key.json")), recorded, strings.Trim(string(q), `"`), 1))
}

// serveVAPI is status.vapi.ai (Better Stack: index.json and feed.rss),
// api.vapi.ai's GET /assistant, and dashboard.vapi.ai: its page (/) and
// the API's answer to the dashboard's CORS preflight, which fails with the
// API, so the dashboard loads but shows nothing.
func (s *Sim) serveVAPI(w http.ResponseWriter, r *http.Request, m Moment) {
	if r.Method == http.MethodOptions && r.URL.Path == "/assistant" {
		vapiPreflight(w, r, m)
		return
	}
	switch r.URL.Path {
	case "/":
		writeBody(w, http.StatusOK, "text/html; charset=utf-8", []byte(`<!DOCTYPE html><html><head><title>Vapi Dashboard</title></head><body><div id="root"></div></body></html>`))
	case "/index.json":
		writeJSON(w, http.StatusOK, s.pages.get(m, false))
	case "/feed.rss":
		writeBody(w, http.StatusOK, "application/rss+xml; charset=utf-8", s.pages.get(m, true))
	case "/assistant", "/call":
		switch {
		case vapiDown(w, r, m):
		case bearer(r) != VAPIKey:
			writeJSON(w, http.StatusUnauthorized, payload("vapi__401_invalid_key.json"))
		case r.URL.Path == "/call":
			serveCalls(w, r, m)
		default:
			writeJSON(w, http.StatusOK, payload("vapi__200_assistants.json"))
		}
	default:
		notFound(w)
	}
}

// serveAnthropic is status.claude.com (Statuspage, calm) and
// api.anthropic.com's GET /v1/models.
func serveAnthropic(w http.ResponseWriter, r *http.Request, _ Moment) {
	switch r.URL.Path {
	case "/api/v2/summary.json":
		writeJSON(w, http.StatusOK, payload("anthropic__statuspage_summary_none.json"))
	case "/v1/models":
		if r.Header.Get("x-api-key") == AnthropicKey {
			writeJSON(w, http.StatusOK, payload("anthropic__200_models.json"))
			return
		}
		writeJSON(w, http.StatusUnauthorized, payload("anthropic__401_authentication_error.json"))
	default:
		notFound(w)
	}
}

// serveGitHub is githubstatus.com (Statuspage status.json, calm, and its
// empty list of unresolved incidents).
func serveGitHub(w http.ResponseWriter, r *http.Request, _ Moment) {
	switch r.URL.Path {
	case "/api/v2/status.json":
		writeJSON(w, http.StatusOK, payload("github__statuspage_status_none.json"))
	case "/api/v2/incidents/unresolved.json":
		writeJSON(w, http.StatusOK, payload("github__statuspage_incidents_unresolved_empty.json"))
	default:
		notFound(w)
	}
}

// requestID is a simulated vendor's request id for an answer at moment m:
// "req_" and 24 hex digits of a hash of the vendor, the moment and a count,
// so every answer has its own.
func requestID(vendor string, m Moment) string {
	n := requestCount.Add(1)
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s %s %d", vendor, m.Time.Format(time.RFC3339Nano), n)))
	return "req_" + hex.EncodeToString(sum[:12])
}

// requestCount numbers the simulated answers.
var requestCount atomic.Uint64

// vapiPreflight answers the dashboard's CORS preflight as the API does:
// allowing the dashboard's origin while the API works, failing with it.
func vapiPreflight(w http.ResponseWriter, r *http.Request, m Moment) {
	if vapiDown(w, r, m) {
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	w.Header().Set("Access-Control-Allow-Headers", "authorization, content-type")
	w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE")
	w.WriteHeader(http.StatusNoContent)
}

// vapiDown answers for VAPI's API while the story has it down (its edge's
// HTML 502, or no answer at all) and reports whether it did.
func vapiDown(w http.ResponseWriter, r *http.Request, m Moment) bool {
	switch m.Step.VAPIAPI {
	case APIEdge502:
		writeBody(w, http.StatusBadGateway, "text/html", payload("openai__502_cloudflare.html"))
	case APIHang:
		select {
		case <-r.Context().Done():
		case <-time.After(hangFor):
		}
	default:
		return false
	}
	return true
}
