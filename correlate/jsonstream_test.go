package correlate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/jsonarrays"
)

// referenceJSON is how MarshalJSON encoded a report before it was
// streamed: the whole report, lists filled, in one Encode.
func referenceJSON(t *testing.T, r Report) []byte {
	t.Helper()
	type plain Report
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(jsonarrays.Of(plain(r))); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
}

// streamReports are reports with every top-level shape: nothing at all,
// lists empty but present, rotations, and 200 assessed vendors with
// findings; text with HTML characters and a quote, which must not be
// escaped.
func streamReports() map[string]Report {
	big := report200()
	big.Rotations = []Rotation{{Holders: []RotationHolder{{}}}, {}}
	big.Findings = append(big.Findings, Finding{Kind: KindVendorIncident, Title: `A & B <"down">`})
	return map[string]Report{
		"zero":          {},
		"empty lists":   {SchemaVersion: SchemaVersion, Vendors: []VendorReport{}, Findings: []Finding{}, Rotations: []Rotation{}},
		"nested nils":   {Vendors: []VendorReport{{}}, Findings: []Finding{{}}, Rotations: []Rotation{{}}},
		"200 vendors":   big,
		"verdict lists": {Verdict: VerdictOf(big)},
	}
}

// The streamed encoding is byte for byte the one-piece encoding it
// replaced, so the snapshot, --once --json and the API do not change.
func TestReportWriteJSONMatchesOnePiece(t *testing.T) {
	t.Parallel()
	for name, rep := range streamReports() {
		t.Run(name, func(t *testing.T) {
			want := referenceJSON(t, rep)
			var got bytes.Buffer
			if err := rep.WriteJSON(&got); err != nil {
				t.Fatal(err)
			}
			if d := firstDiff(got.Bytes(), want); d != "" {
				t.Errorf("WriteJSON differs: %s", d)
			}
			// Through an encoder, as the snapshot is written.
			var enc bytes.Buffer
			e := json.NewEncoder(&enc)
			e.SetEscapeHTML(false)
			if err := e.Encode(rep); err != nil {
				t.Fatal(err)
			}
			if d := firstDiff(bytes.TrimSuffix(enc.Bytes(), []byte{'\n'}), want); d != "" {
				t.Errorf("Encode differs: %s", d)
			}
		})
	}
}

// WriteJSON knows the report's fields by name: a field added to Report
// must be added to it too (and to this list).
func TestReportWriteJSONKnowsEveryField(t *testing.T) {
	t.Parallel()
	want := []string{"SchemaVersion", "GeneratedAt", "Overall", "Verdict", "Vendors", "Findings", "Rotations"}
	typ := reflectTypeOfReport()
	if typ.NumField() != len(want) {
		t.Fatalf("Report has %d fields, WriteJSON writes %d: add the new one to WriteJSON", typ.NumField(), len(want))
	}
	for i, name := range want {
		if f := typ.Field(i); f.Name != name {
			t.Errorf("Report field %d is %s, WriteJSON writes %s there", i, f.Name, name)
		}
	}
}

// partsWriter records each Write.
type partsWriter struct{ parts [][]byte }

func (p *partsWriter) Write(b []byte) (int, error) {
	p.parts = append(p.parts, bytes.Clone(b))
	return len(b), nil
}

// The report goes out a vendor at a time, and no part ends inside a JSON
// string: a writer never holds the whole document, and a redacting
// writer sees every string whole.
func TestReportWriteJSONParts(t *testing.T) {
	t.Parallel()
	rep := streamReports()["200 vendors"]
	var pw partsWriter
	if err := rep.WriteJSON(&pw); err != nil {
		t.Fatal(err)
	}
	if want := 1 + len(rep.Vendors) + len(rep.Findings) + len(rep.Rotations); len(pw.parts) != want {
		t.Errorf("%d writes, want %d (the head, a vendor, finding or rotation each)", len(pw.parts), want)
	}
	whole := referenceJSON(t, rep)
	largest := 0
	for _, p := range pw.parts {
		largest = max(largest, len(p))
		inString, escaped := false, false
		for _, c := range p {
			switch {
			case escaped:
				escaped = false
			case inString && c == '\\':
				escaped = true
			case c == '"':
				inString = !inString
			}
		}
		if inString {
			t.Fatalf("a part ends inside a string: %s", p)
		}
	}
	if largest*20 > len(whole) {
		t.Errorf("largest write %d bytes of a %d-byte document, want a vendor's worth", largest, len(whole))
	}
}

func reflectTypeOfReport() reflect.Type { return reflect.TypeFor[Report]() }

// firstDiff says where got and want first differ, or "" when they do not.
func firstDiff(got, want []byte) string {
	if bytes.Equal(got, want) {
		return ""
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	return fmt.Sprintf("at byte %d of %d (want %d): got %q, want %q", i, len(got), len(want), snippet(got, i), snippet(want, i))
}

func snippet(b []byte, i int) []byte {
	return b[max(0, i-40):min(len(b), i+40)]
}
