package traffictest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Notification is one webhook call of Alertmanager (its documented
// webhook_config payload, version 4), with the path it was sent to: the
// receiver, in the tests' configs.
type Notification struct {
	Path     string      `json:"-"`
	Status   string      `json:"status"` // firing or resolved
	Receiver string      `json:"receiver"`
	GroupKey string      `json:"groupKey"`
	Alerts   []SentAlert `json:"alerts"`
}

// SentAlert is one alert of a notification.
type SentAlert struct {
	Status      string            `json:"status"` // firing or resolved
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

// Receiver is a webhook receiver for Alertmanager that records every
// notification: the pager of the tests.
type Receiver struct {
	URL string

	mu  sync.Mutex
	got []Notification
}

// NewReceiver starts a receiver on loopback; the test's cleanup stops it.
// A body that is not a notification fails the test.
func NewReceiver(t testing.TB) *Receiver {
	r := &Receiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var n Notification
		if err := json.NewDecoder(io.LimitReader(req.Body, 1<<22)).Decode(&n); err != nil {
			t.Errorf("receiver %s: not an Alertmanager notification: %v", req.URL.Path, err)
			http.Error(w, "bad notification", http.StatusBadRequest)
			return
		}
		n.Path = req.URL.Path
		r.mu.Lock()
		r.got = append(r.got, n)
		r.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

// Notifications are the notifications received so far, oldest first.
func (r *Receiver) Notifications() []Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Notification(nil), r.got...)
}
