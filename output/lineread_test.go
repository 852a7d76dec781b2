package output

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// bigReport is n vendors with status pages, keys and findings, as a large
// config's snapshot holds them.
func bigReport(n int) correlate.Report {
	rep := sampleReport()
	for i := range n {
		v := rep.Vendors[i%2]
		v.ID, v.Name = fmt.Sprintf("v%03d", i), fmt.Sprintf("Vendor %d", i)
		v.Status.Components = nil
		for j := range 20 {
			v.Status.Components = append(v.Status.Components, observe.Component{Name: fmt.Sprintf("Component %d", j), State: observe.Operational})
		}
		rep.Vendors = append(rep.Vendors, v)
		if i%40 == 0 {
			rep.Findings = append(rep.Findings, correlate.Finding{Kind: correlate.KindVendorOutage, Severity: correlate.SeverityWarning,
				Vendors: []string{v.ID}, Title: "Outage", Detail: strings.Repeat("detail ", 20)})
		}
	}
	return rep
}

// The widget's partial read gives the same line as reading the whole
// report, in every format, with and without config names and a width cap.
func TestReadLineReportSameLine(t *testing.T) {
	for _, rep := range []correlate.Report{sampleReport(), bigReport(50), {SchemaVersion: 1, Overall: correlate.LevelUnknown, Vendors: []correlate.VendorReport{}}} {
		var buf bytes.Buffer
		if err := WriteJSON(&buf, rep); err != nil {
			t.Fatal(err)
		}
		full, err := ReadJSON(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		lite, err := ReadLineReport(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if !lite.GeneratedAt.Equal(full.GeneratedAt) {
			t.Errorf("generated_at %s, want %s", lite.GeneratedAt, full.GeneratedAt)
		}
		for _, o := range []LineOptions{
			{}, {Format: LinePlain, ASCII: true}, {Format: LineWaybar},
			{Names: map[string]string{"openai": "OpenAI"}, MaxWidth: 20},
			{Stale: true, Age: 5 * time.Minute},
		} {
			if got, want := Line(&lite, o), Line(&full, o); got != want {
				t.Errorf("%+v: partial read gives %q, full read %q", o, got, want)
			}
		}
	}
	if _, err := ReadLineReport([]byte(`{"schema_version":2}`)); err == nil {
		t.Error("schema_version 2 accepted")
	}
	if _, err := ReadLineReport([]byte(`{"schema_version":1,`)); err == nil {
		t.Error("truncated JSON accepted")
	}
}

// BenchmarkReadReport compares the widget's partial read with a full one
// on a 200-vendor snapshot.
func BenchmarkReadReport(b *testing.B) {
	var buf bytes.Buffer
	WriteJSON(&buf, bigReport(200))
	data := buf.Bytes()
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := ReadJSON(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("line", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := ReadLineReport(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The fast path (statusline.Answer over the digest LineDigest writes)
// prints exactly the line the whole program prints from the snapshot, in
// every format, style, marker set and width, with the same exit code; and
// it answers every such call, since no item is ever cut.
func TestLineDigestSameLineAsTheSnapshot(t *testing.T) {
	wide := sampleReport()
	wide.Vendors[0].Name = "株式会社ベンダー" // double-width cells
	infoOnly := sampleReport()
	for i := range infoOnly.Findings {
		infoOnly.Findings[i].Severity = correlate.SeverityInfo
	}
	reports := []correlate.Report{sampleReport(), bigReport(50), wide, infoOnly,
		{SchemaVersion: 1, Overall: correlate.LevelUnknown, Vendors: []correlate.VendorReport{}}}
	for ri, rep := range reports {
		rep.GeneratedAt = time.Now().Add(-10 * time.Second)
		dir := t.TempDir()
		var buf bytes.Buffer
		if err := WriteJSON(&buf, rep); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, statusline.SnapshotFile), buf.Bytes(), 0o600)
		digest, err := LineDigest(rep)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, statusline.DigestFile), digest, 0o600)
		snap, err := ReadLineReport(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range statusline.Formats {
			for _, ascii := range []bool{false, true} {
				for _, width := range []int{0, 8, 15, 20, 30, 60} {
					style := statusline.Styles[width%len(statusline.Styles)]
					args := []string{"--tmux", "--state-dir", dir, "--format", string(format), "--max-width", fmt.Sprint(width), "--style", string(style)}
					if ascii {
						args = append(args, "--ascii")
					}
					var out bytes.Buffer
					ok, code, err := statusline.Answer(args, &out, time.Now())
					if err != nil {
						t.Fatal(err)
					}
					want := LineOutput(&snap, LineOptions{Format: format, Style: style, ASCII: ascii, MaxWidth: width})
					if !ok {
						t.Errorf("report %d %v: the fast path did not answer; the line is %q", ri, args[3:], want.Text)
						continue
					}
					if code != want.Exit {
						t.Errorf("report %d %v: fast path exits %d, whole program %d", ri, args[3:], code, want.Exit)
					}
					if got := strings.TrimSuffix(out.String(), "\n"); got != want.Text {
						t.Errorf("report %d %v: fast path %q, whole program %q", ri, args[3:], got, want.Text)
					}
				}
			}
		}
	}
}

// statusline assumes every icon is one cell wide.
func TestIconsAreOneCell(t *testing.T) {
	for _, l := range []statusline.Level{statusline.OK, statusline.Warning, statusline.Critical, statusline.Unknown} {
		for _, ascii := range []bool{false, true} {
			if w := ansi.StringWidth(statusline.Icon(l, ascii)); w != 1 {
				t.Errorf("icon %q is %d cells", statusline.Icon(l, ascii), w)
			}
		}
	}
}
