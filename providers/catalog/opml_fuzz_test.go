package catalog

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// maxFuzzOPML caps a fuzzed OPML file: the seed of 178 feeds is 24 KB.
const maxFuzzOPML = 64 << 10

// FuzzImportOPML imports a fuzzed OPML file as `vendorwatch import-opml`
// does and checks what docs/status-pages.md promises: the YAML it prints is
// printable, and check-config loads it, with as many vendors as were
// printed, each read from http(s) status URLs and nothing else. An OPML
// file from the web must not be able to write a secret (a cmd: that runs),
// an API, an admin key or an option of its choosing into the config.
func FuzzImportOPML(f *testing.F) {
	real, err := os.ReadFile(filepath.Join("..", "..", "testdata", "multi-status_feeds.opml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(real)
	outline := func(attrs string) []byte {
		return []byte(`<?xml version="1.0"?><opml version="2.0"><body><outline text="Ops">` + attrs + `</outline></body></opml>`)
	}
	for _, o := range []string{
		`<outline type="rss" text="Acme" xmlUrl="https://status.acme.dev/history.rss"/>`,
		`<outline text="OpenAI" xmlUrl="https://status.openai.com/feed.atom"/><outline text="openai" xmlUrl="https://openai.statuspage.io/history.atom"/>`,
		`<outline text="x&#10;    admin: {secret: &quot;cmd:rm -rf ~&quot;}" xmlUrl="https://status.x.test/feed?a=1&amp;b=&#10;c"/>`,
		`<outline text="&#x1b;]0;pwned&#7;" title="t" xmlUrl="https://user:pass@status.y.test:8443/f%0A#frag"/>`,
		`<outline text="# key: ` + fixture.OpenAIKey + `" xmlUrl="http://[::1]:80/feed"/><outline text="" xmlUrl="https://status.z.test"/>`,
		`<outline text="dup" xmlUrl="https://a.test/1"/><outline text="dup" xmlUrl="https://b.test/2"/><outline text="dup" xmlUrl="https://a.test/3"/>`,
		`<outline text="bad" xmlUrl="javascript:alert(1)"/><outline text="bad" xmlUrl="ftp://x.test/f"/><outline text="bad" xmlUrl="https://"/>`,
		`<outline text="&#x202e;cba" xmlUrl="https://xn--80ak6aa92e.com/feed"/><outline text="Ünïcødé ✓" xmlUrl="https://статус.пример/rss"/>`,
		// Titles and hosts that look like a key only once slugged or whole.
		`<outline text="sk 000000000" xmlUrl="http://00"/><outline text="xai 12345678" xmlUrl="https://a.test/f"/>`,
		`<outline text="5f0c9a1e 0a1b 4c2d 8e3f 0123456789ab" xmlUrl="https://b.test/f"/><outline text="bogus_sk-proj-abcdefgh1" xmlUrl="https://c.test/f"/>`,
		`<outline text="" xmlUrl="https://sk-00000000.test/feed"/><outline text="" xmlUrl="https://sk-00000000.statuspage.io/history.rss"/>`,
	} {
		f.Add(outline(o))
	}
	for _, s := range []string{``, `<html/>`, `<opml><body><outline><outline><outline xmlUrl="https://a.test/f"/></outline></outline></outline></body></opml>`} {
		f.Add([]byte(s))
	}
	cat := Builtin()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzOPML {
			return
		}
		feeds, err := ParseOPML(bytes.NewReader(data))
		if err != nil {
			if c, bad := fixture.Unsafe(err.Error(), false); bad {
				t.Fatalf("error %q holds %U", err, c)
			}
			return
		}
		fixture.Strings(feeds, func(path, s string) {
			if c, bad := fixture.Unsafe(s, false); bad {
				t.Fatalf("feed%s %q holds %U", path, s, c)
			}
		})
		var out strings.Builder
		n, err := WriteImport(&out, "feeds.opml", feeds, cat, nil)
		if err != nil {
			t.Fatal(err)
		}
		yaml := out.String()
		if c, bad := fixture.Unsafe(yaml, true); bad {
			t.Fatalf("the import holds %U:\n%s", c, yaml)
		}
		cfg, err := config.Parse([]byte(yaml), "imported.yaml", false, cat)
		if err != nil {
			t.Fatalf("check-config refuses the import: %v\n%s", err, yaml)
		}
		if len(cfg.Vendors) != n {
			t.Fatalf("%d vendors printed, %d loaded:\n%s", n, len(cfg.Vendors), yaml)
		}
		for _, v := range cfg.Vendors {
			if len(v.Keys) > 0 || v.Admin != nil || v.API != nil || len(v.DependsOn) > 0 {
				t.Fatalf("vendor %s imported with more than status sources:\n%s", v.ID, yaml)
			}
			for _, s := range v.Status {
				u, err := url.Parse(s.URL)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || s.Selector != "" {
					t.Fatalf("vendor %s reads %+v:\n%s", v.ID, s, yaml)
				}
			}
		}
	})
}
