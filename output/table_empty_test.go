package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// Issue 21: a report with no vendor never says every vendor looks
// healthy, whatever its level.
func TestTableWithNoVendors(t *testing.T) {
	for _, level := range []correlate.Level{correlate.LevelOK, correlate.LevelUnknown} {
		var b bytes.Buffer
		if err := WriteTable(&b, correlate.Report{SchemaVersion: correlate.SchemaVersion, Overall: level}, TableOptions{NoColor: true}); err != nil {
			t.Fatal(err)
		}
		if out := b.String(); strings.Contains(out, "healthy") || !strings.Contains(out, "No vendors were checked.") {
			t.Errorf("overall %s, no vendors:\n%s", level, out)
		}
	}
}
