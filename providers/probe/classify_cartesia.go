package probe

import (
	"net/http"

	"github.com/vendorwatch/vendorwatch/observe"
)

// refineCartesia reads Cartesia's errors, {"error_code","title","message",
// "request_id"}, which it sends from Cartesia-Version 2026-03-01 on (the
// catalog's probe sends that version). Older versions answer in plain
// text, "Title: Message", which readPlainText turns into a message.
func refineCartesia(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		return
	}
	code := str(a.Doc, "error_code")
	v.Code = code
	if v.Message == "" {
		v.Message = str(a.Doc, "title")
	}
	switch {
	case code == "concurrency_limited":
		v.Result = observe.ResultRateLimited
		v.Hint = "every concurrent request the plan allows is in use"
	case a.Status == http.StatusUnauthorized:
		v.Result = observe.ResultInvalidKey
	case a.Status == http.StatusPaymentRequired || has(code, "credit") || has(v.Message, "out of credits"):
		v.Result = observe.ResultQuotaExceeded
	}
}
