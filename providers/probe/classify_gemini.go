package probe

import (
	"slices"

	"github.com/vendorwatch/vendorwatch/observe"
)

// refineGemini reads Google API errors, {"error":{"code","message",
// "status","details":[{"reason"}]}}, sometimes wrapped in an array. An
// invalid key is a 400 with reason API_KEY_INVALID; a leaked, suspended
// or API-less key is a 403 told apart only by reason and message.
func refineGemini(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		return
	}
	status := str(a.Doc, "error", "status")
	reasons := googleReasons(a.Doc)
	v.Code = status
	if len(reasons) > 0 {
		v.Code = reasons[0]
	}
	msg := v.Message
	switch {
	case slices.Contains(reasons, "API_KEY_INVALID") || has(msg, "API key not valid") || has(msg, "API Key not found"):
		v.Result, v.Marker = observe.ResultInvalidKey, true
	case mentionsLeak(msg):
		// "Your API key was reported as leaked. Please use another API key."
		v.Result, v.Marker = observe.ResultInvalidKey, true
		if v.Code == "PERMISSION_DENIED" {
			v.Code = "API_KEY_LEAKED"
		}
	case slices.Contains(reasons, "API_KEY_EXPIRED") || has(msg, "API key expired"):
		v.Result, v.Marker = observe.ResultInvalidKey, true
	case has(msg, "has been suspended") || has(msg, "has been denied access") || slices.Contains(reasons, "CONSUMER_SUSPENDED"):
		v.Result = observe.ResultAccountDisabled
	case slices.Contains(reasons, "SERVICE_DISABLED") || slices.Contains(reasons, "API_KEY_SERVICE_BLOCKED") ||
		has(msg, "has not been used in project"):
		v.Result = observe.ResultNoPermission
		v.Hint = "the key is valid but may not call the Generative Language API; enable it for the key's project or lift the key's API restriction"
	case status == "PERMISSION_DENIED":
		v.Result = observe.ResultNoPermission
	case status == "RESOURCE_EXHAUSTED":
		v.Result = observe.ResultRateLimited
	case status == "UNAVAILABLE" || status == "INTERNAL" || status == "DEADLINE_EXCEEDED":
		v.Result = observe.ResultVendorError
	}
}

// googleReasons lists error.details[].reason.
func googleReasons(doc any) []string {
	details, _ := lookup(doc, []string{"error", "details"}).([]any)
	var out []string
	for _, d := range details {
		if m, ok := d.(map[string]any); ok {
			if r, ok := m["reason"].(string); ok && r != "" {
				out = append(out, r)
			}
		}
	}
	return out
}
