// Package catalog knows the vendors: the built-in catalog of curated
// vendors (status sources, API, key probe, links), the directory of
// about 1,050 more status pages behind it, search, OPML import, and the
// resolution of a config's vendors against all of that into the Vendor
// values every adapter works from.
package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// The curated catalog's source is catalog.yaml, which people edit and
// whose comments document each field. go generate compiles it into
// catalog_gen.go (the entries as Go values, see internal/gencatalog), so
// a process reads the catalog without parsing YAML; a test fails when the
// two differ.
//
//go:generate go run -tags gencatalog ./internal/gencatalog -in catalog.yaml -o catalog_gen.go

// Entry is one vendor of the built-in catalog.
type Entry struct {
	ID      string   `yaml:"id" json:"id"`
	Name    string   `yaml:"name" json:"name"`
	Aliases []string `yaml:"aliases" json:"aliases,omitempty"`
	// Categories say what kind of vendor this is (llm, voice, payments…),
	// most telling first; the words come from Categories.
	Categories []string     `yaml:"categories" json:"categories,omitempty"`
	Page       string       `yaml:"page" json:"page"`
	Status     []SourceSpec `yaml:"status" json:"status"`
	Components []string     `yaml:"components" json:"components,omitempty"`
	API        APISpec      `yaml:"api" json:"api"`
	Probe      *ProbeSpec   `yaml:"probe" json:"probe,omitempty"`
	KeyEnv     []string     `yaml:"key_env" json:"key_env,omitempty"`
	Links      Links        `yaml:"links" json:"links"`
	Default    bool         `yaml:"default" json:"default,omitempty"`

	// AccountEnv names the variable holding the account id a key needs
	// (Twilio: TWILIO_ACCOUNT_SID), for keys found in KeyEnv.
	AccountEnv string `yaml:"account_env" json:"account_env,omitempty"`
	// AdminEnv names the variable that conventionally holds the vendor's
	// admin key (OPENAI_ADMIN_KEY); with no config file, setting it turns
	// on the key inventory watch.
	AdminEnv string `yaml:"admin_env" json:"admin_env,omitempty"`
	// Admin names the admin API vendorwatch reads for this vendor (key
	// inventory, audit log, call records); empty when there is none.
	Admin AdminSpec `yaml:"admin" json:"admin,omitzero"`
	// Origin names the public list a directory entry comes from
	// (statusphere, multi-status); empty for curated entries.
	Origin string `yaml:"-" json:"origin,omitempty"`
}

// SourceSpec is a status source: a URL and its format (empty: detect).
type SourceSpec struct {
	URL      string            `yaml:"url" json:"url"`
	Format   statuspage.Format `yaml:"format" json:"format,omitempty"`
	Selector string            `yaml:"selector" json:"selector,omitempty"`
	Healthy  string            `yaml:"healthy" json:"healthy,omitempty"`
}

// APISpec says where a vendor's API lives and how to reach it without a key.
type APISpec struct {
	BaseURL string `yaml:"base_url" json:"base_url,omitempty"`
	// Reach is the path of a keyless request the vendor answers in its own
	// JSON (usually a 401), which tells "vendor down" from "key dead".
	Reach string `yaml:"reach" json:"reach,omitempty"`
	// Dashboard is the origin of the vendor's web dashboard
	// (https://dashboard.vapi.ai), whose front end calls the API from the
	// browser: vendorwatch loads the page and sends the API the CORS
	// preflight that origin's calls need, both without a key.
	Dashboard string `yaml:"dashboard" json:"dashboard,omitempty"`
}

// ProbeSpec is the free, read-only request that tests one key.
type ProbeSpec struct {
	Method string `yaml:"method" json:"method"`
	Path   string `yaml:"path" json:"path"`
	// Auth is how the key is sent: bearer, x-api-key, xi-api-key, token,
	// basic, x-goog-api-key.
	Auth string `yaml:"auth" json:"auth"`
	// Family names the classifier that reads the vendor's error bodies.
	Family  string            `yaml:"family" json:"family"`
	Headers map[string]string `yaml:"headers" json:"headers,omitempty"`
	// Expect lists the HTTP statuses that mean the key works; empty means
	// any 2xx. Anything else is read by the family's classifier.
	Expect []int `yaml:"expect" json:"expect,omitempty"`
}

// AdminSpec says how a vendor's admin API is read.
type AdminSpec struct {
	// Reader names the reader in providers/admin's registry.
	Reader string `yaml:"reader" json:"reader"`
	// Reads says what it reads, for messages ("the call records").
	Reads string `yaml:"reads" json:"reads"`
	// KeyFallback is true when, without admin.secret, the vendor's first
	// key that is not a canary reads it.
	KeyFallback bool `yaml:"key_fallback" json:"key_fallback,omitempty"`
}

// Links are vendor pages that advice cites.
type Links struct {
	Keys     string `yaml:"keys" json:"keys,omitempty"`
	AuditLog string `yaml:"audit_log" json:"audit_log,omitempty"`
	Billing  string `yaml:"billing" json:"billing,omitempty"`
}

// Catalog is the set of built-in vendors: the curated entries and, behind
// them, the directory of status pages (directory.go), loaded only when a
// lookup needs it. A curated entry wins over a directory entry of the same
// id.
type Catalog struct {
	entries []Entry
	byName  map[string]int // ids and aliases
	dir     func() *directory
}

// Builtin returns the built-in catalog: the curated entries generated
// from catalog.yaml (catalog_gen.go), indexed once on first use, with the
// directory behind them.
var Builtin = sync.OnceValue(func() *Catalog {
	c, err := newCatalog(curated)
	if err != nil {
		panic(fmt.Sprintf("catalog: the generated catalog is broken (%s): %v", regenerate, err))
	}
	c.dir = builtinDirectory
	return c
})

// regenerate is the command that rebuilds catalog_gen.go from
// catalog.yaml, for messages.
const regenerate = "go generate -run gencatalog ./providers/catalog"

// Parse reads catalog YAML (the format of catalog.yaml) and checks it as
// Builtin's entries are checked.
func Parse(data []byte) (*Catalog, error) {
	var doc struct {
		Vendors []Entry `yaml:"vendors"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a misspelt key is an error, not a field left empty
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return newCatalog(doc.Vendors)
}

// newCatalog indexes entries by id and alias, refusing a category outside
// the vocabulary and a name listed twice. The catalog keeps entries
// without copying them.
func newCatalog(entries []Entry) (*Catalog, error) {
	c := &Catalog{entries: entries, byName: make(map[string]int, 3*len(entries))}
	index := func(name string, i int) error {
		if _, dup := c.byName[name]; dup {
			return fmt.Errorf("catalog: %q is listed twice", name)
		}
		c.byName[name] = i
		return nil
	}
	for i, e := range entries {
		for _, cat := range e.Categories {
			if !IsCategory(cat) {
				return nil, fmt.Errorf("catalog: %s: unknown category %q (known: %s)", e.ID, cat, strings.Join(CategoryNames(), ", "))
			}
		}
		if err := index(e.ID, i); err != nil {
			return nil, err
		}
		for _, alias := range e.Aliases {
			if err := index(alias, i); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// Get returns the entry for an id or alias, curated first, then from the
// directory.
func (c *Catalog) Get(id string) (Entry, bool) {
	i, ok := c.byName[strings.ToLower(id)]
	if !ok {
		if c.dir != nil {
			return c.dir().get(id)
		}
		return Entry{}, false
	}
	return c.entries[i], true
}

// Curated returns the entry for an id or alias from the curated catalog
// only, never loading the directory: for callers that must stay fast.
func (c *Catalog) Curated(id string) (Entry, bool) {
	i, ok := c.byName[strings.ToLower(id)]
	if !ok {
		return Entry{}, false
	}
	return c.entries[i], true
}

// Has reports whether id names a catalog vendor; it satisfies config.Catalog.
func (c *Catalog) Has(id string) bool {
	_, ok := c.Get(id)
	return ok
}

// AdminAPI says how vendorwatch reads a curated vendor's admin API; it
// satisfies config.Catalog.
func (c *Catalog) AdminAPI(id string) (config.AdminAPI, bool) {
	e, ok := c.Curated(id)
	if !ok || e.Admin.Reader == "" {
		return config.AdminAPI{}, false
	}
	return config.AdminAPI{Reads: e.Admin.Reads, KeyFallback: e.Admin.KeyFallback}, true
}

// KeyProbe reports whether vendorwatch can test keys of a vendor: its
// curated entry has a probe (directory entries never do); it satisfies
// config.ProbeCatalog.
func (c *Catalog) KeyProbe(id string) bool {
	e, ok := c.Curated(id)
	return ok && e.Probe != nil
}

// AdminVendors lists the curated vendors with an admin API vendorwatch
// reads, in catalog order; it satisfies config.Catalog.
func (c *Catalog) AdminVendors() []string {
	var ids []string
	for _, e := range c.entries {
		if e.Admin.Reader != "" {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// All returns every curated entry in catalog order.
func (c *Catalog) All() []Entry { return slices.Clone(c.entries) }

// Suggest returns the catalog id closest to a misspelt one, or "" when
// nothing is close; it satisfies config.Catalog. A curated id wins over a
// directory id as close.
func (c *Catalog) Suggest(id string) string {
	id = strings.ToLower(id)
	closest := func(byName map[string]int, idOf func(int) string) (string, int) {
		best, bestDist := "", len(id)/2+1
		for name, i := range byName {
			if d := distance(id, name); d < bestDist || (d == bestDist && idOf(i) < best) {
				best, bestDist = idOf(i), d
			}
		}
		return best, bestDist
	}
	best, dist := closest(c.byName, func(i int) string { return c.entries[i].ID })
	if c.dir != nil {
		d := c.dir()
		if other, otherDist := closest(d.byName, func(i int) string { return d.entries[i].ID }); other != "" && otherDist < dist {
			best = other
		}
	}
	return best
}

// DirectorySize is the number of directory vendors behind the curated
// catalog.
func (c *Catalog) DirectorySize() int {
	if c.dir == nil {
		return 0
	}
	return len(c.dir().entries)
}

// distance is the Levenshtein edit distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
