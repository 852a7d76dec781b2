package readiness

import (
	"fmt"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// SourceCheck judges one status source as read now.
func SourceCheck(vendor string, s observe.Source) Check {
	c := Check{Check: CheckStatusSource, Subject: vendor + " " + s.URL, Level: Pass}
	format := s.Format
	if format == "" {
		format = "no format"
	}
	if s.Detected {
		format += ", detected"
	}
	if s.OK {
		c.Summary = fmt.Sprintf("readable (%s) in %d ms", format, s.LatencyMS)
		return c
	}
	c.Level = Fail
	c.Summary = fmt.Sprintf("not readable (%s): %s", format, s.Error)
	c.Fix = "open the URL in a browser; if the page moved, set its new URL under the vendor's status: (with format: when it is not detected), or run vendorwatch catalog " + vendor + " for the built-in sources"
	return c
}

// NoSources is the check of a vendor with no status source.
func NoSources(vendor string) Check {
	return Check{Check: CheckStatusSource, Subject: vendor, Level: Warn,
		Summary: "no status source: the vendor's own word on an outage is not read",
		Fix:     "add the vendor's status page under its status: (- url: https://status.example.com)"}
}

// KeyProbe judges one key's probe: it classifies, and the key works.
func KeyProbe(vendor string, k observe.KeyResult) Check {
	c := Check{Check: CheckKeyProbe, Subject: vendor + "/" + k.Name, Level: Pass}
	what := string(k.Result)
	if k.HTTPStatus != 0 {
		what += fmt.Sprintf(", HTTP %d", k.HTTPStatus)
	}
	if k.Code != "" {
		what += " " + k.Code
	}
	msg := ""
	if k.Message != "" {
		msg = ": " + k.Message
	}
	switch k.Result {
	case observe.ResultOK:
		c.Summary = fmt.Sprintf("%s authenticates (%s, %d ms)", k.Fingerprint, what, k.LatencyMS)
		return c
	case observe.ResultNoSecret:
		c.Level = Fail
		c.Summary = "not probed: its secret does not resolve" + msg
		c.Fix = "see the secret check of this key"
		return c
	case observe.ResultInvalidKey, observe.ResultAccountDisabled, observe.ResultMisconfigured, observe.ResultNoPermission:
		c.Level = Fail
		c.Fix = "run vendorwatch --once --only " + vendor + " for the finding and its advice"
		if k.Hint != "" {
			c.Fix = k.Hint
		}
	case observe.ResultUnexpected:
		c.Level = Warn
		c.Summary = fmt.Sprintf("%s got an answer vendorwatch cannot classify (%s)%s", k.Fingerprint, what, msg)
		c.Fix = "check the vendor's api.base_url; if the answer is right, report it so a classifier can learn it"
		return c
	default:
		c.Level = Warn
		c.Fix = "run vendorwatch doctor again; if it persists, run vendorwatch --once --only " + vendor
	}
	c.Summary = fmt.Sprintf("%s classifies as %s%s", k.Fingerprint, what, msg)
	return c
}

// NoProbe is the check of a key whose vendor vendorwatch cannot probe.
func NoProbe(vendor, key string) Check {
	return Check{Check: CheckKeyProbe, Subject: vendor + "/" + key, Level: Warn,
		Summary: "vendorwatch knows no probe for " + vendor + ": the key is resolved but never checked",
		Fix:     "remove the key, or watch the vendor through its status page alone"}
}

// CanaryNotProbed is the key probe check of a canary: doctor never calls
// a canary, so that it stays unused.
func CanaryNotProbed(vendor, key string) Check {
	return Check{Check: CheckKeyProbe, Subject: vendor + "/" + key, Level: Pass,
		Summary: "a canary: doctor does not probe it, so that it stays unused (see the canary check)"}
}

// Notifier is one notifier as doctor set it up and, with --send-test,
// sent through.
type Notifier struct {
	Name, Type string
	// Problem says why it could not be set up; Unavailable is true when
	// that is about this machine (no notify-send), not the config.
	Problem     string
	Unavailable bool
	// Tested is true when a test notification was sent; SendErr says why
	// it failed, Took how long it took.
	Tested  bool
	SendErr string
	Took    time.Duration
}

// NotifierCheck judges a notifier.
func NotifierCheck(n Notifier) Check {
	c := Check{Check: CheckNotifier, Subject: n.Name, Level: Pass}
	switch {
	case n.Problem != "" && n.Unavailable:
		c.Level = Warn
		c.Summary = "cannot run on this machine: " + n.Problem
		c.Fix = "install what it needs here, or leave it to the machine that runs vendorwatch serve"
	case n.Problem != "":
		c.Level = Fail
		c.Summary = "cannot be set up: " + n.Problem
		c.Fix = "fix the notifier's config (its url: or command:), then run vendorwatch doctor --send-test"
	case n.Tested && n.SendErr != "":
		c.Level = Fail
		c.Summary = fmt.Sprintf("the test notification failed after %s: %s", round(n.Took), n.SendErr)
		c.Fix = "check the webhook URL or command, and that this machine can reach it; then run vendorwatch doctor --send-test again"
	case n.Tested:
		c.DurationMS = n.Took.Milliseconds()
		c.Summary = fmt.Sprintf("a test notification was delivered in %s: check that it arrived", round(n.Took))
	default:
		c.Summary = fmt.Sprintf("%s notifier set up; test send skipped (run vendorwatch doctor --send-test to send one)", n.Type)
	}
	return c
}

// StateDir judges the state dir: problem is app's StateDirProblem.
func StateDir(dir, problem string) Check {
	c := Check{Check: CheckStateDir, Subject: dir, Level: Pass}
	switch {
	case dir == "":
		c.Subject = "(none)"
		c.Level = Warn
		c.Summary = "no state dir (no home directory and no --state-dir): nothing is remembered between runs, so trouble seen once never confirms"
		c.Fix = "give vendorwatch a state dir: --state-dir DIR, or set XDG_STATE_HOME"
	case problem != "":
		c.Level = Warn
		c.Summary = "the state dir " + problem
		c.Fix = "chmod 700 " + dir
	default:
		c.Summary = "readable by you alone (or not made yet: it will be made private)"
	}
	return c
}

// NoVendors is the check of a config that watches nothing.
func NoVendors() Check {
	return Check{Check: CheckNoVendors, Subject: "config", Level: Fail,
		Summary: "no vendor is watched", Fix: "add vendors to the config (vendorwatch catalog lists them), or drop --only"}
}
