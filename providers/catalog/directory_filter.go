package catalog

import (
	"net/url"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
)

// The public lists the directory is generated from hold some links that
// are not a vendor's status page. The generator (internal/gendirectory)
// leaves them out by the rules below, each with the reason it records,
// and a test checks that the shipped directory holds none of them.

// notStatusPageRule is one kind of link that is not a status page.
type notStatusPageRule struct {
	reason string
	match  func(u *url.URL) bool
}

// downDetectorHosts are third-party "is it down" and outage-report sites:
// they guess from user reports and show their own ads, and say nothing the
// vendor said.
var downDetectorHosts = []string{
	"isitdownrightnow.com", "issitedownrightnow.com", "updownradar.com", "saashub.com",
	"uptime.com", "statusgator.com", "downdetector.com", "similarweb.com", "cspreporter.nl",
}

var notStatusPageRules = []notStatusPageRule{
	{"a third-party outage-report site, not the vendor's own page", func(u *url.URL) bool {
		h := strings.TrimPrefix(u.Hostname(), "www.")
		for _, d := range downDetectorHosts {
			if h == d || strings.HasSuffix(h, "."+d) {
				return true
			}
		}
		return false
	}},
	{"a documentation, knowledge-base or help-centre article, not a status page", func(u *url.URL) bool {
		h := u.Hostname()
		return strings.HasPrefix(h, "docs.") || strings.HasPrefix(h, "kb.") || strings.HasPrefix(h, "help.") ||
			strings.Contains(u.Path, "/articles/")
	}},
	{"a login or privacy page, not a status page", func(u *url.URL) bool {
		p := strings.ToLower(u.Path)
		return strings.Contains(p, "/login") || strings.Contains(p, "/signin") || strings.Contains(p, "/privacy")
	}},
}

// notStatusPages are single links left out by hand, by page URL.
var notStatusPages = map[string]string{
	"https://syncano.statuspage.io":                                 "discontinued: Syncano's platform was shut down",
	"https://status.salesforceiq.com":                               "discontinued: SalesforceIQ CRM was retired by Salesforce",
	"https://status.shopkeep.com":                                   "discontinued: ShopKeep was retired after Lightspeed bought it",
	"https://status.playstation.com/data/statuses/region/SCEA.json": "a region's data file, not the page (https://status.playstation.com)",
}

// NotAStatusPage says why a directory candidate's page is not a vendor's
// status page, or "" when nothing speaks against it.
func NotAStatusPage(page string) string {
	if why, ok := notStatusPages[strings.TrimSuffix(page, "/")]; ok {
		return why
	}
	u, err := url.Parse(page)
	if err != nil || u.Host == "" {
		return "not a URL"
	}
	u.Host = strings.ToLower(u.Host)
	for _, r := range notStatusPageRules {
		if r.match(u) {
			return r.reason
		}
	}
	return ""
}

// localePath is a page path that only picks a language ("/en", "/en-us").
var localePath = lazyregexp.New(`^/[a-zA-Z]{2}(-[a-zA-Z]{2})?/?$`)

// DirectoryPage cleans a page URL for the directory: a query string (a
// date range, a selected tab) and a path that only picks a language are
// dropped, because autodetection looks below a bare page only and reads a
// page with a path or a query as it is.
func DirectoryPage(page string) string {
	u, err := url.Parse(page)
	if err != nil || u.Host == "" {
		return page
	}
	u.RawQuery, u.ForceQuery = "", false
	if localePath().MatchString(u.Path) {
		u.Path, u.RawPath = "", ""
	}
	return strings.TrimSuffix(u.String(), "/")
}
