package probe

import "github.com/vendorwatch/vendorwatch/observe"

// refineCohere reads POST /v1/check-api-key, which answers 200 with
// {"valid": true|false, ...} — a 200 is not enough.
func refineCohere(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		if valid, ok := lookup(a.Doc, []string{"valid"}).(bool); ok && !valid {
			v.Result, v.Marker, v.Code = observe.ResultInvalidKey, true, "valid_false"
			v.Message = "Cohere says the key is not valid"
		}
		return
	}
	if has(v.Message, "invalid api token") || has(v.Message, "invalid api key") {
		v.Result, v.Marker = observe.ResultInvalidKey, true
	}
}
