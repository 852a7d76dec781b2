package output

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/sla"
)

// slaKey is registered by the test below; no other test uses it.
const slaKey = "sk-proj-SLATestKeyNotReal0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHJk7Q"

func sampleSLA(name string) SLAReport {
	since := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	up := 0.75
	v := sla.Vendor{ID: "openai", Name: name, WindowMinutes: 120, ObservedMinutes: 80, UnobservedMinutes: 40, FailingMinutes: 20, Uptime: &up}
	for i, f := range []float64{0, 20, 5, 0} {
		obs := 30.0
		if i == 3 {
			obs = 0
		}
		v.Buckets = append(v.Buckets, sla.Bucket{Start: since.Add(time.Duration(i) * 30 * time.Minute), FailingMinutes: f, ObservedMinutes: obs})
	}
	return SLAReport{Report: sla.Report{Since: since, Until: since.Add(2 * time.Hour), Bucket: 30 * time.Minute, Vendors: []sla.Vendor{v}}}
}

// Every form of the reliability report goes through the redactor, and
// a vendor name's control characters never reach a terminal, a Markdown
// table or a spreadsheet's formula bar.
func TestSLARedactsAndCleans(t *testing.T) {
	redact.Register(slaKey)
	r := sampleSLA("=Open\x1b[31mAI " + slaKey + "\n| x")
	for name, write := range map[string]func(*bytes.Buffer, SLAReport) error{
		"text": func(b *bytes.Buffer, r SLAReport) error { return WriteSLAText(b, r) },
		"md":   func(b *bytes.Buffer, r SLAReport) error { return WriteSLAMarkdown(b, r) },
		"json": func(b *bytes.Buffer, r SLAReport) error { return WriteSLAJSON(b, r) },
		"csv":  func(b *bytes.Buffer, r SLAReport) error { return WriteSLACSV(b, r) },
	} {
		var buf bytes.Buffer
		if err := write(&buf, r); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.Contains(out, slaKey[len("sk-proj-"):len("sk-proj-")+16]) {
			t.Errorf("%s shows the key:\n%s", name, out)
		}
		if name != "json" && strings.ContainsRune(out, '\x1b') {
			t.Errorf("%s holds an escape sequence: %q", name, out)
		}
	}
	var buf bytes.Buffer
	if err := WriteSLACSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 || !strings.HasPrefix(rows[1][1], "'=") {
		t.Errorf("CSV name cell %q (%v): want it quoted against formulas", rows, err)
	}
}

// The sparkline scales to the vendor's worst bar and marks what nothing
// observed; the terminal table says an uptime over observed time.
func TestSLASparklineAndText(t *testing.T) {
	r := sampleSLA("OpenAI")
	if got, want := Sparkline(r.Vendors[0]), "▁█▃·"; got != want {
		t.Errorf("sparkline %q, want %q", got, want)
	}
	var buf bytes.Buffer
	if err := WriteSLAText(&buf, r); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"OpenAI", "20 min", "75%", "40 min", "a bar per 30 min", "▁█▃·"} {
		if !strings.Contains(buf.String(), w) {
			t.Errorf("text lacks %q:\n%s", w, buf.String())
		}
	}
}
