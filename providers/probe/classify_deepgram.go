package probe

import (
	"net/http"

	"github.com/vendorwatch/vendorwatch/observe"
)

// refineDeepgram reads {"err_code","err_msg","request_id"}.
func refineDeepgram(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		return
	}
	code := str(a.Doc, "err_code")
	switch {
	case code == "INVALID_AUTH" || (a.Status == http.StatusUnauthorized && has(v.Message, "Invalid credentials")):
		v.Result, v.Marker = observe.ResultInvalidKey, true
	case code == "INSUFFICIENT_PERMISSIONS" || code == "FORBIDDEN":
		v.Result = observe.ResultNoPermission
		v.Hint = "the key is valid but its scopes do not allow listing projects"
	case code == "ASR_PAYMENT_REQUIRED" || code == "PAYMENT_REQUIRED":
		v.Result = observe.ResultQuotaExceeded
	case code == "TOO_MANY_REQUESTS":
		v.Result = observe.ResultRateLimited
	}
}
