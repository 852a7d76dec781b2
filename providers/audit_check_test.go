package providers

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/admin"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// doctor asks the audit log once, whatever the key list holds: it answers,
// it is switched off (OpenAI's 400 "Audit logging is not enabled"), or the
// admin key is rejected; one small request each, never a key in the answer.
func TestAuditLogAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		off    bool
		env    map[string]string
		result observe.Result
		isOff  bool
		says   string
	}{
		{name: "on", env: adminEnv, result: observe.ResultOK},
		{name: "off", off: true, env: adminEnv, result: observe.ResultUnexpected, isOff: true, says: "Audit logging is not enabled"},
		{name: "admin key rejected", env: map[string]string{"VW_ADMIN": "sk-admin-Wr0ng0Wr0ng0Wr0ng0Wr0ng0Wr0ng0Wr0ng0Wr0ng0Wr0ng0Wr0ngWr0n"}, result: observe.ResultInvalidKey, says: "GET /v1/organization/audit_logs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			org := openAIOrg()
			org.AuditDisabled = tc.off
			srv := httptest.NewServer(org)
			t.Cleanup(srv.Close)
			v := adminVendor(t, "openai", srv.URL)
			p, _ := testPoller([]catalog.Vendor{v}, tc.env)
			if !admin.HasAuditLog(v) || !admin.HasKeyList(v) {
				t.Fatal("OpenAI with an admin key has no audit log or key list")
			}
			ans := admin.New(p.probes, admin.Options{}).AuditLog(context.Background(), v)
			if ans.Result != tc.result || ans.Off != tc.isOff || !strings.Contains(ans.Message, tc.says) {
				t.Errorf("answer %+v; want %s off=%v saying %q", ans, tc.result, tc.isOff, tc.says)
			}
			fixture.NoKey(t, "the answer", ans.Message, fixture.AdminKey, tc.env["VW_ADMIN"])
			if n := len(auditRequests(org)); n != 1 {
				t.Errorf("%d audit-log requests, want 1", n)
			}
		})
	}
	anthropic := adminVendor(t, "anthropic", "https://api.anthropic.test")
	if admin.HasAuditLog(anthropic) || !admin.HasKeyList(anthropic) {
		t.Error("Anthropic: vendorwatch reads its key list and no audit log")
	}
}
