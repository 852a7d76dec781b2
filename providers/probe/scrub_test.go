package probe

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// noRun fails when s shows any 12 characters of key in a row (issue 16:
// the audit counted partial leaks of 12 characters and more).
func noRun(t *testing.T, where, s, key string) {
	t.Helper()
	for i := 0; i+12 <= len(key); i++ {
		if strings.Contains(s, key[i:i+12]) {
			t.Fatalf("%s shows %q of the key: %q", where, key[i:i+12], s)
		}
	}
}

// A key split by invisible characters or escape sequences is found before
// the text is cleaned, which would glue its pieces back together.
func TestScrubDisguisedKey(t *testing.T) {
	key := fixture.OpenAIKey
	for name, junk := range map[string]string{
		"zero-width space": "\u200b", "SGR reset": "\x1b[0m", "soft hyphen": "\u00ad", "NUL": "\x00",
		"OSC title": "\x1b]0;x\x07", "BOM": "\ufeff",
	} {
		t.Run(name, func(t *testing.T) {
			split := key[:20] + junk + key[20:40] + junk + key[40:]
			got := Scrub("Incorrect API key provided: "+split+".", key, MaxMessage)
			noRun(t, "Scrub", got, key)
			// The key is registered by now: any other text that carries it is
			// redacted too, with no secret given.
			noRun(t, "Scrub of another text", Scrub("echo "+split, "", MaxMessage), key)
		})
	}
}

// The Via header is scrubbed before it is cut to 40 characters: cut
// first, 30 of a VAPI key's 36 characters were left for nobody to know.
func TestViaScrubbedBeforeCut(t *testing.T) {
	h := http.Header{}
	h.Set("Via", "1.1 "+fixture.VAPIKey+" (proxy)")
	msg := edgeVerdict(newAnswer(502, h, []byte("<html>bad gateway</html>"), nil)).Message
	if !strings.Contains(msg, "a proxy (") {
		t.Fatalf("no proxy named: %q", msg)
	}
	for i := 0; i+8 <= len(fixture.VAPIKey); i++ {
		if strings.Contains(msg, fixture.VAPIKey[i:i+8]) {
			t.Fatalf("the Via header shows %q of the key: %q", fixture.VAPIKey[i:i+8], msg)
		}
	}
}
