package statusread

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
)

// maxFuzzPage caps a fuzzed page: the head of a status page holds its
// links, and the fetch client's own cap is tested in providers/fetch.
const maxFuzzPage = 64 << 10

// statusIOPage is what a status.io page id looks like.
var statusIOPage = lazyregexp.New(`^[0-9a-f]{24}$`)

// FuzzLookInside scans a fuzzed page the way autodetection scans a page no
// reader recognised, and checks that every URL it would try next is a
// status.io page id's API or a feed on the page's own host, over HTTP(S),
// printable: a page must not be able to send vendorwatch anywhere else
// (an address inside the network, another scheme), nor put control
// characters into the messages that name the URLs tried.
func FuzzLookInside(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, name := range files {
		if strings.HasSuffix(name, ".md") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), maxFuzzPage)])
	}
	link := func(href string) string {
		return `<link rel="alternate" type="application/rss+xml" href="` + href + `">`
	}
	for _, s := range []string{
		`<html><head>` + link("/history.rss") + link("history.atom") + link("https://STATUS.example.com/feed") + `</head></html>`,
		`<html><head>` + link("//evil.test/feed") + link("https://status.example.com@evil.test/feed") + link("http://127.0.0.1/feed") + `</head></html>`,
		`<html><head>` + link("javascript:alert(1)") + link("file:///etc/passwd") + link("https://status.example.com:8443/feed") + `</head></html>`,
		`<html><head>` + link("/feed&#x1b;[31m.rss") + link("/feed&#x202e;.rss") + link("/f%0aeed") + link("https://status.example.com/\u00e9t\u00e9") + `</head></html>`,
		`<html><head><link rel="alternate stylesheet" type="application/atom+xml" href="/a.atom"><base href="https://evil.test/"></head></html>`,
		`<html><body><a href="/pages/history/5a1b2c3d4e5f60718293a4b5">status.io</a><script>statuspageId = '0123456789abcdef01234567'</script></body></html>`,
		`<html><body><img src="https://api.status.io/1.0/status/0123456789abcdef0123456789"></body></html>`,
	} {
		f.Add([]byte(s))
	}
	const page = "https://status.example.com/history"
	base, _ := url.Parse(page)
	r := &Reader{}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > maxFuzzPage {
			return
		}
		for _, c := range r.lookInside(page, &fetch.Response{StatusCode: 200, Body: body, URL: page}) {
			if ch, bad := fixture.Unsafe(c, false); bad {
				t.Fatalf("candidate %q holds %U", c, ch)
			}
			if id, ok := strings.CutPrefix(c, statusIOAPI); ok {
				if !statusIOPage().MatchString(id) {
					t.Fatalf("status.io candidate %q", c)
				}
				continue
			}
			u, err := url.Parse(c)
			if err != nil {
				t.Fatalf("candidate %q does not parse: %v", c, err)
			}
			if (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Host, base.Host) {
				t.Fatalf("candidate %q leaves the page's host %s", c, base.Host)
			}
		}
	})
}
