package probe

import "github.com/vendorwatch/vendorwatch/observe"

// refineTwilio reads Twilio's errors, {"code","message","more_info",
// "status"}, and on success the Account resource's status. That resource
// also carries the account's auth_token: only its status is read, and the
// body is never kept.
func refineTwilio(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		switch st := str(a.Doc, "status"); st {
		case "suspended", "closed":
			v.Result, v.Code = observe.ResultAccountDisabled, st
			v.Message = "the Twilio account is " + st
		}
		return
	}
	code := str(a.Doc, "code")
	if code != "" {
		v.Code = code
	}
	switch code {
	case "20003": // Authenticate: wrong or deleted token or API key
		v.Result, v.Marker = observe.ResultInvalidKey, true
	case "20005": // Account not active
		v.Result = observe.ResultAccountDisabled
	case "20404": // the Account SID in the path is not visible to these credentials
		v.Result = observe.ResultMisconfigured
		v.Hint = "check account: (the Account SID) on the key"
	case "20429":
		v.Result = observe.ResultRateLimited
	}
}
