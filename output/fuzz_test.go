package output

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// maxFuzzReport caps a fuzzed report: the seeds are a few kilobytes, and
// more only slows the fuzzer down.
const maxFuzzReport = 256 << 10

// tmuxStyle is a style the line itself writes; any other '#' came from
// the report.
var tmuxStyle = regexp.MustCompile(`#\[(?:default|(?:(?:fg|bg)=colour[0-9]+|bold)(?:,(?:(?:fg|bg)=colour[0-9]+|bold))*)\]`)

// lineFormats are the line's flavours, with and without a width cap.
var lineFormats = []LineOptions{{}, {Format: LinePlain, ASCII: true}, {Format: LineWaybar}, {MaxWidth: 24}, {Format: LinePlain, MaxWidth: 9},
	{Format: LineI3blocks, MaxWidth: 30}, {Format: LinePolybar, Style: "light"}, {Format: LineXbar, Style: "dark"}}

// checkLine fails when the status line of r could do more than show
// itself: a control or format character, or, once the format's own markup
// is taken off, a character a bar reads as markup ('#' for tmux, '%{' for
// polybar, '|' for xbar, '<' and '&' for Pango) or a line of its own.
func checkLine(t *testing.T, r *correlate.Report) {
	t.Helper()
	for _, o := range lineFormats {
		line := Line(r, o)
		if c, bad := fixture.Unsafe(strings.ReplaceAll(line, "\n", " "), false); bad {
			t.Fatalf("%+v: line %q holds %U", o, line, c)
		}
		format := o.Format
		if format == "" {
			format = LineTmux
		}
		for _, text := range lineTexts(t, format, line) {
			if strings.ContainsAny(text, "#%{}|<&\n") {
				t.Fatalf("%+v: line %q holds markup of the report's: %q", o, line, text)
			}
		}
	}
}

// seedReports adds the reports in testdata and reports built here with
// what the line must handle: findings still confirming and recovering,
// names made to attack tmux and the terminal.
func seedReports(f *testing.F) {
	for _, name := range []string{"report.golden.json", "snapshot_demo_2026-05-21_1246.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	add := func(r correlate.Report) {
		var b bytes.Buffer
		if err := WriteJSON(&b, r); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	add(sampleReport())
	add(bigReport(3))
	states := sampleReport()
	states.Findings = append(states.Findings,
		correlate.Finding{Kind: correlate.KindVendorOutage, Severity: correlate.SeverityCritical, Vendors: []string{"vapi"}, State: correlate.StatePending},
		correlate.Finding{Kind: correlate.KindQuotaExceeded, Severity: correlate.SeverityWarning, Vendors: []string{"openai"}, State: correlate.StateClosing})
	add(states)
	hostile := sampleReport()
	hostile.Vendors[0].Name = "#(touch /tmp/pwned)#[fg=red]\x1b]0;t\x07<b>&amp;"
	hostile.Vendors[1].ID = "\u202e#(id)"
	hostile.Findings = append(hostile.Findings, correlate.Finding{Kind: "\x1b[2J", Severity: correlate.SeverityWarning, Vendors: []string{"\u202e#(id)", "nobody"}})
	add(hostile)
	for _, s := range []string{`{"schema_version":1}`, `{"schema_version":2}`, `{"schema_version":1} trailing`,
		`{"schema_version":1,"overall":"critical","vendors":[null],"findings":[null,{"vendors":null}]}`,
		`{"schema_version":1,"findings":[{"kind":"key_revoked","severity":"critical","vendors":["openai"],"state":"pending"}],"vendors":[{"id":"openai","name":"OpenAI","status":7}]}`} {
		f.Add([]byte(s))
	}
}

// FuzzReadJSON reads a fuzzed report as the snapshot readers do: the whole
// reader (ReadJSON, for --remote, report and the dashboard) and the status
// line's partial one (ReadLineReport, for --tmux). A report the whole
// reader takes writes and reads back to the same JSON; its status line is
// safe, and is the line the fast path prints from its digest; and where
// the partial reader takes it too, the two readers give the same line.
func FuzzReadJSON(f *testing.F) {
	seedReports(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzReport {
			return
		}
		full, err := ReadJSON(bytes.NewReader(data))
		lite, liteErr := ReadLineReport(data)
		if liteErr == nil {
			checkLine(t, &lite)
		}
		if err != nil {
			return
		}
		var once, twice bytes.Buffer
		if err := WriteJSON(&once, full); err != nil {
			t.Fatalf("a report that was read does not write: %v", err)
		}
		again, err := ReadJSON(bytes.NewReader(once.Bytes()))
		if err != nil {
			t.Fatalf("a report that was written does not read: %v\n%s", err, once.Bytes())
		}
		if err := WriteJSON(&twice, again); err != nil || !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("write, read, write differs (%v):\n%s\n%s", err, once.Bytes(), twice.Bytes())
		}
		checkLine(t, &full)
		if digest, err := LineDigest(full); err == nil {
			d, err := statusline.DecodeDigest(digest)
			if err != nil {
				t.Fatalf("the digest written does not read: %v\n%q", err, digest)
			}
			fast, _ := statusline.Render(statusline.FormatTmux, statusline.Line{Items: d.Items(false), Overall: d.Overall, Vendors: d.Vendors})
			if slow := Line(&full, LineOptions{}); fast.Text != slow {
				t.Fatalf("the fast path prints %q, the snapshot's line is %q", fast.Text, slow)
			}
		}
		if liteErr != nil {
			return
		}
		for _, o := range lineFormats {
			if a, b := Line(&full, o), Line(&lite, o); a != b {
				t.Fatalf("%+v: the whole report's line is %q, the partial read's %q", o, a, b)
			}
		}
	})
}
