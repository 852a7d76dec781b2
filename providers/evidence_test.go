package providers

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/admintest"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// Every audit-log query an inventory read makes is kept with its window,
// status, request id and answer: the entries it returned, an empty
// answer, or the log's refusal. Every request of the read keeps the
// vendor's request id.
func TestAuditQueriesAreKept(t *testing.T) {
	t.Parallel()
	for _, disabled := range []bool{false, true} {
		org := openAIOrg()
		org.AuditDisabled = disabled
		srv := httptest.NewServer(org)
		t.Cleanup(srv.Close)
		p, _ := testPoller([]catalog.Vendor{adminVendor(t, "openai", srv.URL)}, adminEnv)
		first := checkAt(p, t0).Inventory
		if len(first.AuditQueries) != 0 || len(first.Requests) == 0 {
			t.Fatalf("a read with nothing gone: %d audit queries, %d requests", len(first.AuditQueries), len(first.Requests))
		}
		for _, r := range first.Requests {
			if !strings.HasPrefix(r.RequestID, "req_") || r.RequestIDFrom != "x-request-id" || r.HTTPStatus != 200 || strings.Contains(r.Path, "?") {
				t.Errorf("request = %+v", r)
			}
		}
		org.RemoveKey("key_batch")
		org.RemoveKey("key_canary")
		org.AddAudit(admintest.AuditEvent{ID: "audit_1", Type: "api_key.deleted", At: t0.Add(4 * time.Minute), Object: "key_canary", Email: "ops@example.com"})
		inv := checkAt(p, t0.Add(5*time.Minute)).Inventory
		qs := inv.AuditQueries
		if len(qs) == 0 {
			t.Fatalf("disabled=%v: no audit query kept", disabled)
		}
		for _, q := range qs {
			if !q.From.Equal(t0.Add(-5*time.Minute)) || q.Until.Before(q.From) || !strings.HasPrefix(q.RequestID, "req_") || q.Entries == nil || q.Page != 1 {
				t.Errorf("disabled=%v: query = %+v", disabled, q)
			}
		}
		if disabled {
			if q := qs[0]; len(qs) != 1 || q.Result == observe.ResultOK || q.HTTPStatus != 400 || !strings.Contains(q.Error, "Audit logging is not enabled") || q.Count != 0 {
				t.Errorf("the refused query = %+v", qs)
			}
			continue
		}
		// The first query (by ids) finds the canary's deletion; the second
		// (the whole window, for the batch key) finds nothing new but it.
		if q := qs[0]; q.Result != observe.ResultOK || q.HTTPStatus != 200 || q.Count != 1 || q.Entries[0].ID != "audit_1" ||
			q.Entries[0].Type != "api_key.deleted" || q.Entries[0].Object != "key_canary" || len(q.Resources) == 0 {
			t.Errorf("the first query = %+v", q)
		}
		if len(qs) != 2 || len(qs[1].Resources) != 0 {
			t.Errorf("queries = %+v, want a second one over the whole window", qs)
		}
	}
}
