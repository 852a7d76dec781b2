package demo

import (
	"encoding/json"
	"net/http"
	"strings"
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

// serveVAPI is status.vapi.ai (Better Stack: index.json and feed.rss) and
// api.vapi.ai's GET /assistant.
func (s *Sim) serveVAPI(w http.ResponseWriter, r *http.Request, m Moment) {
	switch r.URL.Path {
	case "/index.json":
		writeJSON(w, http.StatusOK, s.pages.get(m, false))
	case "/feed.rss":
		writeBody(w, http.StatusOK, "application/rss+xml; charset=utf-8", s.pages.get(m, true))
	case "/assistant":
		switch m.Step.VAPIAPI {
		case APIEdge502:
			writeBody(w, http.StatusBadGateway, "text/html", payload("openai__502_cloudflare.html"))
		case APIHang:
			select {
			case <-r.Context().Done():
			case <-time.After(hangFor):
			}
		default:
			if bearer(r) == VAPIKey {
				writeJSON(w, http.StatusOK, payload("vapi__200_assistants.json"))
				return
			}
			writeJSON(w, http.StatusUnauthorized, payload("vapi__401_invalid_key.json"))
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
