package history

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// LineFile is written beside SnapshotFile after every commit: the few
// fields of the latest report that the tmux status line shows, so the
// widget, which tmux runs every few seconds, reads a few kilobytes instead
// of every vendor's status page.
const LineFile = "snapshot-line.json"

// LineName is the name of the line digest kept beside a snapshot file
// (snapshot.json: snapshot-line.json).
func LineName(snapshot string) string {
	return strings.TrimSuffix(snapshot, ".json") + "-line.json"
}

// LineJSON encodes the part of r the status line shows (generated_at,
// overall, the vendors' ids, names and levels, the findings' kinds,
// severities and vendors) under the report's own JSON names: a partial
// schema-1 report that output.ReadLineReport reads like a whole one.
func LineJSON(r correlate.Report) ([]byte, error) {
	type vendor struct {
		ID    string          `json:"id"`
		Name  string          `json:"name"`
		Level correlate.Level `json:"level"`
	}
	type finding struct {
		Kind     correlate.Kind     `json:"kind"`
		Severity correlate.Severity `json:"severity"`
		Vendors  []string           `json:"vendors"`
	}
	doc := struct {
		SchemaVersion int             `json:"schema_version"`
		GeneratedAt   time.Time       `json:"generated_at"`
		Overall       correlate.Level `json:"overall"`
		Vendors       []vendor        `json:"vendors"`
		Findings      []finding       `json:"findings"`
	}{SchemaVersion: r.SchemaVersion, GeneratedAt: r.GeneratedAt, Overall: r.Overall,
		Vendors: make([]vendor, len(r.Vendors)), Findings: make([]finding, len(r.Findings))}
	for i, v := range r.Vendors {
		doc.Vendors[i] = vendor{v.ID, v.Name, v.Level}
	}
	for i, f := range r.Findings {
		doc.Findings[i] = finding{f.Kind, f.Severity, f.Vendors}
	}
	b, err := json.Marshal(doc)
	return append(b, '\n'), err
}
