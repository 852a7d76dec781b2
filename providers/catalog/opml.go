package catalog

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// OPMLFeed is one feed of an OPML subscription list (a feed reader's
// export, multi-status's feeds.opml).
type OPMLFeed struct {
	Title    string
	URL      string
	Category string // the enclosing outline's title, if any
}

// maxOPML caps how much of an OPML file is read.
const maxOPML = 8 << 20

// ParseOPML reads the feeds of an OPML document, in document order, with
// the title of the outline that encloses each. Outlines without an xmlUrl
// are categories.
func ParseOPML(r io.Reader) ([]OPMLFeed, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxOPML+1))
	if err != nil {
		return nil, fmt.Errorf("opml: %w", err)
	}
	if len(data) > maxOPML {
		return nil, errors.New("opml: file larger than 8 MiB")
	}
	type outline struct {
		Text     string    `xml:"text,attr"`
		Title    string    `xml:"title,attr"`
		XMLURL   string    `xml:"xmlUrl,attr"`
		Outlines []outline `xml:"outline"`
	}
	var doc struct {
		XMLName xml.Name
		Body    struct {
			Outlines []outline `xml:"outline"`
		} `xml:"body"`
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("opml: not an OPML document: %s", termtext.Clip(termtext.Line(err.Error()), 200))
	}
	if !strings.EqualFold(doc.XMLName.Local, "opml") {
		return nil, fmt.Errorf("opml: not an OPML document: the root element is <%s>", termtext.Line(doc.XMLName.Local))
	}
	var out []OPMLFeed
	var walk func(os []outline, category string, depth int)
	walk = func(os []outline, category string, depth int) {
		if depth > 32 {
			return
		}
		for _, o := range os {
			// A title becomes a vendor's id and name, which are shown
			// everywhere: what looks like a key in it is left out.
			title := redact.Shapes(termtext.Line(o.Text))
			if title == "" {
				title = redact.Shapes(termtext.Line(o.Title))
			}
			if u := strings.TrimSpace(o.XMLURL); u != "" {
				out = append(out, OPMLFeed{Title: title, URL: termtext.Line(u), Category: category})
			}
			walk(o.Outlines, title, depth+1)
		}
	}
	walk(doc.Body.Outlines, "", 0)
	return out, nil
}

// standardFeedPaths are the feed paths autodetection tries by itself.
var standardFeedPaths = map[string]bool{
	"/history.atom": true, "/history.rss": true, "/feed.rss": true, "/feed.atom": true, "/feed": true,
}

// FeedVendor describes the vendor behind a feed URL: its status page (the
// feed's scheme and host, upgraded to https) and the sources to read. The
// page comes first, its format detected, so a Statuspage or incident.io
// page is read from its JSON; the feed follows unless detection would find
// it anyway (withFeed forces it).
func FeedVendor(feedURL string, withFeed bool) (page string, sources []SourceSpec, err error) {
	u, err := url.Parse(strings.TrimSpace(feedURL))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", nil, fmt.Errorf("%q is not an http(s) feed URL", termtext.Line(feedURL))
	}
	u.Scheme = "https"
	u.Fragment = ""
	page = "https://" + u.Host
	sources = []SourceSpec{{URL: page}}
	if withFeed || !standardFeedPaths[u.Path] || u.RawQuery != "" {
		sources = append(sources, SourceSpec{URL: u.String(), Format: statuspage.Feed})
	}
	return page, sources, nil
}

var (
	nonSlug      = lazyregexp.New(`[^a-z0-9]+`)
	statusPrefix = lazyregexp.New(`^(status|www|health|uptime|stats?)$`)
	// hostedSuffixes are status platforms that give each customer a
	// subdomain: the subdomain names the vendor.
	hostedSuffixes = []string{".statuspage.io", ".instatus.com", ".betteruptime.com", ".status.io", ".hostedstatus.com",
		".incident.io", ".statuspal.io", ".freshstatus.io", ".status.page", ".cachethq.io", ".atlassian.net"}
	twoPartTLDs = map[string]bool{"co.uk": true, "com.au": true, "com.br": true, "co.jp": true, "co.nz": true, "co.za": true, "com.mx": true, "co.in": true, "org.uk": true}
)

// Slug turns a name into a catalog id: lower case letters and digits
// joined by "-".
func Slug(name string) string {
	return strings.Trim(nonSlug().ReplaceAllString(strings.ToLower(name), "-"), "-")
}

// HostID derives a short id from a status page URL: the vendor's own
// domain label (status.circleci.com and www.githubstatus.com give circleci
// and github), or its subdomain on a hosted platform (codeship.statuspage.io
// gives codeship). It returns "" when the host says nothing useful.
func HostID(page string) string {
	u, err := url.Parse(page)
	if err != nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	for _, suf := range hostedSuffixes {
		if sub, ok := strings.CutSuffix(host, suf); ok && sub != "" && !strings.Contains(sub, ".") {
			return Slug(sub)
		}
	}
	labels := strings.Split(host, ".")
	for len(labels) > 2 && statusPrefix().MatchString(labels[0]) {
		labels = labels[1:]
	}
	tld := 1
	if len(labels) >= 3 && twoPartTLDs[strings.Join(labels[len(labels)-2:], ".")] {
		tld = 2
	}
	if len(labels) != 1+tld {
		return "" // play.google.com, edgedns.status.akamai.com: the name says more
	}
	label := labels[0]
	if statusPrefix().MatchString(label) {
		return ""
	}
	for _, affix := range []string{"status", "-status", "status-"} {
		if l, ok := strings.CutSuffix(label, affix); ok && len(l) >= 3 {
			label = l
		} else if l, ok := strings.CutPrefix(label, affix); ok && len(l) >= 3 {
			label = l
		}
	}
	return Slug(label)
}
