package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The generator reads statusphere's Go list and an OPML file, leaves out
// curated vendors and statusgator links, merges the same vendor from both
// lists and names each by its host.
func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sp := write("status_pages.go", `package status_pages
var StatusPages = []api.StatusPage{
	{URL: "https://status.circleci.com", Name: "Circle CI"},
	{URL: "http://status.codefresh.io/", Name: "codefresh"},
	{URL: "https://status.gathercontent.com/#", Name: "GatherContent"},
	{URL: "https://statusgator.com/services/docker", Name: "Docker, Inc"},
	{URL: "https://status.openai.com", Name: "OpenAI"},
	{URL: "https://status.circleci.com", Name: "Circle CI"},
	{URL: "https://www.isitdownrightnow.com/youtube.com.html", Name: "YouTube"},
	{URL: "https://status.combell.com/en", Name: "Combell"},
}`)
	opml := write("feeds.opml", `<?xml version="1.0"?><opml version="2.0"><body><outline text="CI">
	<outline type="rss" text="circleci" xmlUrl="https://circleci.statuspage.io/history.atom"/>
	<outline type="rss" text="GitLab" xmlUrl="https://status.gitlab.com/pages/5b36dc6502d06804c08349f7/rss"/>
	<outline type="rss" text="twilio" xmlUrl="https://twilio.statuspage.io/history.atom"/>
	</outline></body></opml>`)
	cat := write("catalog.yaml", `vendors:
  - {id: openai, name: OpenAI, page: https://status.openai.com}
  - {id: twilio, name: Twilio, page: https://status.twilio.com}
`)
	out := filepath.Join(dir, "directory.tsv")
	if err := run(sp, opml, cat, out); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	got := string(b)
	for _, want := range []string{
		"circleci\tCircle CI\thttps://status.circleci.com\t\tstatusphere+multi-status\tcircle-ci\n",
		"codefresh\tcodefresh\thttps://status.codefresh.io\t\tstatusphere\t\n",
		"gathercontent\tGatherContent\thttps://status.gathercontent.com\t\tstatusphere\t\n",
		"gitlab\tGitLab\thttps://status.gitlab.com\thttps://status.gitlab.com/pages/5b36dc6502d06804c08349f7/rss\tmulti-status\t\n",
		"Copyright (c) 2024 Metoro Inc.",
		"combell\tCombell\thttps://status.combell.com\t",
		"#   YouTube\thttps://www.isitdownrightnow.com/youtube.com.html\ta third-party outage-report site",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, not := range []string{"statusgator", "openai", "twilio", "circleci.statuspage.io", "\nyoutube\t", "combell.com/en"} {
		if strings.Contains(got, not) {
			t.Errorf("output holds %q:\n%s", not, got)
		}
	}
}
