// Package output renders reports: JSON (schema version 1), the --once text
// table, the tmux line and the Markdown incident report.
package output

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// WriteJSON writes the report as schema-1 JSON, indented, with a trailing
// newline. The document is streamed: it is encoded a vendor at a time
// (correlate.Report.WriteJSON), indented as it comes and written to w in
// pieces of about jsonFlushAt bytes, each ending between two vendors,
// findings or rotations, so no JSON string is split between two writes
// (a redacting writer sees each whole). Memory is one vendor's JSON and a
// piece, not the whole document several times over.
func WriteJSON(w io.Writer, r correlate.Report) error {
	iw := &indentWriter{w: w}
	if err := r.WriteJSON(iw); err != nil {
		return err
	}
	iw.buf = append(iw.buf, '\n')
	return iw.flush()
}

// jsonFlushAt is the size at which WriteJSON passes what it has indented
// on: large enough that 5,000 vendors make a few hundred writes, small
// enough to be nothing beside the report.
const jsonFlushAt = 64 << 10

// indentWriter indents each part written to it, compact JSON as
// correlate.Report.WriteJSON writes it, and passes the result on to w
// once it holds jsonFlushAt bytes.
type indentWriter struct {
	w   io.Writer
	in  indenter
	buf []byte
	err error
}

func (iw *indentWriter) Write(p []byte) (int, error) {
	if iw.err != nil {
		return 0, iw.err
	}
	iw.buf = iw.in.append(iw.buf, p)
	if len(iw.buf) >= jsonFlushAt {
		if err := iw.flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// flush writes what is held to w.
func (iw *indentWriter) flush() error {
	if iw.err == nil && len(iw.buf) > 0 {
		_, iw.err = iw.w.Write(iw.buf)
		iw.buf = iw.buf[:0]
	}
	return iw.err
}

// ReadJSON reads a schema-1 report, as written by WriteJSON, the state
// dir's snapshot or serve's /api/v1/snapshot.
func ReadJSON(r io.Reader) (correlate.Report, error) {
	var rep correlate.Report
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return rep, fmt.Errorf("reading report JSON: %w", err)
	}
	if rep.SchemaVersion != correlate.SchemaVersion {
		return rep, fmt.Errorf("report has schema_version %d, this vendorwatch reads %d", rep.SchemaVersion, correlate.SchemaVersion)
	}
	if rep.Verdict.Word == "" {
		// Written before reports carried their verdict.
		rep.Verdict = correlate.VerdictOf(rep)
	}
	return rep, nil
}
