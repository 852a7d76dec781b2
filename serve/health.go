package serve

import (
	"fmt"
	"net/http"
	"time"
)

// Health is the JSON of /healthz to an authorized client (to anyone when
// no token is configured).
type Health struct {
	// Status is "ok", "starting" (no check yet), "stale" (no check for
	// longer than the stale limit) or "degraded" (the history cannot be
	// opened or written). The answer is 503 when it is stale or degraded.
	Status    string    `json:"status"`
	Version   string    `json:"version"`
	LastCheck time.Time `json:"last_check,omitzero"`
	Overall   string    `json:"overall,omitempty"`
	// HistoryError is why the history cannot be used: it could not be
	// opened at start, or the latest recording failed.
	HistoryError string `json:"history_error,omitempty"`
	// Problems says, a sentence each, why the answer is 503.
	Problems []string `json:"problems,omitempty"`
}

// PublicHealth is the JSON of /healthz to a client without the token: ok
// or degraded, and nothing about the vendors or the build.
type PublicHealth struct {
	Status string `json:"status"`
}

// health is the server's health now, and the HTTP status to answer with.
func (s *Server) health() (Health, int) {
	st := s.state()
	h := Health{Status: "ok", Version: s.opts.Version, LastCheck: st.report.GeneratedAt, Overall: string(st.report.Overall)}
	if !st.have {
		h.Status, h.Overall = "starting", ""
	}
	if st.historyDown != "" {
		h.HistoryError = st.historyDown
		h.Problems = append(h.Problems, "the history could not be opened, so nothing is recorded: "+st.historyDown)
	} else if st.lastErr != "" {
		h.HistoryError = st.lastErr
		h.Problems = append(h.Problems, "the latest check could not be recorded: "+st.lastErr)
	}
	if h.Problems != nil {
		h.Status = "degraded"
	}
	if age := s.opts.Now().Sub(st.report.GeneratedAt); st.have && age > s.opts.Stale {
		h.Status = "stale"
		h.Problems = append(h.Problems, fmt.Sprintf("no check has finished for %s (the limit is %s)", age.Round(time.Second), s.opts.Stale))
	}
	if h.Problems != nil {
		return h, http.StatusServiceUnavailable
	}
	return h, http.StatusOK
}

// healthz answers whether checks are coming and being recorded. Without
// the token it says only ok or degraded.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	h, code := s.health()
	if !s.authorized(r) {
		p := PublicHealth{Status: "ok"}
		if code != http.StatusOK {
			p.Status = "degraded"
		}
		writeJSON(w, code, p)
		return
	}
	writeJSON(w, code, h)
}
