package admin

import (
	"context"
	"net/url"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// AuditAnswer is what one small read of a vendor's audit log got: whether
// the log answers, and when it does not, why, in the key-probe vocabulary.
// It is what vendorwatch doctor asks before an incident, so that a key
// that vanishes later can be explained.
type AuditAnswer struct {
	// Result is ok when the log answered with its list.
	Result     observe.Result `json:"result"`
	HTTPStatus int            `json:"http_status,omitempty"`
	Code       string         `json:"code,omitempty"`
	// Message is the failure, scrubbed and naming the endpoint.
	Message string `json:"message,omitempty"`
	// Off is true when the vendor said that audit logging is not enabled
	// for the organization.
	Off bool `json:"off,omitempty"`
}

// HasKeyList reports whether the catalog gives v an admin API that lists
// its keys (OpenAI's, Anthropic's), whether or not it is set up: the only
// way a canary can be watched without being used.
func HasKeyList(v catalog.Vendor) bool {
	_, ok := readers[v.AdminAPI.Reader].(inventoryReader)
	return ok
}

// HasAuditLog reports whether v's admin API, set up, has an audit log
// that vendorwatch reads (OpenAI's).
func HasAuditLog(v catalog.Vendor) bool {
	r, ok := readerOf(v)
	if !ok {
		return false
	}
	ir, ok := r.(inventoryReader)
	return ok && ir.audit
}

// AuditLog asks v's audit log for one entry, with the admin key, to learn
// whether it answers. It sends one read-only request through the same
// key-safe path as every admin read. A vendor without an audit log gets a
// misconfigured answer saying so.
func (a *Client) AuditLog(ctx context.Context, v catalog.Vendor) AuditAnswer {
	if !HasAuditLog(v) {
		return AuditAnswer{Result: observe.ResultMisconfigured, Code: "no_audit_log", Message: v.ID + " has no audit log that vendorwatch reads"}
	}
	ctx, cancel := context.WithTimeout(ctx, MaxAdminRead)
	defer cancel()
	r, fail := a.newAdminRun(ctx, v, v.Admin.Secret, nil)
	if fail != nil {
		return answerOf(fail)
	}
	defer r.forget()
	if _, err := r.get(ctx, openAIAuditLogs, url.Values{"limit": {"1"}}); err != nil {
		return answerOf(r.failure(err))
	}
	return AuditAnswer{Result: observe.ResultOK}
}

// answerOf turns a failed read into an AuditAnswer.
func answerOf(f *adminFailure) AuditAnswer {
	return AuditAnswer{Result: f.result, HTTPStatus: f.status, Code: f.code, Message: f.message, Off: auditOff(f.message)}
}
