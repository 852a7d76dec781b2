package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// outputKey is registered by the test below; no other test uses it.
const outputKey = "sk-proj-OutputTestKeyNotReal0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHJk7Q"

// The incident report, Markdown or JSON, is redacted: it is pasted into
// postmortems and tickets. The key reaches it split by a zero-width
// space, as a vendor's echo recorded in the timeline.
func TestIncidentReportRedacts(t *testing.T) {
	redact.Register(outputKey)
	r := sampleIncident()
	echo := outputKey[:30] + "\u200b" + outputKey[30:]
	r.Timeline[0].Text = "OpenAI said: Incorrect API key provided: " + echo
	r.Findings[0].Detail = "key " + echo
	for name, write := range map[string]func(*bytes.Buffer) error{
		"markdown": func(b *bytes.Buffer) error { return WriteMarkdown(b, r) },
		"json":     func(b *bytes.Buffer) error { return WriteIncidentJSON(b, r) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		secret := outputKey[len("sk-proj-"):]
		for i := 0; i+12 <= len(secret); i++ {
			if strings.Contains(buf.String(), secret[i:i+12]) {
				t.Fatalf("%s shows %q of the key:\n%s", name, secret[i:i+12], buf.String())
			}
		}
		// Markdown escapes the placeholder's brackets: \[redacted\].
		if !strings.Contains(strings.ReplaceAll(buf.String(), "\\", ""), "Incorrect API key provided: [redacted]") {
			t.Errorf("%s lost the text around the key:\n%s", name, buf.String())
		}
	}
	if !strings.Contains(r.Timeline[0].Text, outputKey[30:]) {
		t.Error("the report given was modified")
	}
}
