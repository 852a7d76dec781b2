package probe

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/vendorwatch/vendorwatch/observe"
)

// openRouterKeys is where OpenRouter keys and their credit limits are
// managed, for hints.
const openRouterKeys = "https://openrouter.ai/settings/keys"

// refineOpenRouter reads OpenRouter's answers. Errors are {"error":
// {"message","code"}}, where code only repeats the HTTP status, so the
// message decides. The probe, GET /api/v1/key, describes the key on a
// 200: a key whose own credit limit is used up authenticates but cannot
// run a request, which is quota_exceeded.
func refineOpenRouter(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		limit, hasLimit := lookup(a.Doc, []string{"data", "limit"}).(float64)
		left, hasLeft := lookup(a.Doc, []string{"data", "limit_remaining"}).(float64)
		if hasLimit && hasLeft && left <= 0 {
			v.Result, v.Code = observe.ResultQuotaExceeded, "key_limit_exceeded"
			v.Message = fmt.Sprintf("the key's credit limit is used up (%s of %s)", money(limit-left), money(limit))
			v.Hint = "raise or remove the key's limit at " + openRouterKeys
		}
		return
	}
	msg := v.Message
	v.Code = ""
	switch {
	case has(msg, "User not found"):
		// OpenRouter's answer to a deleted or unknown key. It has also
		// answered so to good keys during its own incidents, so it is no
		// revocation marker.
		v.Result, v.Code = observe.ResultInvalidKey, "user_not_found"
	case has(msg, "No auth credentials found"):
		v.Result, v.Code = observe.ResultMisconfigured, "no_auth_credentials"
		v.Hint = "OpenRouter saw no key in the request: the secret may be empty, or a proxy strips the Authorization header"
	case has(msg, "Key limit exceeded"):
		v.Result, v.Code = observe.ResultQuotaExceeded, "key_limit_exceeded"
		v.Hint = "raise or remove the key's limit at " + openRouterKeys
	case a.Status == http.StatusPaymentRequired || has(msg, "more credits"):
		v.Result, v.Code = observe.ResultQuotaExceeded, "insufficient_credits"
	}
}

// money writes a credit amount in dollars.
func money(f float64) string { return "$" + strconv.FormatFloat(f, 'f', 2, 64) }
