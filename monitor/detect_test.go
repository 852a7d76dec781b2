package monitor

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/providers"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// Detection times of the timeline the issue measured: probes every 15 s,
// a probe timeout of 5 s, VAPI's status page silent, OpenAI answering.
const (
	probeEvery   = 15 * time.Second
	probeTimeout = 5 * time.Second
)

// A VAPI API that starts failing at T, however it fails (hanging,
// answering 503, resetting connections), is flagged — its finding open,
// not pending — by T + 2 probe intervals + the probe timeout, through the
// real poller, monitor and correlate, and never as our own network. T is
// just after a tick, the worst case: the round at that tick still got its
// answer. Time is the synctest bubble's, so the figures are exact.
func TestDetectionWithinTwoProbeIntervals(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("testdata", "github__statuspage_status_none.json"))
	if err != nil {
		t.Fatal(err)
	}
	vapi401, err := vendortest.Payload("vapi__401_invalid_key.json")
	if err != nil {
		t.Fatal(err)
	}
	openai401, err := vendortest.Payload("openai__401_invalid_api_key.json")
	if err != nil {
		t.Fatal(err)
	}
	overloaded, err := vendortest.Payload("openai__503_server_is_overloaded.json")
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[string]func(w http.ResponseWriter, r *http.Request){
		"hang":  func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		"503":   func(w http.ResponseWriter, r *http.Request) { reply(w, http.StatusServiceUnavailable, overloaded) },
		"reset": func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) },
	}
	for name, fail := range shapes {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				failFrom := start.Add(probeEvery + time.Millisecond) // T
				var failing atomic.Bool
				handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					switch r.Host {
					case "status.vapi.test", "status.openai.test":
						reply(w, http.StatusOK, page)
					case "api.openai.test":
						reply(w, http.StatusUnauthorized, openai401)
					case "api.vapi.test":
						if !time.Now().Before(failFrom) {
							failing.Store(true)
							fail(w, r)
							return
						}
						reply(w, http.StatusUnauthorized, vapi401)
					}
				})
				vendor := func(id, name string) catalog.Vendor {
					return catalog.Vendor{ID: id, Name: name,
						Sources:  []catalog.SourceSpec{{URL: "https://status." + id + ".test/api/v2/summary.json", Format: statuspage.Statuspage}},
						API:      catalog.APISpec{BaseURL: "https://api." + id + ".test", Reach: "/v1/probe"},
						Interval: time.Minute, ProbeInterval: probeEvery}
				}
				f := fetch.New(fetch.Options{Timeout: 10 * time.Second, Transport: vendortest.Transport{Handler: handler}})
				p := providers.NewPoller([]catalog.Vendor{vendor("vapi", "VAPI"), vendor("openai", "OpenAI")}, f)
				p.SetProbeTimeout(probeTimeout)
				m := New(p, nil)

				ctx, cancel := context.WithCancel(t.Context())
				var pendingAt, openAt time.Duration
				done := make(chan error, 1)
				go func() {
					done <- m.Run(ctx, func(u Update) {
						for _, fd := range u.Report.Findings {
							if fd.Kind == correlate.KindNetworkLocal {
								t.Errorf("%s: network_local raised at %s", name, time.Since(start))
							}
							if fd.Kind != correlate.KindVendorOutageUnreported {
								continue
							}
							if fd.State == correlate.StatePending && pendingAt == 0 {
								pendingAt = time.Since(start)
							}
							if fd.State == correlate.StateOpen && openAt == 0 {
								openAt = time.Since(start)
							}
						}
					})
				}()
				time.Sleep(2 * time.Minute)
				cancel()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				bound := failFrom.Sub(start) + 2*probeEvery + probeTimeout
				t.Logf("%s from %s: pending at %s, open at %s (bound %s)", name, failFrom.Sub(start), pendingAt, openAt, bound)
				if !failing.Load() || openAt == 0 {
					t.Fatalf("%s: vendor_outage_unreported never opened (pending at %s)", name, pendingAt)
				}
				if openAt > bound {
					t.Errorf("%s: flagged at %s, want by %s (T + 2 probe intervals + the probe timeout)", name, openAt, bound)
				}
				if pendingAt == 0 || pendingAt >= openAt {
					t.Errorf("%s: pending at %s, open at %s; the first failed check should show it confirming", name, pendingAt, openAt)
				}
			})
		})
	}
}

// reply writes a JSON answer.
func reply(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}
