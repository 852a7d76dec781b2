package output

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/statuspage"
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
			v.Status.Components = append(v.Status.Components, statuspage.Component{Name: fmt.Sprintf("Component %d", j), State: statuspage.Operational})
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
