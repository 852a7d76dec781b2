package output

import (
	"bytes"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

// perfDatum is one parsed performance datum.
type perfDatum struct {
	label, value, uom, warn, crit, min, max string
}

// perfValue is the guidelines' value: [-0-9.] digits, then a unit of
// measure (none, s ms us, %, B KB MB TB, c).
var perfValue = regexp.MustCompile(`^(-?[0-9.]+)(s|ms|us|%|B|KB|MB|TB|c)?$`)

// parsePerfdata reads performance data as the Monitoring Plugins
// Development Guidelines define it: space-separated
// 'label'=value[UOM];[warn];[crit];[min];[max], the label in single quotes
// when it holds a space (a quote in it doubled), no '=' in a label.
func parsePerfdata(t *testing.T, s string) []perfDatum {
	t.Helper()
	var out []perfDatum
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimLeft(s, " ") {
		var label string
		if strings.HasPrefix(s, "'") {
			i := 1
			for {
				j := strings.IndexByte(s[i:], '\'')
				if j < 0 {
					t.Fatalf("perfdata %q: unterminated label", s)
				}
				i += j
				if !strings.HasPrefix(s[i:], "''") {
					break
				}
				i += 2
			}
			label, s = strings.ReplaceAll(s[1:i], "''", "'"), s[i+1:]
		} else {
			eq := strings.IndexByte(s, '=')
			if eq < 0 {
				t.Fatalf("perfdata %q: no '='", s)
			}
			label, s = s[:eq], s[eq:]
			if strings.ContainsAny(label, " '") {
				t.Fatalf("unquoted label %q", label)
			}
		}
		if !strings.HasPrefix(s, "=") {
			t.Fatalf("perfdata %q: no '=' after the label %q", s, label)
		}
		field, rest, _ := strings.Cut(s[1:], " ")
		s = rest
		parts := strings.Split(field, ";")
		if len(parts) > 5 {
			t.Fatalf("perfdatum %q has %d fields", field, len(parts))
		}
		parts = append(parts, make([]string, 5-len(parts))...)
		m := perfValue.FindStringSubmatch(parts[0])
		if m == nil {
			t.Fatalf("perfdatum %q: value %q", field, parts[0])
		}
		for _, n := range parts[3:] {
			if n != "" && !regexp.MustCompile(`^-?[0-9.]+$`).MatchString(n) {
				t.Fatalf("perfdatum %q: min/max %q", field, n)
			}
		}
		out = append(out, perfDatum{label: label, value: m[1], uom: m[2], warn: parts[1], crit: parts[2], min: parts[3], max: parts[4]})
	}
	return out
}

// nagiosOutput splits a plugin's output as Nagios does: the first line's
// text and performance data, the long output and the performance data of
// later lines (after a '|' on a later line).
func nagiosOutput(t *testing.T, out string) (status string, perf []perfDatum, long []string) {
	t.Helper()
	if c, bad := fixture.Unsafe(strings.ReplaceAll(out, "\n", " "), false); bad {
		t.Fatalf("output holds %U: %q", c, out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	status, p, _ := strings.Cut(lines[0], "|")
	perf = parsePerfdata(t, p)
	for _, l := range lines[1:] {
		text, p, found := strings.Cut(l, "|")
		long = append(long, text)
		if found {
			perf = append(perf, parsePerfdata(t, p)...)
		}
	}
	return strings.TrimSpace(status), perf, long
}

func TestWriteNagios(t *testing.T) {
	rep := sampleReport()
	var buf bytes.Buffer
	code, err := WriteNagios(&buf, rep)
	if err != nil {
		t.Fatal(err)
	}
	want := "VENDORWATCH CRITICAL - KEY: OpenAI key prod rejected as invalid while OpenAI reports operational | 'openai latency'=230ms;;;0; 'openai failing keys'=1;;;0;1\n" +
		"OpenAI: CRITICAL, 1 of 1 keys failing, status page: All Systems Operational\n" +
		"VAPI: CRITICAL, status page: Downtime\n"
	if code != NagiosCritical || buf.String() != want {
		t.Errorf("exit %d, output\n%s\nwant exit 2 and\n%s", code, buf.String(), want)
	}
	status, perf, long := nagiosOutput(t, buf.String())
	if !strings.HasPrefix(status, "VENDORWATCH CRITICAL - ") || len(long) != 2 {
		t.Errorf("status %q, long %q", status, long)
	}
	if len(perf) != 2 || perf[0] != (perfDatum{label: "openai latency", value: "230", uom: "ms", min: "0"}) ||
		perf[1] != (perfDatum{label: "openai failing keys", value: "1", min: "0", max: "1"}) {
		t.Errorf("perfdata %+v", perf)
	}
}

// Each level ends the check with its plugin exit code, and says the
// plugin's state word.
func TestWriteNagiosLevels(t *testing.T) {
	for level, want := range map[correlate.Level]int{
		correlate.LevelOK: 0, correlate.LevelWarning: 1, correlate.LevelCritical: 2, correlate.LevelUnknown: 3, "": 3, "bogus": 3,
	} {
		rep := calmReport(2)
		rep.Overall = level
		var buf bytes.Buffer
		code, _ := WriteNagios(&buf, *rep)
		word := map[int]string{0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}[want]
		if code != want || !strings.HasPrefix(buf.String(), "VENDORWATCH "+word+" - ") {
			t.Errorf("%q: exit %d, %q; want %d %s", level, code, buf.String(), want, word)
		}
	}
	var buf bytes.Buffer
	if code, _ := WriteNagiosError(&buf, errors.New("config: line 3: bad | thing\n\x1b[31m")); code != 3 || buf.String() != "VENDORWATCH UNKNOWN - config: line 3: bad / thing\n" {
		t.Errorf("error: exit %d, %q", code, buf.String())
	}
}

// Remote and configured text cannot break the plugin's output: a '|'
// would start performance data, a new line long output, a quote end a
// label; escape sequences would reach the web UI's terminal-minded tools.
func TestWriteNagiosHostileText(t *testing.T) {
	rep := sampleReport()
	rep.Vendors[0].ID = "open ai's=\"x\"|"
	rep.Vendors[0].Name = "Open|AI\n'quoted'\x1b[31m"
	rep.Vendors[1].Status.Description = "down | 'x'=1;;;; \nVENDORWATCH OK - fine"
	rep.Verdict.Title = "VAPI outage | 'fake'=0\nVENDORWATCH OK"
	var buf bytes.Buffer
	if _, err := WriteNagios(&buf, rep); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Count(out, "\n") != 3 || strings.Count(out, "|") != 1 || strings.Contains(out, "\x1b") {
		t.Fatalf("output:\n%s", out)
	}
	status, perf, long := nagiosOutput(t, out)
	if !strings.HasPrefix(status, "VENDORWATCH CRITICAL - KEY: VAPI outage / 'fake'=0 VENDORWATCH OK") {
		t.Errorf("status %q", status)
	}
	if len(perf) != 2 || perf[0].label != `open ais"x" latency` || perf[1].label != `open ais"x" failing keys` {
		t.Errorf("perfdata %+v", perf)
	}
	if long[0] != "Open/AI 'quoted': CRITICAL, 1 of 1 keys failing, status page: All Systems Operational" {
		t.Errorf("long output %q", long)
	}
}

// A vendor with no keys and no keyless request has no performance data; a
// canary that is listed and a key that answered are not failing; a request
// that got no answer has no latency to report, one that timed out has.
func TestNagiosPerfdataPerVendor(t *testing.T) {
	v := correlate.VendorReport{VendorResult: observe.VendorResult{ID: "anthropic", Keys: []observe.KeyResult{
		{Name: "prod", Result: observe.ResultOK, HTTPStatus: 200, LatencyMS: 410},
		{Name: "dev", Result: observe.ResultNetworkError, LatencyMS: 30000},
		{Name: "canary", Canary: true, Result: observe.ResultListed},
		{Name: "batch", Result: observe.ResultTimeout, LatencyMS: 10000},
	}}}
	got := strings.Join(vendorPerfdata(v), " ")
	if want := "'anthropic latency'=10000ms;;;0; 'anthropic failing keys'=2;;;0;4"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if p := vendorPerfdata(correlate.VendorReport{VendorResult: observe.VendorResult{ID: "github"}}); len(p) != 0 {
		t.Errorf("github: %v", p)
	}
}

// Monitoring::Plugin, the Perl library of the Monitoring Plugins project
// (Debian's libmonitoring-plugin-perl), reads every datum we write, labels
// and values as we mean them. Skipped when perl or the library is missing.
func TestNagiosPerfdataMonitoringPluginReads(t *testing.T) {
	if exec.Command("perl", "-MMonitoring::Plugin::Performance", "-e", "1").Run() != nil {
		t.Skip("perl's Monitoring::Plugin is not installed (apt-get install libmonitoring-plugin-perl)")
	}
	rep := sampleReport()
	rep.Vendors[1].ID = "v'a=p|i x"
	rep.Vendors[1].Keys = []observe.KeyResult{{Name: "k", Result: observe.ResultVendorError, HTTPStatus: 503, LatencyMS: 1200}}
	var buf bytes.Buffer
	if _, err := WriteNagios(&buf, rep); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(buf.String(), "\n")
	_, perf, _ := strings.Cut(first, "|")
	script := `my @p = Monitoring::Plugin::Performance->parse_perfstring($ARGV[0]) or die "unparsed\n";
print join("\n", map { join("\t", $_->label, $_->value, $_->uom, $_->min // "", $_->max // "") } @p), "\n";`
	out, err := exec.Command("perl", "-MMonitoring::Plugin::Performance", "-e", script, perf).CombinedOutput()
	if err != nil {
		t.Fatalf("Monitoring::Plugin: %v\n%s", err, out)
	}
	want := "openai latency\t230\tms\t0\t\nopenai failing keys\t1\t\t0\t1\nvapi x latency\t1200\tms\t0\t\nvapi x failing keys\t1\t\t0\t1\n"
	if string(out) != want {
		t.Errorf("Monitoring::Plugin read\n%s\nwant\n%s", out, want)
	}
}
