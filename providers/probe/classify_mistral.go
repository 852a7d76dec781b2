package probe

import (
	"net/http"

	"github.com/vendorwatch/vendorwatch/observe"
)

// refineMistral reads Mistral's answers: {"message":…} or {"detail":…}
// from its gateway, and {"object":"error","message","type","code"} from
// the API. Its 401 says only "Unauthorized", for a wrong or deleted key
// alike, and for a key created minutes ago that is not live yet.
func refineMistral(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		return
	}
	typ := str(a.Doc, "type")
	switch {
	case a.Status == http.StatusUnauthorized:
		v.Result, v.Code = observe.ResultInvalidKey, "unauthorized"
		v.Hint = "Mistral answers a bare Unauthorized: a wrong or deleted key, or one created in the last few minutes (new keys take a while to work)"
	case typ == "rate_limited" || has(v.Message, "rate limit exceeded"):
		v.Result, v.Code = observe.ResultRateLimited, "rate_limited"
	}
}
