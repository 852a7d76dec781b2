package probe

import (
	"net/http"

	"github.com/vendorwatch/vendorwatch/observe"
)

// refineStripe reads {"error":{"message","type","code"}}.
//
// A 403 on /v1/balance means a restricted key (rk_...) that authenticates
// but lacks the Balance read permission: no_permission with code
// restricted_key, as DESIGN §3 says. The key lives; correlation grades a
// restricted key as information, not a problem. Only a 401 means the key
// is dead.
func refineStripe(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		return
	}
	code := str(a.Doc, "error", "code")
	if code != "" {
		v.Code = code
	}
	switch {
	case code == "api_key_expired" || has(v.Message, "Invalid API Key provided") || has(v.Message, "Expired API Key provided"):
		v.Result, v.Marker = observe.ResultInvalidKey, true
	case a.Status == http.StatusForbidden && (has(v.Message, "does not have the required permissions") || has(v.Message, "restricted")):
		v.Result, v.Code = observe.ResultNoPermission, "restricted_key"
		v.Hint = "a restricted key: it authenticates, but may not read the balance; the probe cannot see more than that"
	case code == "rate_limit" || code == "lock_timeout":
		v.Result = observe.ResultRateLimited
	}
}
