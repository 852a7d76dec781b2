package providers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// promAnswer is a Prometheus query API that answers every instant query
// with 4 requests per second (no errors: the error query is empty) and
// every range query with an empty matrix.
func promAnswer(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	if strings.HasSuffix(r.URL.Path, "/query_range") {
		fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[]}}`)
		return
	}
	if strings.Contains(r.Form.Get("query"), "class") {
		fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[]}}`)
		return
	}
	fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"server_address":"api.example.com"},"value":[%d,"4"]}]}}`, time.Now().Unix())
}

func trafficVendor(t *testing.T) catalog.Vendor {
	page := &vendortest.Site{Routes: map[string]string{"/api/v2/summary.json": "anthropic__statuspage_summary_incident_investigating.json"}}
	srv := httptest.NewServer(page)
	t.Cleanup(srv.Close)
	return catalog.Vendor{ID: "acme", Name: "Acme", API: catalog.APISpec{BaseURL: "https://api.example.com"},
		Sources: []catalog.SourceSpec{{URL: srv.URL + "/api/v2/summary.json", Format: statuspage.Statuspage}}}
}

func TestPollerCheckReadsTraffic(t *testing.T) {
	t.Parallel()
	prom := httptest.NewServer(http.HandlerFunc(promAnswer))
	defer prom.Close()
	v := trafficVendor(t)

	p := NewPoller([]catalog.Vendor{v}, testFetcher())
	if r, _ := p.Check(context.Background()).Vendor("acme"); r.Traffic != nil {
		t.Errorf("traffic %+v without a traffic: source, want nil", r.Traffic)
	}

	p = NewPoller([]catalog.Vendor{v}, testFetcher())
	p.SetTraffic(&config.Traffic{Prometheus: config.Prometheus{URL: prom.URL}, Window: config.Duration(5 * time.Minute)}, time.Minute)
	r, _ := p.Check(context.Background()).Vendor("acme")
	if r.Traffic == nil || r.Traffic.Result != observe.ResultOK || r.Traffic.Rate != 4 || r.Traffic.Series != 1 {
		t.Fatalf("traffic %+v, want ok at 4 requests per second", r.Traffic)
	}
	if r.Status.State != observe.Degraded {
		t.Errorf("the status page was not read beside the traffic: %s", r.Status.State)
	}

	// A vendor watched by its status page alone (no API host, no traffic
	// hosts) has nothing of ours to look for: no signal, not a broken one
	// that would read as Prometheus failing.
	status := v
	status.ID, status.API = "status-only", catalog.APISpec{}
	p = NewPoller([]catalog.Vendor{v, status}, testFetcher())
	p.SetTraffic(&config.Traffic{Prometheus: config.Prometheus{URL: prom.URL}, Window: config.Duration(5 * time.Minute)}, time.Minute)
	if r, _ := p.Check(context.Background()).Vendor("status-only"); r.Traffic != nil {
		t.Errorf("a status-only vendor got traffic %+v, want none", r.Traffic)
	}
}

// TestPollerSlowPrometheusDelaysNoCheck: while Prometheus holds every
// query, Run still finishes the vendor's status and probe check and
// publishes it; the traffic signal follows when Prometheus answers.
func TestPollerSlowPrometheusDelaysNoCheck(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	prom := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		promAnswer(w, r)
	}))
	defer prom.Close()
	var once atomic.Bool
	defer func() {
		if once.CompareAndSwap(false, true) {
			close(release)
		}
	}()

	p := NewPoller([]catalog.Vendor{trafficVendor(t)}, testFetcher())
	p.SetTraffic(&config.Traffic{Prometheus: config.Prometheus{URL: prom.URL}, Window: config.Duration(5 * time.Minute), Interval: config.Duration(time.Hour)}, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := make(chan observe.Event, 64)
	go p.Run(ctx, func(e observe.Event) {
		if e.Done {
			events <- e
		}
	})

	// The first finished check is the status page and probes: Prometheus
	// has not answered, so it carries no traffic yet.
	e := <-events
	r, _ := e.Snapshot.Vendor("acme")
	if r.Status.State != observe.Degraded || r.Traffic != nil {
		t.Fatalf("first finished check: status %s traffic %+v, want the page read and no traffic yet", r.Status.State, r.Traffic)
	}
	once.Store(true)
	close(release)
	for e := range events {
		r, _ := e.Snapshot.Vendor("acme")
		if r.Traffic != nil {
			if r.Traffic.Result != observe.ResultOK || r.Traffic.Rate != 4 || r.Status.State != observe.Degraded {
				t.Errorf("after Prometheus answered: traffic %+v status %s", r.Traffic, r.Status.State)
			}
			return
		}
	}
}
