package output

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// ReadLineReport reads a schema-1 report for the status line, decoding only
// what Line uses: generated_at, overall, the vendors' ids and names, and
// the findings' kind, severity, state and vendors. Every vendor's status page and
// keys and the findings' text, nearly all of the bytes, are skipped
// unread, so the widget's per-call cost hardly grows with the vendors.
func ReadLineReport(data []byte) (correlate.Report, error) {
	var doc struct {
		SchemaVersion int             `json:"schema_version"`
		GeneratedAt   time.Time       `json:"generated_at"`
		Overall       correlate.Level `json:"overall"`
		Vendors       []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"vendors"`
		Findings []struct {
			Kind     correlate.Kind      `json:"kind"`
			Severity correlate.Severity  `json:"severity"`
			State    correlate.State     `json:"state"`
			Vendors  []string            `json:"vendors"`
			Silenced *correlate.Silenced `json:"silenced"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return correlate.Report{}, fmt.Errorf("reading report JSON: %w", err)
	}
	if doc.SchemaVersion != correlate.SchemaVersion {
		return correlate.Report{}, fmt.Errorf("report has schema_version %d, this vendorwatch reads %d", doc.SchemaVersion, correlate.SchemaVersion)
	}
	rep := correlate.Report{
		SchemaVersion: doc.SchemaVersion,
		GeneratedAt:   doc.GeneratedAt,
		Overall:       doc.Overall,
		Vendors:       make([]correlate.VendorReport, len(doc.Vendors)),
		Findings:      make([]correlate.Finding, len(doc.Findings)),
	}
	for i, v := range doc.Vendors {
		rep.Vendors[i].ID, rep.Vendors[i].Name = v.ID, v.Name
	}
	for i, f := range doc.Findings {
		rep.Findings[i] = correlate.Finding{Kind: f.Kind, Severity: f.Severity, State: f.State, Vendors: f.Vendors, Silenced: f.Silenced}
	}
	return rep, nil
}
