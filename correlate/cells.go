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
// when some do not, "-" when no key is probed. Its level is ok, the worst
// level among the keys that do not work (a dead key is critical, a
// throttled one a warning), or unknown without keys.
func KeysCell(keys []observe.KeyResult) (string, Level) {
	if len(keys) == 0 {
		return "-", LevelUnknown
	}
	failing, worst := 0, LevelUnknown
	for _, k := range keys {
		if k.Result != observe.ResultOK {
			failing++
			worst = Worse(worst, ResultLevel(k.Result))
		}
	}
	if failing == 0 {
		return fmt.Sprintf("%d ok", len(keys)), LevelOK
	}
	return fmt.Sprintf("%d/%d failing", failing, len(keys)), worst
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
