package providers

// refineAnthropic reads {"type":"error","error":{"type","message"},
// "request_id"}. The error type is the code.
func refineAnthropic(a *answer, v *verdict) {
	if v.Result == ResultOK {
		return
	}
	typ := str(a.Doc, "error", "type")
	if typ != "" {
		v.Code = typ
	}
	switch {
	case typ == "authentication_error":
		v.Result, v.Marker = ResultInvalidKey, true
	case typ == "permission_error":
		v.Result = ResultNoPermission
	case typ == "billing_error" || has(v.Message, "credit balance is too low"):
		// A 400 invalid_request_error in practice, and seen on free
		// endpoints too (claude-code#91322).
		v.Result = ResultQuotaExceeded
	case typ == "rate_limit_error":
		v.Result = ResultRateLimited
	case typ == "overloaded_error" || typ == "api_error" || typ == "timeout_error":
		v.Result = ResultVendorError
	}
}
