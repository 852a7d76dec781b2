package output

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// onePieceJSON is how WriteJSON wrote a report before it streamed: the
// whole report encoded, then indented, in one write.
func onePieceJSON(t testing.TB, r correlate.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), "", "  "); err != nil {
		t.Fatal(err)
	}
	return append(out.Bytes(), '\n')
}

// writesRecorder keeps each write whole.
type writesRecorder struct {
	all    bytes.Buffer
	writes []int
}

func (w *writesRecorder) Write(p []byte) (int, error) {
	w.all.Write(p)
	w.writes = append(w.writes, len(p))
	return len(p), nil
}

// --once --json over 1,000 vendors writes the same bytes as before it
// streamed, in pieces of about jsonFlushAt: the process never holds the
// whole document. Empty lists stay [] and a report with nothing in it is
// unchanged too.
func TestWriteJSONStreamsTheSameBytes(t *testing.T) {
	for name, rep := range map[string]correlate.Report{
		"sample":       sampleReport(),
		"1000 vendors": bigReport(1000),
		"nothing":      {SchemaVersion: correlate.SchemaVersion},
	} {
		t.Run(name, func(t *testing.T) {
			var w writesRecorder
			if err := WriteJSON(&w, rep); err != nil {
				t.Fatal(err)
			}
			want := onePieceJSON(t, rep)
			if !bytes.Equal(w.all.Bytes(), want) {
				t.Fatalf("streamed JSON differs from the one-piece JSON (%d bytes, want %d)", w.all.Len(), len(want))
			}
			if name == "nothing" && (!bytes.Contains(want, []byte(`"vendors": []`)) || !bytes.Contains(want, []byte(`"findings": []`))) {
				t.Errorf("empty report JSON lacks its empty lists:\n%s", want)
			}
			if len(want) < jsonFlushAt {
				if len(w.writes) != 1 {
					t.Errorf("%d writes of a %d-byte document, want 1", len(w.writes), len(want))
				}
				return
			}
			if len(w.writes) < len(want)/(2*jsonFlushAt) {
				t.Errorf("%d writes of a %d-byte document, want pieces of about %d bytes", len(w.writes), len(want), jsonFlushAt)
			}
			for i, n := range w.writes {
				if n > 2*jsonFlushAt {
					t.Errorf("write %d is %d bytes, want about %d", i, n, jsonFlushAt)
				}
			}
		})
	}
}

// A key in the report is blanked by the redacting writer wherever it
// falls, though the document reaches it in pieces: a piece ends between
// two vendors, never inside a string.
func TestWriteJSONRedactedInPieces(t *testing.T) {
	rep := bigReport(600)
	for i := range rep.Vendors {
		if len(rep.Vendors[i].Keys) > 0 {
			rep.Vendors[i].Keys = append(rep.Vendors[i].Keys[:0:0], rep.Vendors[i].Keys...)
			rep.Vendors[i].Keys[0].Message = "echoed " + fixture.OpenAIKey + " back"
		}
	}
	r := redact.New()
	r.Register(fixture.OpenAIKey)
	var w writesRecorder
	if err := WriteJSON(r.Writer(&w), rep); err != nil {
		t.Fatal(err)
	}
	if len(w.writes) < 2 {
		t.Fatalf("%d writes, want several pieces", len(w.writes))
	}
	fixture.NoKey(t, "--once --json", w.all.String(), fixture.OpenAIKey)
	if !strings.Contains(w.all.String(), "echoed ") {
		t.Error("the messages holding the key are gone")
	}
}

// Writing 1,000 vendors allocates about the document's size, in small
// pieces (each vendor's lists filled, its JSON): before streaming it took
// six times the document (19.7 MB for 3.2 MB: MarshalJSON's growing
// buffer, the encoder's compacted copy, the indented one).
func TestWriteJSONAllocatesLessThanTheDocument(t *testing.T) {
	if fixture.RaceEnabled {
		t.Skip("the race detector's instrumentation allocates beside the code measured")
	}
	rep := bigReport(1000)
	var size countWriter
	if err := WriteJSON(&size, rep); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := WriteJSON(new(countWriter), rep); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(size)*3/2 {
		t.Errorf("writing a %d-byte document allocated %d bytes, want at most 1.5 times the document", size, alloc)
	}
}

// countWriter counts what is written to it.
type countWriter int

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// BenchmarkWriteJSON1000 writes the report of 1,000 vendors as --once
// --json does:
//
//	go test -run '^$' -bench WriteJSON1000 -benchmem ./output
func BenchmarkWriteJSON1000(b *testing.B) {
	rep := bigReport(1000)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSON(new(countWriter), rep); err != nil {
			b.Fatal(err)
		}
	}
}
