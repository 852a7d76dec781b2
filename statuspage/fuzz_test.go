package statuspage

import (
	"os"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// maxSeed caps a seed's size: the fuzzer minimizes every interesting
// input, and a 250 KB page makes that crawl. The head of a page is as good
// a start.
const maxSeed = 32 << 10

// seedCorpus adds every recorded payload in testdata, whatever its
// format, plus a few hostile shapes: a reader must survive the others'
// bodies as well as its own.
func seedCorpus(f *testing.F) {
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		b := readFixture(f, e.Name())
		f.Add(b[:min(len(b), maxSeed)])
	}
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `[null]`, `{"summary":null}`, `{"incident":{"updates":[null]}}`,
		`{"data":{"type":"status_page"},"included":[null,{"type":"status_report","attributes":null}]}`,
		`{"result":{"status_overall":{},"status":[{"containers":[null]}],"maintenance":"x"}}`,
		`{"page":{"status":"HASISSUES"},"activeIncidents":[{"updates":[{}]}],"activeMaintenances":[{"duration":99999999999}]}`,
		`[{"id":"x","updates":[{"text":"# t\n|a|\n|--|"}]}]`,
		`{"status":"active","active_incidents":[{"notes":[{"body":"<script>x</script>"}]}]}`,
		`<rss><channel><item><title>&lt;b&gt;x</title><guid>#a_</guid></item></channel></rss>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">&lt;small&gt;Feb 30, 99:99 ZZZ&lt;/small&gt;&lt;strong&gt;</content></entry></feed>`,
		`<html><body class="status status-major"><div class="unresolved-incident impact-critical"><div class="update"><strong>x</strong><small>Jan 1, 00:00 UTC</small></div></div></body></html>`,
	} {
		f.Add([]byte(s))
	}
}

// fuzzReader checks the contract every reader keeps: no panic, a status
// or an error, and no control character in any text it returns.
func fuzzReader(f *testing.F, read func([]byte) (*observe.Status, error)) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := read(data)
		if err != nil {
			if st != nil {
				t.Fatal("a status with an error")
			}
			return
		}
		if st == nil {
			t.Fatal("nil status without an error")
		}
		assertClean(t, st)
	})
}

func FuzzIncidentIO(f *testing.F)  { fuzzReader(f, parseIncidentIO) }
func FuzzBetterStack(f *testing.F) { fuzzReader(f, parseBetterStack) }
func FuzzInstatus(f *testing.F)    { fuzzReader(f, parseInstatus) }
func FuzzStatusIO(f *testing.F)    { fuzzReader(f, parseStatusIO) }
func FuzzGoogle(f *testing.F)      { fuzzReader(f, parseGoogle) }
func FuzzSlack(f *testing.F)       { fuzzReader(f, parseSlack) }
func FuzzStripe(f *testing.F)      { fuzzReader(f, parseStripe) }
func FuzzFeed(f *testing.F)        { fuzzReader(f, parseFeed) }
func FuzzHTML(f *testing.F)        { fuzzReader(f, parseHTML) }

// FuzzSniffThenParse feeds whatever Sniff decides to the reader it names,
// as autodetection does.
func FuzzSniffThenParse(f *testing.F) {
	fuzzReader(f, func(data []byte) (*observe.Status, error) {
		format := Sniff(data)
		if format == Auto {
			return &observe.Status{}, nil
		}
		return Parse(format, data)
	})
}

// FuzzMarkdownText checks the text cleaner on its own: nothing it returns
// may hold a control character other than newline.
func FuzzMarkdownText(f *testing.F) {
	f.Add("# h\n**b** `c` [l](u) \x1b[31m\u202e")
	f.Fuzz(func(t *testing.T, s string) {
		out := MarkdownText(s)
		for _, r := range out {
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("control character %U in %q", r, out)
			}
		}
	})
}
