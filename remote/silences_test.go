package remote

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/serve"
)

// outage is VAPI's page in a major outage at t, its key answering.
func outage(t time.Time) observe.Snapshot {
	return observe.Snapshot{GeneratedAt: t, Vendors: []observe.VendorResult{{ID: "vapi", Name: "VAPI",
		Status: observe.Status{State: observe.MajorOutage, CheckedAt: t},
		Keys:   []observe.KeyResult{{Name: "prod", Fingerprint: "5f0c…4e5f", Result: observe.ResultOK, HTTPStatus: 200, CheckedAt: t}}}}}
}

// A silence added with --remote goes to the server's history through
// POST /api/v1/silences with the token, mutes the server's next check,
// is listed, and is expired with DELETE. Without the token, or on a
// server that has none, nothing is stored.
func TestSilencesThroughTheServer(t *testing.T) {
	const token = "vw-t0ken-5ecret"
	ctx := context.Background()
	store, err := history.Open(ctx, t.TempDir(), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	mon := monitor.New(nil, store)
	t0 := time.Date(2026, 5, 21, 10, 0, 0, 0, time.UTC)
	now := t0.Add(2 * time.Minute)
	srv := serve.New(serve.Options{Monitor: mon, Store: store, Token: token, Now: func() time.Time { return now }})
	for _, at := range []time.Time{t0, t0.Add(time.Minute)} {
		rep, _, err := mon.Record(ctx, outage(at))
		if err != nil {
			t.Fatal(err)
		}
		srv.Update(monitor.Update{Report: rep})
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	req := SilenceRequest{Vendor: "vapi", Comment: "their EU region; we use US", By: "alice"}
	anon, _ := New(hs.URL, "", time.Second)
	if _, err := anon.AddSilence(ctx, req, time.Hour); err == nil || !strings.Contains(err.Error(), "wants a token") {
		t.Errorf("without the token: %v", err)
	}
	c, err := New(hs.URL, token, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddSilence(ctx, SilenceRequest{Vendor: "vapy", Comment: "typo", By: "alice"}, time.Hour); err == nil || !strings.Contains(err.Error(), "does not watch") {
		t.Errorf("an unknown vendor: %v", err)
	}
	if _, err := c.AddSilence(ctx, SilenceRequest{Vendor: "vapi", By: "alice"}, time.Hour); err == nil || !strings.Contains(err.Error(), "comment") {
		t.Errorf("no comment: %v", err)
	}
	sl, err := c.AddSilence(ctx, req, time.Hour)
	if err != nil || sl.ID == 0 || sl.By != "alice" || !sl.Until.Equal(now.Add(time.Hour)) {
		t.Fatalf("add: %+v %v", sl, err)
	}

	// The server's snapshot shows the silence at once, before its next check.
	if served, err := c.Report(ctx); err != nil || served.Overall != correlate.LevelOK || served.Findings[0].Silenced == nil {
		t.Errorf("the served snapshot after the silence: %v overall %s findings %+v", err, served.Overall, served.Findings)
	}

	rep, _, err := mon.Record(ctx, outage(t0.Add(3*time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall != correlate.LevelOK || len(rep.Findings) == 0 || rep.Findings[0].Silenced == nil || rep.Findings[0].Silenced.By != "alice" {
		t.Fatalf("the server's next check: overall %s, findings %+v", rep.Overall, rep.Findings)
	}
	ss, err := c.Silences(ctx, false)
	if err != nil || len(ss) != 1 || ss[0].ID != sl.ID {
		t.Fatalf("list: %+v %v", ss, err)
	}
	ex, err := c.ExpireSilence(ctx, sl.ID)
	if err != nil || ex.Expired.IsZero() {
		t.Fatalf("expire: %+v %v", ex, err)
	}
	if served, err := c.Report(ctx); err != nil || served.Overall == correlate.LevelOK || served.Findings[0].Silenced != nil {
		t.Errorf("the served snapshot after expiry: %v overall %s findings %+v", err, served.Overall, served.Findings)
	}
	if _, err := c.ExpireSilence(ctx, 99); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("expire an unknown silence: %v", err)
	}
	if ss, _ := c.Silences(ctx, false); len(ss) != 0 {
		t.Errorf("active after expiring: %+v", ss)
	}

	// A server without a token refuses changes over HTTP.
	open := httptest.NewServer(serve.New(serve.Options{Monitor: mon, Store: store}).Handler())
	defer open.Close()
	oc, _ := New(open.URL, "", time.Second)
	if _, err := oc.AddSilence(ctx, req, time.Hour); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("a server without a token: %v", err)
	}
	if all, _ := store.Silences(ctx, now, true); len(all) != 1 {
		t.Errorf("stored silences = %+v", all)
	}
}
