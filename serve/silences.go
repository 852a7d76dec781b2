package serve

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
)

// pathSilences lists (GET) and adds (POST) silences; DELETE on
// pathSilences/{id} expires one.
const pathSilences = "/api/v1/silences"

// maxSilenceBody bounds the body of POST /api/v1/silences.
const maxSilenceBody = 16 << 10

// silenceRequest is the body of POST /api/v1/silences (remote's
// SilenceRequest on the other side): what to match, why, who asks, and
// for how long as a Go duration. The server's clock starts it.
type silenceRequest struct {
	Vendor  string         `json:"vendor"`
	Kind    correlate.Kind `json:"kind"`
	Key     string         `json:"key"`
	Comment string         `json:"comment"`
	By      string         `json:"by"`
	For     string         `json:"for"`
}

// writable lets a request that changes the server's history through
// only when the server has a token: without one, anyone who can reach
// it could mute its alerts. (auth has already checked the token.)
func (s *Server) writable(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Token == "" {
			httpError(w, http.StatusForbidden, "this server has no token: silences can only be changed over HTTP when serve runs with one")
			return
		}
		if s.opts.Store == nil {
			httpError(w, http.StatusServiceUnavailable, "no history on this server")
			return
		}
		next(w, r)
	})
}

// silences answers {"silences": [...]}: the active ones, or every one
// kept with ?all=1.
func (s *Server) silences(w http.ResponseWriter, r *http.Request) {
	if s.opts.Store == nil {
		httpError(w, http.StatusServiceUnavailable, "no history on this server")
		return
	}
	ss, err := s.opts.Store.Silences(r.Context(), s.opts.Now(), r.URL.Query().Get("all") == "1")
	if err != nil {
		s.logf("vendorwatch: %s: %v", pathSilences, err)
		httpError(w, http.StatusInternalServerError, "reading the history failed")
		return
	}
	if ss == nil {
		ss = []correlate.Silence{}
	}
	writeJSON(w, http.StatusOK, map[string][]correlate.Silence{"silences": ss})
}

// addSilence stores the silence in the body and answers it, 201. A
// vendor the server does not watch is refused, so a typo does not
// silence nothing while looking done.
func (s *Server) addSilence(w http.ResponseWriter, r *http.Request) {
	var req silenceRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxSilenceBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		httpError(w, http.StatusBadRequest, "the body is not a silence: want JSON with vendor, comment, by, for and optionally kind and key")
		return
	}
	d, err := time.ParseDuration(req.For)
	if err != nil {
		httpError(w, http.StatusBadRequest, `for: a duration such as "2h"`)
		return
	}
	if rep := s.state().report; !watches(&rep, req.Vendor) {
		httpError(w, http.StatusBadRequest, "vendor: this server does not watch "+strconv.Quote(req.Vendor))
		return
	}
	if req.By == "" {
		req.By = "unknown"
	}
	now := s.opts.Now().UTC()
	sl := correlate.Silence{Vendor: req.Vendor, Kind: req.Kind, Key: req.Key, Comment: req.Comment, By: req.By, Created: now, Until: now.Add(d)}
	if err := sl.Validate(); err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	sl, err = s.opts.Store.AddSilence(r.Context(), sl)
	if err != nil {
		s.logf("vendorwatch: %s: %v", pathSilences, err)
		httpError(w, http.StatusInternalServerError, "recording the silence failed")
		return
	}
	s.logf("vendorwatch: silence #%d added by %s for %s until %s", sl.ID, sl.By, sl.Vendor, sl.Until.Format(time.RFC3339))
	s.resilence(r.Context())
	writeJSON(w, http.StatusCreated, sl)
}

// expireSilence ends the silence {id} now and answers it.
func (s *Server) expireSilence(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		httpError(w, http.StatusBadRequest, "id: a silence number")
		return
	}
	sl, err := s.opts.Store.ExpireSilence(r.Context(), id, s.opts.Now())
	switch {
	case errors.Is(err, history.ErrNoSilence):
		httpError(w, http.StatusNotFound, "no silence #"+strconv.FormatInt(id, 10))
		return
	case err != nil:
		s.logf("vendorwatch: %s: %v", pathSilences, err)
		httpError(w, http.StatusInternalServerError, "expiring the silence failed")
		return
	}
	s.logf("vendorwatch: silence #%d expired", sl.ID)
	s.resilence(r.Context())
	writeJSON(w, http.StatusOK, sl)
}

func watches(r *correlate.Report, id string) bool {
	_, ok := r.Vendor(id)
	return ok
}

// resilence applies the silences of now to the report being served, so
// a silence added or expired shows in /api/v1/snapshot and /metrics at
// once rather than from the next check. Notifications follow the next
// check, as ever.
func (s *Server) resilence(ctx context.Context) {
	now := s.opts.Now()
	sls, err := s.opts.Store.Silences(ctx, now, false)
	if err != nil {
		s.logf("vendorwatch: %s: %v", pathSilences, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rep := correlate.ApplySilences(s.st.report, sls, now)
	if !sameReport(s.st.report, rep) {
		s.st.gen++
	}
	s.st.report = rep
}
