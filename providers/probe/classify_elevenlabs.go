package probe

import "github.com/vendorwatch/vendorwatch/observe"

// refineElevenLabs reads {"detail":{"status","message"}}. ElevenLabs
// answers 401 for a bad key, an exhausted quota, an abuse flag and a
// scoped key alike; detail.status tells them apart.
func refineElevenLabs(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		return
	}
	status := str(a.Doc, "detail", "status")
	if status != "" {
		v.Code = status
	}
	switch status {
	case "invalid_api_key", "api_key_not_found":
		v.Result, v.Marker = observe.ResultInvalidKey, true
	case "quota_exceeded", "payment_required", "insufficient_credits":
		v.Result = observe.ResultQuotaExceeded
	case "missing_permissions":
		v.Result = observe.ResultNoPermission
		v.Hint = "the key is valid but lacks the user_read permission the probe needs"
	case "detected_unusual_activity", "account_blocked", "blocked_account":
		v.Result = observe.ResultAccountDisabled
	case "rate_limit_exceeded", "too_many_concurrent_requests":
		v.Result = observe.ResultRateLimited
	case "system_busy":
		v.Result = observe.ResultVendorError
	}
}
