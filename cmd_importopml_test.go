package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// multi-status's 178 feeds become a config that validates: catalog
// vendors by id, the others with their page and feed.
func TestImportOPML(t *testing.T) {
	stdout, stderr, code := runCLI(t, "import-opml", "testdata/multi-status_feeds.opml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cfg, err := config.Parse([]byte(stdout), "imported.yaml", true, catalog.Builtin())
	if err != nil {
		t.Fatalf("the output is not a valid config: %v\n%s", err, stdout)
	}
	if len(cfg.Vendors) < 150 {
		t.Errorf("%d vendors from 178 feeds", len(cfg.Vendors))
	}
	byID := map[string]config.Vendor{}
	for _, v := range cfg.Vendors {
		byID[v.ID] = v
	}
	// AWS, Slack and Twilio are curated: their ids alone, no copied feed.
	for _, id := range []string{"aws", "slack", "twilio", "discord"} {
		if v, ok := byID[id]; !ok || len(v.Status) != 0 {
			t.Errorf("%s = %+v, %v; want the catalog entry by id", id, v, ok)
		}
	}
	if strings.Contains(stdout, "twilio-2") || strings.Contains(stdout, "slack-2") {
		t.Error("a curated vendor was imported twice under another id")
	}
	vendors, err := catalog.Resolve(cfg, catalog.Builtin(), nil)
	if err != nil {
		t.Fatal(err)
	}
	withFeed := 0
	for _, v := range vendors {
		for _, s := range v.Sources {
			if s.Format == "rss" {
				withFeed++
			}
		}
	}
	if withFeed == 0 {
		t.Error("no imported vendor reads its feed")
	}
	if !strings.Contains(stderr, "178 feeds read") {
		t.Errorf("stderr = %q", stderr)
	}
}

// Vendors already in the config are not printed again.
func TestImportOPMLSkipsConfiguredVendors(t *testing.T) {
	opml := filepath.Join(t.TempDir(), "mine.opml")
	os.WriteFile(opml, []byte(`<?xml version="1.0"?><opml version="2.0"><body><outline text="Ops">
	<outline type="rss" text="Acme Voice" xmlUrl="https://status.acme-voice.test/feed.xml"/>
	<outline type="rss" text="zoom" xmlUrl="https://status.zoom.us/history.atom"/>
	<outline type="rss" text="bad" xmlUrl="ftp://example.test/x"/>
	</outline></body></opml>`), 0o644)
	cfg := writeConfig(t, "vendors:\n  - id: zoom\n")
	stdout, _, code := runCLI(t, "--config", cfg, "import-opml", opml)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(stdout, "id: zoom") {
		t.Errorf("zoom is in the config and was printed again:\n%s", stdout)
	}
	for _, want := range []string{"id: acme-voice", `name: "Acme Voice"`, `url: "https://status.acme-voice.test" # format detected`, `url: "https://status.acme-voice.test/feed.xml"`, "format: rss", "# skipped: bad"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

// A title or host that looks like a key once it is an id or a whole name
// ("sk 000000000" slugs to sk-000000000) never becomes one: check-config
// would refuse the import. The vendor gets the page's host label, or
// "feed", and that id as its name.
func TestImportOPMLKeepsKeyShapesOut(t *testing.T) {
	opml := filepath.Join(t.TempDir(), "keys.opml")
	os.WriteFile(opml, []byte(`<?xml version="1.0"?><opml version="2.0"><body>
	<outline text="sk 000000000" xmlUrl="https://status.example.org/history.rss"/>
	<outline text="" xmlUrl="https://sk-00000000.statuspage.io/history.rss"/>
	</body></opml>`), 0o644)
	stdout, _, code := runCLI(t, "import-opml", opml)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"id: example\n", `name: "sk 000000000"`, "id: feed\n", `name: "feed"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	cfg := filepath.Join(t.TempDir(), "imported.yaml")
	os.WriteFile(cfg, []byte(stdout), 0o600)
	if _, stderr, code := runCLI(t, "--config", cfg, "check-config"); code != 0 {
		t.Errorf("check-config refuses the import (exit %d): %s\n%s", code, stderr, stdout)
	}
}

func TestImportOPMLRejectsGarbage(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "x.opml")
	os.WriteFile(bad, []byte("<html><body>not opml</body></html>"), 0o644)
	_, stderr, code := runCLI(t, "import-opml", bad)
	if code != 3 || !strings.Contains(stderr, "not an OPML document") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
