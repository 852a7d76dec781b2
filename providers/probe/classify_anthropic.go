package probe

import "github.com/vendorwatch/vendorwatch/observe"

// refineAnthropic reads {"type":"error","error":{"type","message"},
// "request_id"}. The error type is the code.
func refineAnthropic(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		return
	}
	typ := str(a.Doc, "error", "type")
	if typ != "" {
		v.Code = typ
	}
	switch {
	case typ == "authentication_error":
		v.Result, v.Marker = observe.ResultInvalidKey, true
	case typ == "permission_error":
		v.Result = observe.ResultNoPermission
	case typ == "billing_error" || has(v.Message, "credit balance is too low"):
		// A 400 invalid_request_error in practice, and seen on free
		// endpoints too (claude-code#91322).
		v.Result = observe.ResultQuotaExceeded
	case typ == "rate_limit_error":
		v.Result = observe.ResultRateLimited
	case typ == "overloaded_error" || typ == "api_error" || typ == "timeout_error":
		v.Result = observe.ResultVendorError
	}
}
