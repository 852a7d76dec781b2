package statuspage

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// HTML pages are the last resort. Atlassian Statuspage pages have a known
// layout: <body class="status-…">, components with data-component-status,
// and unresolved incidents with their updates. Any other page is read
// through a CSS selector from the config: the selected text is the state,
// checked against an optional "healthy" pattern.

// parseHTML reads an Atlassian Statuspage HTML page.
func parseHTML(data []byte) (*observe.Status, error) { return DefaultLimits.ReadHTML(data, "", "") }

// ReadHTML reads a status page's HTML within the DefaultLimits. With an
// empty selector the page must be an Atlassian Statuspage page. With a
// selector, the text of the first matching element is the state: when
// healthy (a regular expression) is given, text it matches is operational
// and anything else is degraded or worse by its words; without it, the
// words decide and text they do not recognise counts as operational.
func ReadHTML(data []byte, selector, healthy string) (*observe.Status, error) {
	return DefaultLimits.ReadHTML(data, selector, healthy)
}

// ReadHTML is the package's ReadHTML, the model cut to l (Cap). An
// Atlassian page's document is built without what the limits would cut
// (htmlprune.go), so its memory is bounded by them; a page read through a
// selector is read whole.
func (l Limits) ReadHTML(data []byte, selector, healthy string) (*observe.Status, error) {
	const want = "an HTML status page"
	if !looksHTML(bytes.TrimSpace(data)) {
		return nil, wrongFormat(want, data)
	}
	if selector == "" {
		// A private page's wall keeps the status-* class of its body.
		if err := LoginWall(data); err != nil {
			return nil, err
		}
	}
	var r io.Reader = bytes.NewReader(data)
	var p pruned
	if selector == "" {
		p = l.pruneHTML(data)
		r = p.reader(data)
	}
	doc, err := goquery.NewDocumentFromReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: want %s, got unreadable HTML: %v", ErrWrongFormat, want, err)
	}
	var st *observe.Status
	if selector != "" {
		if st, err = readSelected(doc, data, selector, healthy); err != nil {
			if wall := LoginWall(data); wall != nil {
				return nil, wall // the selector found nothing: a login wall is why
			}
			return nil, err
		}
	} else {
		if !isStatuspageHTML(doc) {
			return nil, fmt.Errorf("%w: the page is HTML but not an Atlassian Statuspage page (no status-* indicator, components or .page-status banner); for any other page set selector: to the element that holds its status text, or point the source at the page's feed or JSON", ErrWrongFormat)
		}
		st = readStatuspageHTML(doc)
		p.note(st, l)
	}
	l.Cap(st)
	return st, nil
}

func isStatuspageHTML(doc *goquery.Document) bool {
	body := doc.Find("body")
	return doc.Find("[data-component-status]").Length() > 0 ||
		(body.HasClass("status") && indicatorClass(body) != "") ||
		doc.Find(".page-status").Length() > 0
}

// indicatorClass is the indicator an element's status-* class names
// ("status-minor" is "minor"), or "".
func indicatorClass(el *goquery.Selection) string {
	for _, ind := range []string{"none", "minor", "major", "critical", "maintenance"} {
		if el.HasClass("status-" + ind) {
			return ind
		}
	}
	return ""
}

// pageIndicator is the page's own indicator: the status-* class of its
// <body>, else of its .page-status banner (which a page leaves out while
// it shows unresolved incidents), or "" when the page shows neither.
func pageIndicator(doc *goquery.Document) string {
	if ind := indicatorClass(doc.Find("body")); ind != "" {
		return ind
	}
	return indicatorClass(doc.Find(".page-status").First())
}

// htmlName is the text of an element's .name child, or its own text.
func htmlName(s *goquery.Selection) string {
	if n := s.Find(".name").First(); n.Length() > 0 {
		return termtext.Line(n.Text())
	}
	return termtext.Line(s.Text())
}

// readSelected reads a page through a user-supplied selector.
func readSelected(doc *goquery.Document, data []byte, selector, healthy string) (*observe.Status, error) {
	sel, err := cascadia.Compile(selector)
	if err != nil {
		return nil, fmt.Errorf("bad selector %q: %v", selector, err)
	}
	var re *regexp.Regexp
	if healthy != "" {
		if re, err = regexp.Compile(healthy); err != nil {
			return nil, fmt.Errorf("bad healthy pattern %q: %v", healthy, err)
		}
	}
	found := doc.FindMatcher(sel).First()
	if found.Length() == 0 {
		return nil, fmt.Errorf("%w: selector %q matched nothing on %s", ErrWrongFormat, selector, describe(data))
	}
	text := termtext.Line(found.Text())
	if text == "" {
		return nil, fmt.Errorf("%w: selector %q matched an empty element", ErrWrongFormat, selector)
	}
	state := phraseState(text)
	switch {
	case re != nil && re.MatchString(text):
		state = observe.Operational
	case re != nil && (state == observe.Operational || !state.Known()):
		state = observe.Degraded // it does not say what the healthy page says
	case !state.Known():
		state = observe.Operational
	}
	return &observe.Status{State: state, Claims: true, Description: text}, nil
}

// phraseState reads the sentences status pages print ("All Systems
// Operational", "Partial System Outage", "Major Service Outage").
func phraseState(text string) observe.State {
	t := strings.ToLower(text)
	switch {
	case strings.Contains(t, "major") && strings.Contains(t, "outage"), strings.Contains(t, "down"):
		return observe.MajorOutage
	case strings.Contains(t, "partial") || strings.Contains(t, "outage") || strings.Contains(t, "disruption"):
		return observe.PartialOutage
	case strings.Contains(t, "degraded") || strings.Contains(t, "minor") || strings.Contains(t, "issue") || strings.Contains(t, "problem"):
		return observe.Degraded
	case strings.Contains(t, "maintenance"):
		return observe.UnderMaintenance
	case strings.Contains(t, "operational") || strings.Contains(t, "all systems go") || strings.Contains(t, "no issues") || strings.Contains(t, "normal"):
		return observe.Operational
	}
	return observe.Unknown
}

// AlternateFeeds lists the feeds a page's HTML advertises with
// <link rel="alternate" type="application/rss+xml"> (or Atom), as written
// in the page; autodetection tries them when the page itself is not a
// format it can read. The page is only tokenized, never built into a
// tree: a page of any size costs a few kilobytes.
func AlternateFeeds(data []byte) []string {
	if !looksHTML(bytes.TrimSpace(data)) {
		return nil
	}
	var out []string
	z := html.NewTokenizer(bytes.NewReader(data))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			if string(name) != "link" {
				continue
			}
			var rel, typ, href string
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "rel":
					rel = string(v)
				case "type":
					typ = strings.ToLower(string(v))
				case "href":
					href = string(v)
				}
			}
			if !slices.Contains(strings.Fields(rel), "alternate") || (!strings.Contains(typ, "rss") && !strings.Contains(typ, "atom")) {
				continue
			}
			if href := termtext.Line(href); href != "" {
				out = appendUnique(out, href)
			}
		}
	}
}
