package probe

import "github.com/vendorwatch/vendorwatch/observe"

// refineLangSmith reads {"detail": "..."} (FastAPI) and {"error": "..."}.
func refineLangSmith(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		return
	}
	switch msg := v.Message; {
	case has(msg, "Invalid token") || has(msg, "Invalid auth") || has(msg, "Invalid API key"):
		v.Result, v.Marker, v.Code = observe.ResultInvalidKey, true, "invalid_token"
	case has(msg, "legacy API key"):
		v.Result, v.Marker, v.Code = observe.ResultInvalidKey, true, "legacy_api_key"
		v.Hint = "LangSmith no longer accepts this legacy key: create a new one"
	}
}
