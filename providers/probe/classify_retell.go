package probe

import (
	"net/http"

	"github.com/vendorwatch/vendorwatch/observe"
)

// refineRetell reads Retell's errors, {"status":"error","message"}. Its
// 401 says "API key is missing or invalid." for every key it refuses, so
// it is invalid_key without a revocation marker.
func refineRetell(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		return
	}
	switch {
	case a.Status == http.StatusUnauthorized || has(v.Message, "API key is missing or invalid"):
		v.Result, v.Code = observe.ResultInvalidKey, "invalid_key"
	case a.Status == http.StatusPaymentRequired:
		v.Result, v.Code = observe.ResultQuotaExceeded, "payment_required"
	}
}
