package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// The directory behind the curated catalog: about 1,050 distinct status
// pages, each usable by id, each with an https page to detect.
func TestDirectoryIsUsable(t *testing.T) {
	d := builtinDirectory()
	if n := len(d.entries); n < 1000 {
		t.Fatalf("directory has %d vendors, want the ~1,050 distinct pages of statusphere and multi-status", n)
	}
	if !strings.Contains(string(directoryTSV[:1000]), "Copyright (c) 2024 Metoro Inc.") || !strings.Contains(string(directoryTSV[:1000]), "Lars Windolf") {
		t.Error("directory.tsv lost its attribution header")
	}
	id := regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	curated := Builtin()
	seen := map[string]bool{}
	origins := map[string]int{}
	for _, e := range d.entries {
		if !id.MatchString(e.ID) || seen[e.ID] {
			t.Errorf("bad or duplicate id %q", e.ID)
		}
		seen[e.ID] = true
		if _, clash := curated.byName[e.ID]; clash {
			t.Errorf("directory id %q shadows a curated vendor", e.ID)
		}
		if e.Name == "" || !strings.HasPrefix(e.Page, "https://") || len(e.Status) == 0 || e.Status[0].Format != statuspage.Auto {
			t.Errorf("%s: %+v", e.ID, e)
		}
		for _, s := range e.Status[1:] {
			if s.Format != statuspage.Feed || !strings.HasPrefix(s.URL, "https://") {
				t.Errorf("%s: feed source %+v", e.ID, s)
			}
		}
		for _, o := range strings.Split(e.Origin, "+") {
			origins[o]++
		}
	}
	if origins[OriginStatusphere] < 1000 || origins[OriginMultiStatus] < 80 {
		t.Errorf("origins = %v", origins)
	}
}

func TestCatalogSeesDirectory(t *testing.T) {
	cat := Builtin()
	e, ok := cat.Get("deadmanssnitch")
	if !ok || e.Name != "Dead Man's Snitch" || e.Page != "https://status.deadmanssnitch.com" || !strings.Contains(e.Origin, OriginStatusphere) {
		t.Fatalf("deadmanssnitch = %+v, %v", e, ok)
	}
	if !cat.Has("dead-man-s-snitch") {
		t.Error("the name's slug is not an alias")
	}
	if hits := cat.Search("snitch"); len(hits) == 0 || !containsID(hits, "deadmanssnitch") {
		t.Errorf("search snitch = %v", ids(hits))
	}
	if hits := cat.Search("claude"); hits[0].ID != "anthropic" {
		t.Errorf("curated entries no longer rank first: %v", ids(hits))
	}
	if s := cat.Suggest("deadmansnitch"); s != "deadmanssnitch" {
		t.Errorf("suggest deadmansnitch = %q", s)
	}
	if s := cat.Suggest("opena"); s != "openai" {
		t.Errorf("suggest opena = %q", s)
	}
	if dt, _ := cat.Get("dynatrace"); len(dt.Status) != 2 || dt.Status[1].Format != statuspage.Feed {
		t.Errorf("dynatrace keeps its status.io feed from multi-status: %+v", dt.Status)
	}
}

func containsID(es []Entry, id string) bool {
	for _, e := range es {
		if e.ID == id {
			return true
		}
	}
	return false
}

// A curated entry wins over a directory entry of the same id, and the
// directory is loaded only when a lookup misses the curated catalog.
func TestDirectoryIsLazyAndCuratedWins(t *testing.T) {
	cat, err := Parse([]byte("vendors:\n  - {id: openai, name: OpenAI, page: https://status.openai.com, status: [{url: https://status.openai.com/api/v2/summary.json, format: statuspage}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	loads := 0
	dir := parseDirectory([]byte("# comment\nopenai\tOpenAI (directory)\thttps://status.openai.com\t\tstatusphere\t\nacme\tAcme\thttps://status.acme.test\t\tstatusphere\tacme-inc\nbroken line\n"))
	cat.dir = func() *directory { loads++; return dir }

	if e, _ := cat.Get("openai"); e.Name != "OpenAI" || e.Origin != "" {
		t.Errorf("openai = %+v; the curated entry must win", e)
	}
	if loads != 0 {
		t.Errorf("a curated lookup loaded the directory %d times", loads)
	}
	if e, ok := cat.Get("acme-inc"); !ok || e.ID != "acme" {
		t.Errorf("acme-inc = %+v %v", e, ok)
	}
	if loads == 0 {
		t.Error("a miss did not consult the directory")
	}
	if hits := cat.Search("openai"); len(hits) != 1 || hits[0].Origin != "" {
		t.Errorf("search lists the shadowed directory entry: %+v", hits)
	}
}

// The parse rules: comments, blank and short lines are skipped, a line
// may end in CRLF, a feed is a second source, an id already taken (as an
// id or an alias) keeps its first entry, and an alias never takes a name
// from an earlier entry. The entries' sources share one array, and adding
// a source to one entry leaves the next one's alone.
func TestParseDirectoryRules(t *testing.T) {
	d := parseDirectory([]byte("# header\r\n\n" +
		"a\tA\thttps://a.test\thttps://a.test/feed.atom\tmulti-status\ta-inc,ay\r\n" +
		"short\tline\n" +
		"nopage\tNo page\t\t\tstatusphere\n" +
		"a\tA again\thttps://a2.test\t\tstatusphere\n" +
		"ay\tAy\thttps://ay.test\t\tstatusphere\n" +
		"b\tB\thttps://b.test\t\tstatusphere\ta\textra field"))
	var got []string
	for _, e := range d.entries {
		got = append(got, fmt.Sprintf("%s|%s|%s|%d|%s|%v", e.ID, e.Name, e.Page, len(e.Status), e.Origin, e.Aliases))
	}
	want := []string{"a|A|https://a.test|2|multi-status|[a-inc ay]", "b|B|https://b.test|1|statusphere|[a]"}
	if !slices.Equal(got, want) {
		t.Fatalf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if a := d.entries[0]; a.Status[1] != (SourceSpec{URL: "https://a.test/feed.atom", Format: statuspage.Feed}) {
		t.Errorf("a's feed = %+v", a.Status[1])
	}
	if e, _ := d.get("A-INC"); e.ID != "a" {
		t.Errorf("A-INC = %q", e.ID)
	}
	if e, _ := d.get("a"); e.Name != "A" {
		t.Errorf("an alias took the id a: %+v", e)
	}
	grown := append(d.entries[0].Status, SourceSpec{URL: "https://elsewhere.test"})
	if len(grown) != 3 || d.entries[1].Status[0].URL != "https://b.test" {
		t.Errorf("appending to a's sources changed b's: %+v", d.entries[1].Status)
	}
}

// Config validation accepts a directory id, and Resolve gives it its page
// to detect.
func TestDirectoryVendorResolves(t *testing.T) {
	cat := Builtin()
	cfg, err := config.Parse([]byte("vendors:\n  - id: deadmanssnitch\n  - id: deadmansnitch\n"), "c.yaml", true, cat)
	if err == nil || !strings.Contains(err.Error(), `"deadmansnitch"`) || !strings.Contains(err.Error(), `did you mean "deadmanssnitch"`) || strings.Contains(err.Error(), `"deadmanssnitch":`) {
		t.Fatalf("err = %v", err)
	}
	cfg, err = config.Parse([]byte("vendors:\n  - id: deadmanssnitch\n"), "c.yaml", true, cat)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := Resolve(cfg, cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if vs[0].Name != "Dead Man's Snitch" || len(vs[0].Sources) != 1 || vs[0].Sources[0].URL != "https://status.deadmanssnitch.com" || vs[0].Sources[0].Format != statuspage.Auto {
		t.Errorf("deadmanssnitch = %+v", vs[0])
	}
}

func TestHostID(t *testing.T) {
	tests := map[string]string{
		"https://status.circleci.com":         "circleci",
		"https://www.githubstatus.com":        "github",
		"https://codeship.statuspage.io":      "codeship",
		"https://currents.instatus.com":       "currents",
		"https://status.play.google.com":      "",
		"https://status.catalystcloud.nz":     "catalystcloud",
		"https://status.example.co.uk":        "example",
		"https://discordstatus.com":           "discord",
		"https://edgedns.status.akamai.com":   "",
		"https://status.aws.amazon.com/x.rss": "",
	}
	for in, want := range tests {
		if got := HostID(in); got != want {
			t.Errorf("HostID(%s) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkDirectoryParse is the one-off cost a catalog miss pays.
func BenchmarkDirectoryParse(b *testing.B) {
	for b.Loop() {
		parseDirectory(directoryTSV)
	}
}

// The shipped directory holds no third-party outage-report site, help,
// documentation, login or privacy page, retired product, or page whose
// query or language path would defeat autodetection.
func TestDirectoryHoldsOnlyStatusPages(t *testing.T) {
	for _, e := range builtinDirectory().entries {
		if why := NotAStatusPage(e.Page); why != "" {
			t.Errorf("%s (%s): %s", e.ID, e.Page, why)
		}
		if clean := DirectoryPage(e.Page); clean != e.Page {
			t.Errorf("%s: page %s should be %s", e.ID, e.Page, clean)
		}
	}
	if !strings.Contains(string(directoryTSV), "# Left out, not status pages") {
		t.Error("directory.tsv does not record what it left out")
	}
}

func TestNotAStatusPage(t *testing.T) {
	for page, want := range map[string]string{
		"https://www.isitdownrightnow.com/youtube.com.html":             "outage-report",
		"https://updownradar.com/status/avito.ru":                       "outage-report",
		"https://www.saashub.com/atos-status":                           "outage-report",
		"https://uptime.com/trendyol.com":                               "outage-report",
		"https://docs.servicenow.com/bundle/x/service-status.html":      "documentation",
		"https://support.example.co.uk/hc/en-gb/articles/1-Status":      "help-centre",
		"https://status.globant.com/login":                              "login",
		"https://status.qualitestgroup.com/Home/Privacy":                "privacy",
		"https://syncano.statuspage.io":                                 "discontinued",
		"https://status.playstation.com/data/statuses/region/SCEA.json": "data file",
		"https://status.openai.com":                                     "",
		"https://status.uptimerobot.com":                                "",
		"https://support.status.atlassian.com":                          "",
	} {
		got := NotAStatusPage(page)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("NotAStatusPage(%s) = %q, want it to mention %q", page, got, want)
		}
	}
	for in, want := range map[string]string{
		"https://status.combell.com/en":                    "https://status.combell.com",
		"https://status.example.com?start_date=2023-12-02": "https://status.example.com",
		"https://cloud.ibm.com/status?selected=status":     "https://cloud.ibm.com/status",
		"https://status.trendmicro.com/s/en-US":            "https://status.trendmicro.com/s/en-US",
		"https://status.zilliz.com/uptime":                 "https://status.zilliz.com/uptime",
	} {
		if got := DirectoryPage(in); got != want {
			t.Errorf("DirectoryPage(%s) = %s, want %s", in, got, want)
		}
	}
}
