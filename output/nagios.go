package output

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Nagios plugin exit codes (the Monitoring Plugins Development
// Guidelines): what Nagios, Icinga, Naemon and Sensu read a check's state
// from.
const (
	NagiosOK       = 0
	NagiosWarning  = 1
	NagiosCritical = 2
	NagiosUnknown  = 3
)

// nagiosStates names each plugin exit code as the status line says it.
var nagiosStates = map[int]string{NagiosOK: "OK", NagiosWarning: "WARNING", NagiosCritical: "CRITICAL", NagiosUnknown: "UNKNOWN"}

// nagiosCode is the plugin exit code of a report's level: ok, warning and
// critical are the plugin's states, and anything else, unknown included,
// is UNKNOWN.
func nagiosCode(l correlate.Level) int {
	switch l {
	case correlate.LevelOK:
		return NagiosOK
	case correlate.LevelWarning:
		return NagiosWarning
	case correlate.LevelCritical:
		return NagiosCritical
	}
	return NagiosUnknown
}

// nagiosTextMax caps the status line's text and each long-output line, in
// runes: NRPE passes only a few kilobytes of a check's output.
const nagiosTextMax = 200

// WriteNagios writes r as a Nagios/Icinga plugin's output and returns the
// plugin exit code to end with: the first line is "VENDORWATCH <STATE> -
// <verdict>", then '|' and the performance data of every vendor (its
// slowest probe's latency, its failing keys); one line per vendor follows
// as long output. Every text is remote text made safe: no control
// character, no new line and no '|', which would start performance data.
func WriteNagios(w io.Writer, r correlate.Report) (int, error) {
	code := nagiosCode(r.Overall)
	var perf []string
	for _, v := range r.Vendors {
		perf = append(perf, vendorPerfdata(v)...)
	}
	var b strings.Builder
	b.WriteString("VENDORWATCH " + nagiosStates[code] + " - " + nagiosText(r.Verdict.String()))
	if len(perf) > 0 {
		b.WriteString(" | " + strings.Join(perf, " "))
	}
	b.WriteByte('\n')
	for _, v := range r.Vendors {
		b.WriteString(vendorLongLine(v) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return code, err
}

// WriteNagiosError writes what a check that could not run says to Nagios,
// "VENDORWATCH UNKNOWN - <error>", and returns the UNKNOWN exit code. The
// error goes to stdout, where Nagios reads it, not only to stderr.
func WriteNagiosError(w io.Writer, err error) (int, error) {
	_, werr := fmt.Fprintf(w, "VENDORWATCH %s - %s\n", nagiosStates[NagiosUnknown], nagiosText(err.Error()))
	return NagiosUnknown, werr
}

// vendorPerfdata is a vendor's performance data: '<id> latency', the
// slowest answer of its key probes (or of its keyless request) in ms, and
// '<id> failing keys', how many of its keys failed their probe, out of
// all of them. A vendor with no keys and no request has none.
func vendorPerfdata(v correlate.VendorReport) []string {
	var perf []string
	if ms, ok := vendorLatency(v.VendorResult); ok {
		perf = append(perf, perfdatum(v.ID+" latency", strconv.FormatInt(ms, 10)+"ms", "0", ""))
	}
	if len(v.Keys) > 0 {
		perf = append(perf, perfdatum(v.ID+" failing keys", strconv.Itoa(failingKeys(v.Keys)), "0", strconv.Itoa(len(v.Keys))))
	}
	return perf
}

// perfdatum is one 'label'=value[UOM];[warn];[crit];[min];[max] of the
// guidelines, without thresholds: vendorwatch decides the state itself.
// The label is always quoted. Config ids are plain (letters, digits, . _
// -), but a --remote report's are not ours: '=' and '|', which no label
// may hold, what is not printable, and quotes, which the guidelines let a
// label double but common parsers (Monitoring::Plugin's) do not read, are
// dropped.
func perfdatum(label, value, lo, hi string) string {
	label = strings.Map(func(r rune) rune {
		if r == '=' || r == '|' || r == '\'' {
			return -1
		}
		return r
	}, termtext.Line(label))
	return "'" + label + "'=" + value + ";;;" + lo + ";" + hi
}

// vendorLatency is the slowest answer among the vendor's key probes and
// its keyless request, in ms: requests the vendor answered, and those
// that timed out (the wait is the point); a request that got no answer at
// all (refused, no route) says nothing of the vendor's speed. False when
// none counts.
func vendorLatency(v observe.VendorResult) (int64, bool) {
	var ms int64 = -1
	timed := func(r observe.Result, status int, latency int64) {
		if latency > 0 && (status > 0 || r == observe.ResultTimeout) {
			ms = max(ms, latency)
		}
	}
	for _, k := range v.Keys {
		timed(k.Result, k.HTTPStatus, k.LatencyMS)
	}
	if r := v.Reachability; r != nil {
		timed(r.Result, r.HTTPStatus, r.LatencyMS)
	}
	return ms, ms >= 0
}

// failingKeys counts the keys whose probe did not succeed: every result
// but ok, and a canary's "listed" (present in the key list, never used).
func failingKeys(keys []observe.KeyResult) int {
	n := 0
	for _, k := range keys {
		switch k.Result {
		case observe.ResultOK, observe.ResultReachable, observe.ResultListed:
		default:
			n++
		}
	}
	return n
}

// vendorLongLine is a vendor's line of long output: "OpenAI: CRITICAL,
// 1 of 1 keys failing, status page: All Systems Operational".
func vendorLongLine(v correlate.VendorReport) string {
	name := v.Name
	if name == "" {
		name = v.ID
	}
	parts := []string{name + ": " + nagiosStates[nagiosCode(v.Level)]}
	if len(v.Keys) > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d keys failing", failingKeys(v.Keys), len(v.Keys)))
	}
	if d := v.Status.Description; d != "" {
		parts = append(parts, "status page: "+d)
	} else if v.Status.State != "" {
		parts = append(parts, "status page: "+string(v.Status.State))
	}
	return nagiosText(strings.Join(parts, ", "))
}

// nagiosText makes text safe for a plugin's output: one line, no control
// or escape characters, no '|' (which starts performance data), clipped.
func nagiosText(s string) string {
	return termtext.Clip(strings.ReplaceAll(termtext.Line(s), "|", "/"), nagiosTextMax)
}
