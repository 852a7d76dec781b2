package providers

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/admin"
	"github.com/vendorwatch/vendorwatch/providers/admintest"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/probe"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// vapiWithCalls is a fake VAPI holding, in the last quarter hour, 40 ended
// calls (12 ended by OpenAI rejecting the key VAPI holds, 3 by VAPI's
// workers dying, 25 normally), 2 in progress and 5 older ones.
func vapiWithCalls(now time.Time) *admintest.VAPI {
	v := admintest.NewVAPI(fixture.VAPIKey)
	add := func(n int, reason string, from time.Time) {
		for i := range n {
			created := from.Add(time.Duration(i) * 10 * time.Second)
			v.AddCall(admintest.Call{ID: fmt.Sprintf("call-%s-%d", reason, i), EndedReason: reason, Created: created,
				Ended: created.Add(40 * time.Second), Customer: "+14155550123"})
		}
	}
	add(12, "pipeline-error-openai-401-incorrect-api-key", now.Add(-10*time.Minute))
	add(3, "call.in-progress.error-vapifault-worker-died", now.Add(-9*time.Minute))
	add(25, "customer-ended-call", now.Add(-14*time.Minute))
	add(2, "", now.Add(-time.Minute))
	add(5, "pipeline-error-openai-429-exceeded-quota", now.Add(-3*time.Hour))
	return v
}

func vapiVendor(t *testing.T, base string, admin *config.Admin) catalog.Vendor {
	t.Helper()
	v := vendortest.CatalogVendor(t, "vapi", base, config.Key{Name: "canary", Canary: true, Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VW_VAPI_CANARY"}})
	v.Keys = append(v.Keys, config.Key{Name: "prod", Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VW_KEY"}})
	v.Admin = admin
	return v
}

func TestCallsGroupedByEndedReason(t *testing.T) {
	t.Parallel()
	fake := vapiWithCalls(t0)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{vapiVendor(t, srv.URL, &config.Admin{})}, map[string]string{"VW_KEY": fixture.VAPIKey, "VW_VAPI_CANARY": "canary-key-0000000000000000000"})
	p.admin = admin.New(p.probes, admin.Options{CallLimit: 10}) // five pages
	cs := checkAt(p, t0).Calls
	if cs == nil || cs.Result != observe.ResultOK || cs.Calls != 42 || cs.Ended != 40 || cs.Truncated || !cs.Since.Equal(t0.Add(-admin.MinCallWindow)) {
		t.Fatalf("calls = %+v", cs)
	}
	if cs.Fingerprint != probe.Fingerprint(fixture.VAPIKey) {
		t.Errorf("read with %q, want the first non-canary key", cs.Fingerprint)
	}
	want := []struct {
		reason string
		count  int
		fault  string
		class  observe.Result
	}{
		{"customer-ended-call", 25, "", observe.ResultUnexpected},
		{"pipeline-error-openai-401-incorrect-api-key", 12, observe.FaultBYOK, observe.ResultInvalidKey},
		{"call.in-progress.error-vapifault-worker-died", 3, observe.FaultVAPI, observe.ResultVendorError},
	}
	if len(cs.Reasons) != len(want) {
		t.Fatalf("reasons = %+v", cs.Reasons)
	}
	for i, w := range want {
		r := cs.Reasons[i]
		if r.Reason != w.reason || r.Count != w.count || r.Fault != w.fault || (w.fault != "" && r.Class != w.class) {
			t.Errorf("reason %d = %+v, want %+v", i, r, w)
		}
	}
	openai := cs.Reasons[1]
	if openai.Vendor != "openai" || openai.HTTPStatus != 401 || !openai.First.Equal(t0.Add(-10*time.Minute+40*time.Second)) ||
		!openai.Last.Equal(t0.Add(-10*time.Minute+150*time.Second)) {
		t.Errorf("openai reason = %+v", openai)
	}
	blob, _ := json.Marshal(cs)
	for _, private := range []string{"+14155550123", "calling about my order", "call-", "transcript"} {
		if strings.Contains(string(blob), private) {
			t.Errorf("the summary keeps %q from the call records: %s", private, blob)
		}
	}
	vendortest.AssertNoKey(t, "the call summary", string(blob), fixture.VAPIKey, probe.Fingerprint(fixture.VAPIKey))
	pages := 0
	for _, r := range fake.Requests() {
		if r.Path != "/call" {
			continue
		}
		pages++
		if r.Query.Get("limit") != "10" || r.Query.Get("createdAtGt") != "2026-05-21T10:35:00.000Z" {
			t.Errorf("call query = %v", r.Query)
		}
	}
	if pages != 5 {
		t.Errorf("%d pages of calls read; all 42 calls need 5", pages)
	}
	// With smaller pages the read stops at its bound and says so.
	p.admin = admin.New(p.probes, admin.Options{CallLimit: 7})
	if cs := checkAt(p, t0).Calls; !cs.Truncated || cs.Calls >= 42 {
		t.Errorf("bounded read: truncated=%v calls=%d", cs.Truncated, cs.Calls)
	}
}

func TestCallsReadWithTheAdminSecret(t *testing.T) {
	t.Parallel()
	other := "7a0c9a1e-3b7d-4e2a-8c6f-9d1b2a3c0a0a"
	fake := admintest.NewVAPI(other)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	cfg := &config.Admin{Secret: config.SecretRef{Kind: config.SecretEnv, Value: "VW_VAPI_ADMIN"}, Interval: config.Duration(time.Hour)}
	p, _ := testPoller([]catalog.Vendor{vapiVendor(t, srv.URL, cfg)}, map[string]string{"VW_KEY": fixture.VAPIKey, "VW_VAPI_ADMIN": other})
	cs := checkAt(p, t0).Calls
	if cs.Result != observe.ResultOK || cs.Fingerprint != probe.Fingerprint(other) || !cs.Since.Equal(t0.Add(-admin.MaxCallWindow)) {
		t.Errorf("calls = %+v", cs)
	}
}

func TestCallsFailureKeepsRecentReasons(t *testing.T) {
	t.Parallel()
	fake := vapiWithCalls(t0)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{vapiVendor(t, srv.URL, &config.Admin{})}, map[string]string{"VW_KEY": fixture.VAPIKey})
	first := checkAt(p, t0).Calls
	if !first.CountedAt.Equal(t0) {
		t.Errorf("counted_at = %s, want the read's time", first.CountedAt)
	}
	fake.Throttle, fake.RetryAfter = 2, "60"
	second := checkAt(p, t0.Add(5*time.Minute)).Calls
	if second.Result != observe.ResultRateLimited || second.Ended != first.Ended || len(second.Reasons) != len(first.Reasons) || !second.CountedAt.Equal(t0) {
		t.Errorf("throttled: %+v", second)
	}
	fake.Throttle = 5
	if late := checkAt(p, t0.Add(time.Hour)).Calls; late.Result != observe.ResultRateLimited || len(late.Reasons) != 0 || !late.CountedAt.IsZero() {
		t.Errorf("an hour later the old reasons are still shown: %+v", late)
	}
}

// Reads failing one after another keep the last counts as of when they
// were read, and only while that read is inside the window: a failing
// read does not make them new again.
func TestCallsFailingReadsDoNotRenewOldCounts(t *testing.T) {
	t.Parallel()
	fake := vapiWithCalls(t0)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{vapiVendor(t, srv.URL, &config.Admin{})}, map[string]string{"VW_KEY": fixture.VAPIKey})
	first := checkAt(p, t0).Calls
	fake.Throttle, fake.RetryAfter = 1000, "60"
	for m := 5; m <= 60; m += 5 {
		cs := checkAt(p, t0.Add(time.Duration(m)*time.Minute)).Calls
		kept := m <= int(admin.MinCallWindow/time.Minute) // the window of a 5-minute admin interval
		if kept && (cs.Ended != first.Ended || !cs.CountedAt.Equal(t0)) || !kept && (len(cs.Reasons) != 0 || !cs.CountedAt.IsZero()) {
			t.Errorf("%d minutes after the last read: ended %d, counted at %s; want the counts kept: %v", m, cs.Ended, cs.CountedAt.Format("15:04"), kept)
		}
	}
}

func TestNoCallsWithoutAdmin(t *testing.T) {
	t.Parallel()
	fake := vapiWithCalls(t0)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p, _ := testPoller([]catalog.Vendor{vapiVendor(t, srv.URL, nil)}, map[string]string{"VW_KEY": fixture.VAPIKey})
	if cs := checkAt(p, t0).Calls; cs != nil {
		t.Errorf("calls read without admin: %+v", cs)
	}
	for _, r := range fake.Requests() {
		if r.Path == "/call" {
			t.Error("GET /call without admin:")
		}
	}
}
