package catalog

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
)

// Vendor is a watched vendor with the catalog and the config merged: what
// the poller needs and nothing else.
type Vendor struct {
	ID         string
	Name       string
	PageURL    string
	Sources    []SourceSpec
	Components []string
	DependsOn  []string
	API        APISpec
	Probe      *ProbeSpec
	Keys       []config.Key
	Admin      *config.Admin
	// AdminAPI is the catalog's word on the vendor's admin API: which
	// reader reads it (none when Reader is empty).
	AdminAPI AdminSpec
	Links    Links
	// Traffic is the vendor's traffic: block from the config (nil: the
	// default queries over the API's host, when traffic: is configured).
	Traffic *config.VendorTraffic

	// Interval is how often the status sources are read; ProbeInterval how
	// often keys and reachability are checked.
	Interval      time.Duration
	ProbeInterval time.Duration
}

// Resolve merges each configured vendor with its catalog entry. Values in
// the config override the catalog; a vendor not in the catalog keeps what
// the config says. only, when not empty, keeps just those ids.
func Resolve(cfg *config.Config, cat *Catalog, only []string) ([]Vendor, error) {
	n := len(cfg.Vendors)
	if len(only) > 0 {
		n = min(n, len(only))
	}
	out := make([]Vendor, 0, n)
	for _, cv := range cfg.Vendors {
		if len(only) > 0 && !slices.Contains(only, cv.ID) {
			continue
		}
		e, inCatalog := cat.Get(cv.ID)
		v := Vendor{
			ID: cv.ID, Name: e.Name, PageURL: e.Page, Sources: e.Status, Components: e.Components,
			API: e.API, Probe: e.Probe, Links: e.Links, AdminAPI: e.Admin,
			DependsOn: cv.DependsOn, Keys: cv.Keys, Admin: cv.Admin, Traffic: cv.Traffic,
			Interval: cfg.Interval.D(), ProbeInterval: cfg.ProbeInterval.D(),
		}
		if !inCatalog {
			v.Name = cv.ID
		}
		if cv.Name != "" {
			v.Name = cv.Name
		}
		if cv.PageURL != "" {
			v.PageURL = cv.PageURL
		}
		if len(cv.Components) > 0 {
			v.Components = cv.Components
		}
		if len(cv.Status) > 0 {
			v.Sources = make([]SourceSpec, 0, len(cv.Status))
			for _, s := range cv.Status {
				v.Sources = append(v.Sources, SourceSpec{URL: s.URL, Format: s.Format, Selector: s.Selector, Healthy: s.Healthy})
			}
		}
		if cv.API != nil && cv.API.BaseURL != "" {
			// The catalog's dashboard belongs to the catalog's API host.
			v.API.BaseURL, v.API.Dashboard = strings.TrimRight(cv.API.BaseURL, "/"), ""
		}
		if cv.API != nil && cv.API.Dashboard != "" {
			v.API.Dashboard = strings.TrimRight(cv.API.Dashboard, "/")
		}
		if cv.Interval != 0 {
			v.Interval = cv.Interval.D()
		}
		if cv.ProbeInterval != 0 {
			v.ProbeInterval = cv.ProbeInterval.D()
		}
		if v.PageURL == "" && len(v.Sources) > 0 {
			v.PageURL = PageOf(v.Sources[0].URL)
		}
		if len(v.Sources) == 0 && v.API.BaseURL == "" {
			return nil, fmt.Errorf("vendor %q has neither status sources nor an API to check", cv.ID)
		}
		out = append(out, v)
	}
	if len(only) > 0 {
		ids := make([]string, 0, len(cfg.Vendors))
		for _, cv := range cfg.Vendors {
			ids = append(ids, cv.ID)
		}
		if err := CheckIDs("--only", only, ids, "in the config"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DefaultConfig is the configuration used when there is no config file: the
// catalog's default vendors, each with a key for every conventional
// environment variable that is set (OPENAI_API_KEY, VAPI_API_KEY, ...),
// plus any other catalog vendor whose key variable is set (GROQ_API_KEY
// adds Groq). A key that needs an account id takes it from the entry's
// account variable (TWILIO_ACCOUNT_SID). An admin key in the entry's admin
// variable (OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY) turns on its key
// inventory watch.
func DefaultConfig(cat *Catalog) *config.Config {
	cfg := config.Default()
	keys, admins := cat.KeysInEnv(os.Getenv)
	for _, e := range cat.All() {
		v := config.Vendor{ID: e.ID}
		for _, k := range keys {
			if k.Vendor == e.ID {
				v.Keys = append(v.Keys, config.Key{
					Name:    k.Name(),
					Secret:  config.SecretRef{Kind: config.SecretEnv, Value: k.Env},
					Account: k.Account,
				})
			}
		}
		for _, a := range admins {
			if a.Vendor == e.ID {
				v.Admin = &config.Admin{Secret: config.SecretRef{Kind: config.SecretEnv, Value: a.Env}}
			}
		}
		if e.Default || len(v.Keys) > 0 || v.Admin != nil {
			cfg.Vendors = append(cfg.Vendors, v)
		}
	}
	return cfg
}

// PageOf returns the scheme and host of a URL, the best guess at a human
// status page for a source URL.
func PageOf(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	host, _, _ := strings.Cut(rest, "/")
	return raw[:len(scheme)+len("://")+len(host)]
}
