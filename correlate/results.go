package correlate

import (
	"strings"

	"github.com/vendorwatch/vendorwatch/observe"
)

// resultLook is what a probe result means to a reader: how bad it is and
// the word every view prints for it.
type resultLook struct {
	level Level
	word  string
}

// results is the one table of probe results (DESIGN §3): a key probe's or
// keyless request's result, its level and its word. The dashboard, the
// --once table and the rules that file a finding for a result all read it,
// so a result is graded and named the same everywhere; the glyph of each
// level is statusline.Icon's.
//
// A key or an account that is dead is critical; anything that needs a
// look but is not a dead key (throttling, the vendor or the network
// failing, a missing secret, a valid key that may not call the probe's
// endpoint, a wrong request, an answer vendorwatch does not know) is a
// warning; no result yet is unknown.
var results = map[observe.Result]resultLook{
	observe.ResultOK:              {LevelOK, "ok"},
	observe.ResultReachable:       {LevelOK, "reachable"},
	observe.ResultListed:          {LevelOK, "listed"},
	observe.ResultInvalidKey:      {LevelCritical, "invalid key"},
	observe.ResultAccountDisabled: {LevelCritical, "account disabled"},
	observe.ResultQuotaExceeded:   {LevelCritical, "quota exceeded"},
	observe.ResultRateLimited:     {LevelWarning, "rate limited"},
	observe.ResultVendorError:     {LevelWarning, "vendor error"},
	observe.ResultTimeout:         {LevelWarning, "timeout"},
	observe.ResultNetworkError:    {LevelWarning, "network error"},
	observe.ResultNoSecret:        {LevelWarning, "no secret"},
	observe.ResultNotChecked:      {LevelUnknown, "not checked"},
	observe.ResultNoPermission:    {LevelWarning, "no permission"},
	observe.ResultMisconfigured:   {LevelWarning, "misconfigured"},
	observe.ResultUnexpected:      {LevelWarning, "unexpected"},
	"":                            {LevelUnknown, "not checked"},
}

// ResultLevel is how bad a probe result is: ok for ok and reachable;
// critical for invalid_key, account_disabled and quota_exceeded; unknown
// for no result yet; a warning for every other result, including one this
// vendorwatch does not know (a newer server's, say).
func ResultLevel(r observe.Result) Level {
	if l, ok := results[r]; ok {
		return l.level
	}
	return LevelWarning
}

// ResultWord is the word every view prints for a probe result: "ok",
// "invalid key", "vendor error", "not checked" for no result yet. A result
// this vendorwatch does not know reads as its own name, underscores
// spaced.
func ResultWord(r observe.Result) string {
	if l, ok := results[r]; ok {
		return l.word
	}
	return strings.ReplaceAll(string(r), "_", " ")
}

// severityOf is the finding severity that raises its vendor to l: the
// inverse of Severity.Level for warning and critical.
func severityOf(l Level) Severity {
	switch l {
	case LevelCritical:
		return SeverityCritical
	case LevelWarning:
		return SeverityWarning
	}
	return SeverityInfo
}
