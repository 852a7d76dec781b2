package config

import (
	"strings"
	"testing"
)

// format: html without a selector is a Statuspage page on any host: a
// vendor's own domain (status.python.org) is as good as
// *.statuspage.io. The page's content decides when it is read.
func TestHTMLFormatOnOwnDomain(t *testing.T) {
	for _, url := range []string{"https://status.python.org", "https://python.statuspage.io", "http://127.0.0.1:8080/"} {
		src := "vendors:\n  - id: acme\n    name: Acme\n    status:\n      - url: " + url + "\n        format: html\n"
		if _, err := Parse([]byte(src), "html.yaml", false, cat); err != nil {
			t.Errorf("%s: %v", url, err)
		}
	}
	// A selector still needs format: html.
	src := "vendors:\n  - id: acme\n    name: Acme\n    status:\n      - url: https://status.acme.dev\n        format: rss\n        selector: p\n"
	if _, err := Parse([]byte(src), "html.yaml", false, cat); err == nil || !strings.Contains(err.Error(), "selector: only applies to format: html") {
		t.Errorf("selector with rss: %v", err)
	}
}
