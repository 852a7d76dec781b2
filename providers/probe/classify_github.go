package probe

import (
	"fmt"
	"net/http"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// refineGitHub reads GitHub's REST answers. Errors are {"message",
// "documentation_url","status"}; GitHub says "Bad credentials" (401) for
// every token it refuses: revoked, expired or mistyped, classic (ghp_) or
// fine-grained (github_pat_). The probe, GET /rate_limit, costs nothing
// against the limit, so a 200 also says whether the token's REST limit is
// used up: the token then works, but every other call is refused until
// the reset.
func refineGitHub(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		limit, remaining, reset := githubCore(a.Doc)
		if limit > 0 && remaining <= 0 {
			v.Result, v.Code = observe.ResultRateLimited, "rate_limit_exceeded"
			v.Message = fmt.Sprintf("the token's REST API limit is used up (%d of %d requests)", int(limit), int(limit))
			if !reset.IsZero() {
				v.Message += "; it resets at " + reset.UTC().Format(time.RFC3339)
			}
		}
		return
	}
	msg := v.Message
	v.Code = ""
	switch {
	case has(msg, "Bad credentials"):
		v.Result, v.Marker, v.Code = observe.ResultInvalidKey, true, "bad_credentials"
	case has(msg, "secondary rate limit"):
		v.Result, v.Code = observe.ResultRateLimited, "secondary_rate_limit"
	case has(msg, "API rate limit exceeded"):
		v.Result, v.Code = observe.ResultRateLimited, "rate_limit_exceeded"
	case has(msg, "account was suspended") || has(msg, "account is suspended"):
		v.Result, v.Code = observe.ResultAccountDisabled, "account_suspended"
	case a.Status == http.StatusNotFound && has(msg, "Rate limiting is not enabled"):
		// GitHub Enterprise Server with rate limiting off answers the
		// probe with 404, with or without a token: nothing to learn.
		v.Result, v.Code = observe.ResultMisconfigured, "rate_limiting_disabled"
		v.Hint = "this GitHub Enterprise Server has rate limiting off, so GET /rate_limit cannot test a token on it"
	}
}

// githubCore reads resources.core of a /rate_limit document (or the
// older top-level rate): the limit, what remains and when it resets.
func githubCore(doc any) (limit, remaining float64, reset time.Time) {
	core, ok := lookup(doc, []string{"resources", "core"}).(map[string]any)
	if !ok {
		core, _ = lookup(doc, []string{"rate"}).(map[string]any)
	}
	limit, _ = core["limit"].(float64)
	remaining, _ = core["remaining"].(float64)
	if r, ok := core["reset"].(float64); ok && r > 0 {
		reset = time.Unix(int64(r), 0)
	}
	return limit, remaining, reset
}
