package probe

import (
	"net/http"

	"github.com/vendorwatch/vendorwatch/observe"
)

// refineOpenAI reads OpenAI-style bodies, {"error":{"message","type",
// "param","code"}}, also spoken by Groq and (loosely) Mistral. OpenAI uses
// 401 for five different things and 429 for three, so the code, type and
// message decide, not the status.
func refineOpenAI(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		return
	}
	code, typ, msg := str(a.Doc, "error", "code"), str(a.Doc, "error", "type"), v.Message
	if code == "" {
		code = typ
	}
	if code != "" {
		v.Code = code
	}
	switch {
	case code == "invalid_api_key" || has(msg, "Incorrect API key provided") || has(msg, "Invalid API Key"):
		v.Result, v.Marker = observe.ResultInvalidKey, true
	case code == "account_deactivated" || has(msg, "account associated with this API key has been deactivated"):
		v.Result = observe.ResultAccountDisabled
	case has(msg, "Organization has been restricted"): // Groq's org ban (400)
		v.Result, v.Code = observe.ResultAccountDisabled, "organization_restricted"
	case code == "mismatched_organization" || code == "mismatched_project":
		v.Result = observe.ResultMisconfigured
		v.Hint = "the OpenAI-Organization / OpenAI-Project header does not match the key's organization or project; check headers: on the key (and OPENAI_ORG_ID / OPENAI_PROJECT_ID in your apps)"
	case code == "no_organization":
		v.Result = observe.ResultMisconfigured
		v.Hint = "the key's user belongs to no organization"
	case has(msg, "IP not authorized") || has(msg, "IP address is not allowed"):
		v.Result = observe.ResultMisconfigured
		v.Hint = "this machine's IP is not on the project's IP allow-list"
	case has(msg, "Country, region, or territory not supported"):
		v.Result = observe.ResultMisconfigured
		v.Hint = "OpenAI refuses requests from this machine's country or region"
	case has(msg, "Missing scopes") || has(msg, "insufficient permissions"):
		v.Result = observe.ResultNoPermission
		v.Hint = "a restricted key without read access to the probe endpoint: it authenticates but the probe cannot use it"
	case code == "insufficient_quota" || typ == "insufficient_quota" || code == "billing_not_active" ||
		typ == "billing_not_active" || code == "credit_balance_exhausted":
		v.Result = observe.ResultQuotaExceeded
	case code == "rate_limit_exceeded" || code == "slow_down" || typ == "rate_limit_error" ||
		(a.Status == http.StatusTooManyRequests && (typ == "tokens" || typ == "requests")):
		v.Result = observe.ResultRateLimited
	case code == "server_is_overloaded" || typ == "server_error" || typ == "service_unavailable_error":
		v.Result = observe.ResultVendorError
	}
}
