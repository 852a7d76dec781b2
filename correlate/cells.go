package correlate

import (
	"fmt"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// The words of the vendor table. The dashboard and the --once table show
// the same observations in cells of their own layout; these functions are
// the one vocabulary both print, with the level that colours each cell.

// StateWords spells a status page state for people: "partial outage".
func StateWords(s observe.State) string {
	return strings.ReplaceAll(string(s), "_", " ")
}

// Latency is an answer time for people: "90ms", "2.4s".
func Latency(ms int64) string {
	if ms < 1000 {
		return fmt.Sprintf("%dms", ms)
	}
	return fmt.Sprintf("%.1fs", float64(ms)/1000)
}

// ReachCell is the REACH cell: "ok" when the vendor answered the keyless
// request in its own words, else the result's word ("vendor error",
// "network error", "timeout"), with the result's level; "-" and unknown
// when no keyless request is made.
func ReachCell(r *observe.Reachability) (string, Level) {
	if r == nil {
		return "-", LevelUnknown
	}
	if r.Result == observe.ResultReachable {
		return "ok", LevelOK
	}
	return ResultWord(r.Result), ResultLevel(r.Result)
}

// KeysCell is the KEYS cell: "2 ok" when every key works, "1/2 failing"
// when some do not, "-" when no key is probed. Keys that were not tried
// are counted apart, never as failing: a key not checked yet, a secret
// that did not resolve was never sent, and while our own network is down
// (networkDown) no request left. "1 ok, 1 not tried", "2 not tried". An
// answer vendorwatch cannot read is "unclear". Its level is ok, the worst
// level among the tried keys that do not work (a dead key is critical, a
// throttled one a warning), a warning for a secret to fix, or unknown
// without a key tried.
func KeysCell(keys []observe.KeyResult, networkDown bool) (string, Level) {
	if len(keys) == 0 {
		return "-", LevelUnknown
	}
	failing, untried, unclear, worst := 0, 0, 0, LevelUnknown
	for _, k := range keys {
		switch {
		case Untried(k, networkDown):
			untried++
			if k.Result == observe.ResultNoSecret {
				worst = Worse(worst, LevelWarning) // a secret to fix
			}
		case k.Result == observe.ResultUnexpected:
			// An answer vendorwatch cannot read says neither way.
			unclear++
			worst = Worse(worst, LevelWarning)
		case ResultLevel(k.Result) != LevelOK:
			failing++
			worst = Worse(worst, ResultLevel(k.Result))
		}
	}
	tried := len(keys) - untried - unclear
	var parts []string
	switch {
	case tried == 0:
	case failing == 0:
		parts, worst = append(parts, fmt.Sprintf("%d ok", tried)), Worse(LevelOK, worst)
	default:
		parts = append(parts, fmt.Sprintf("%d/%d failing", failing, tried))
	}
	if unclear > 0 {
		parts = append(parts, fmt.Sprintf("%d unclear", unclear))
	}
	if untried > 0 {
		parts = append(parts, fmt.Sprintf("%d not tried", untried))
	}
	return strings.Join(parts, ", "), worst
}

// Untried reports whether a key was not tried: not checked yet, its
// secret did not resolve, its request found no slot (not_checked), or our
// network was down (networkDown).
func Untried(k observe.KeyResult, networkDown bool) bool {
	return !k.Result.Sent() || networkDown && k.Result == observe.ResultNetworkError
}

// NetworkDown reports whether the report finds our own network broken
// (network_local, open or confirming): requests that got no answer say
// nothing about the vendors then.
func (r *Report) NetworkDown() bool {
	for _, f := range r.Findings {
		if f.Kind == KindNetworkLocal && f.State != StateClosing {
			return true
		}
	}
	return false
}

// Phase is where a vendor's trouble stands when its level does not show
// it: pending when something about it is confirming while its level is
// still ok (or unknown), closing when it is recovering, empty otherwise.
// A vendor failing once is confirming, never healthy.
func (r *Report) Phase(v VendorReport) State {
	if v.Level == LevelWarning || v.Level == LevelCritical {
		return ""
	}
	var phase State
	for _, f := range r.FindingsFor(v.ID) {
		if f.Severity.Rank() < SeverityWarning.Rank() {
			continue
		}
		switch f.State {
		case StatePending:
			return StatePending
		case StateClosing:
			phase = StateClosing
		}
	}
	return phase
}

// Unread reports whether a vendor's status page could not be read in the
// check: it has sources and none answered. Such a page says nothing, and
// no view may present its silence as "nothing reported".
func Unread(st observe.Status) bool {
	if len(st.Sources) == 0 {
		return false
	}
	for _, src := range st.Sources {
		if src.OK {
			return false
		}
	}
	return true
}

// SourceFormat names a status source's format for people: "statuspage",
// "auto" when none is set, "(detected)" when autodetection found it.
func SourceFormat(src observe.Source) string {
	s := src.Format
	if s == "" {
		s = "auto"
	}
	if src.Detected {
		s += " (detected)"
	}
	return s
}

// SourceCell is the SOURCE cell: the first status source that failed,
// "error: " and why, as a warning; else the first source's format and
// answer time, "statuspage 182ms", as ok; "-" and unknown without a
// source. The error is remote text, made safe for a terminal.
func SourceCell(st observe.Status) (string, Level) {
	if len(st.Sources) == 0 {
		return "-", LevelUnknown
	}
	for _, src := range st.Sources {
		if !src.OK {
			return "error: " + termtext.Clip(termtext.Line(src.Error), 40), LevelWarning
		}
	}
	src := st.Sources[0]
	return SourceFormat(src) + " " + Latency(src.LatencyMS), LevelOK
}
