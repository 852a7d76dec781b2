package providers

// refineElevenLabs reads {"detail":{"status","message"}}. ElevenLabs
// answers 401 for a bad key, an exhausted quota, an abuse flag and a
// scoped key alike; detail.status tells them apart.
func refineElevenLabs(a *answer, v *verdict) {
	if v.Result == ResultOK {
		return
	}
	status := str(a.Doc, "detail", "status")
	if status != "" {
		v.Code = status
	}
	switch status {
	case "invalid_api_key", "api_key_not_found":
		v.Result, v.Marker = ResultInvalidKey, true
	case "quota_exceeded", "payment_required", "insufficient_credits":
		v.Result = ResultQuotaExceeded
	case "missing_permissions":
		v.Result = ResultNoPermission
		v.Hint = "the key is valid but lacks the user_read permission the probe needs"
	case "detected_unusual_activity", "account_blocked", "blocked_account":
		v.Result = ResultAccountDisabled
	case "rate_limit_exceeded", "too_many_concurrent_requests":
		v.Result = ResultRateLimited
	case "system_busy":
		v.Result = ResultVendorError
	}
}
