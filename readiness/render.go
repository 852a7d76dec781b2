package readiness

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// Clean makes every text of the report safe for a terminal and a JSON
// reader: one line each, no control characters or escape sequences.
// Remote text (a vendor's error message) reaches summaries.
func (r *Report) Clean() {
	r.Config = termtext.Line(r.Config)
	for i := range r.Checks {
		c := &r.Checks[i]
		c.Subject, c.Summary, c.Fix = termtext.Line(c.Subject), termtext.Line(c.Summary), termtext.Line(c.Fix)
	}
}

// WriteJSON writes the report as indented JSON (schema_version 1).
func WriteJSON(w io.Writer, r Report) error {
	r.Clean()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes the report for a person: each check with its level,
// what it is about and what was found, the fix under the ones that did
// not pass, and a last line with the counts and the exit code.
func WriteText(w io.Writer, r Report) error {
	r.Clean()
	var b strings.Builder
	fmt.Fprintf(&b, "vendorwatch doctor: config %s\n\n", r.Config)
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "%-4s  %-16s  %s\n", strings.ToUpper(string(c.Level)), c.Check, c.Subject)
		fmt.Fprintf(&b, "      %s\n", c.Summary)
		if c.Fix != "" && c.Level != Pass {
			fmt.Fprintf(&b, "      fix: %s\n", c.Fix)
		}
	}
	fmt.Fprintf(&b, "\n%d fail, %d warn, %d pass: %s\n", r.Counts.Fail, r.Counts.Warn, r.Counts.Pass, verdict(r.Overall))
	_, err := io.WriteString(w, b.String())
	return err
}

// verdict is the last line's word on the overall level.
func verdict(l Level) string {
	switch l {
	case Fail:
		return "not ready for an incident (exit 2)"
	case Warn:
		return "ready, with warnings (exit 1)"
	}
	return "ready (exit 0)"
}
