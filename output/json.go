// Package output renders reports: JSON (schema version 1), the --once text
// table, the tmux line and the Markdown incident report.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// WriteJSON writes the report as schema-1 JSON, indented, with a trailing
// newline.
func WriteJSON(w io.Writer, r correlate.Report) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return err
	}
	compact := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
	out := indentJSON(make([]byte, 0, len(compact)*3/2), compact)
	_, err := w.Write(append(out, '\n'))
	return err
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
