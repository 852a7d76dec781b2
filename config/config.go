// Package config loads vendorwatch's YAML configuration: the lookup order,
// defaults, validation that reports every problem at once with file:line,
// and secret references.
package config

import (
	"time"

	"github.com/vendorwatch/vendorwatch/statuspage"
)

// Defaults and limits of DESIGN §4.
const (
	DefaultInterval      = 60 * time.Second
	DefaultProbeInterval = 60 * time.Second
	DefaultTimeout       = 10 * time.Second
	// DefaultProbeTimeout caps a key probe, keyless request or dashboard
	// check, unless timeout is shorter. The probes' endpoints (GET
	// /v1/models, /assistant?limit=1) answer in well under a second when
	// the vendor is well; 5 s is several times their slow answers and
	// keeps a hang's cost per check small, so with the minimum probe
	// interval of 15 s a hanging API is flagged within two intervals and
	// one probe timeout (35 s), where a 10 s probe timeout would take 40 s.
	DefaultProbeTimeout = 5 * time.Second
	// DefaultConcurrency lets a check of two thousand vendors open every
	// connection it needs at once: a lower cap makes requests wait for
	// earlier ones in waves of handshakes (1,000 vendors with 200 ms
	// round trips: 1.9 s at 256, 1.25 s at 1,024, against 0.85 s for
	// every request at once; 5,000 vendors on 1,250 hosts: 2.4 s at 1,024,
	// 2.0 s at 2,048 for 11 % more memory, 2.0 s at 3,072 for 19 % more;
	// BENCHMARKS.md). The client lowers it to fit the open-file limit.
	DefaultConcurrency = 2048
	DefaultRetention   = 90 * 24 * time.Hour

	MinInterval      = 10 * time.Second
	MinRetention     = 24 * time.Hour
	MinProbeInterval = 15 * time.Second
	MinTimeout       = 500 * time.Millisecond
	MaxTimeout       = 5 * time.Minute
)

// Config is the whole configuration file.
type Config struct {
	// Interval is how often status pages are read.
	Interval Duration `yaml:"interval"`
	// ProbeInterval is how often each key is probed.
	ProbeInterval Duration `yaml:"probe_interval"`
	// Timeout caps each request, from getting its connection slot to the
	// last byte.
	Timeout Duration `yaml:"timeout"`
	// ProbeTimeout caps each key probe, keyless request and dashboard
	// check; zero takes the shorter of timeout and DefaultProbeTimeout
	// (ProbeTimeoutOrDefault).
	ProbeTimeout Duration `yaml:"probe_timeout"`
	// Concurrency caps requests in flight across all vendors.
	Concurrency int `yaml:"concurrency"`
	// Vendors are the vendors to watch, in display order.
	Vendors []Vendor `yaml:"vendors"`
	// History tunes the history database in the state dir.
	History History `yaml:"history"`
	// Serve configures `vendorwatch serve`.
	Serve Serve `yaml:"serve"`
	// Notify lists where findings are announced as they open, escalate
	// and close.
	Notify []Notifier `yaml:"notify"`
	// Traffic is where our own production traffic to the vendors is read;
	// nil without a traffic: block.
	Traffic *Traffic `yaml:"traffic"`

	// Path is the file the config came from; empty for the built-in default.
	Path string `yaml:"-"`
}

// Vendor is one watched vendor. An ID from the catalog fills in the rest;
// anything set here overrides the catalog.
type Vendor struct {
	ID            string   `yaml:"id"`
	Name          string   `yaml:"name"`
	PageURL       string   `yaml:"page_url"`
	Components    []string `yaml:"components"`
	DependsOn     []string `yaml:"depends_on"`
	Status        []Source `yaml:"status"`
	API           *API     `yaml:"api"`
	Keys          []Key    `yaml:"keys"`
	Admin         *Admin   `yaml:"admin"`
	Interval      Duration `yaml:"interval"`
	ProbeInterval Duration `yaml:"probe_interval"`
	// Traffic names the vendor's hosts in our traffic metrics, or replaces
	// its queries; nil takes the defaults.
	Traffic *VendorTraffic `yaml:"traffic"`

	// Line is where the vendor starts in the file, for later messages.
	Line int `yaml:"-"`
}

// Source is one status source of a vendor.
type Source struct {
	URL    string `yaml:"url"`
	Format Format `yaml:"format"`
	// Selector is the CSS selector of the status text for format html.
	Selector string `yaml:"selector"`
	// Healthy is a regular expression the selected text matches when all is
	// well (format html); without it any text counts as operational.
	Healthy string `yaml:"healthy"`
}

// API overrides where a vendor's API is reached.
type API struct {
	// BaseURL is scheme + host (+ optional path prefix); probe paths are
	// appended to it.
	BaseURL string `yaml:"base_url"`
	// Dashboard is the origin of the vendor's web dashboard; it replaces
	// the catalog's, which goes with the catalog's API host (a base_url of
	// your own drops it unless dashboard: is given too).
	Dashboard string `yaml:"dashboard"`
}

// Key is one API key of ours to probe.
type Key struct {
	Name   string    `yaml:"name"`
	Secret SecretRef `yaml:"secret"`
	// Canary marks a key that exists only to be watched, never used: if the
	// key in use dies while canaries live, the key in use leaked.
	Canary bool `yaml:"canary"`
	// Account is the account identifier some vendors need besides the key:
	// Twilio's Account SID (AC...), used in the probe path and as the
	// Basic-auth user. It is not a secret.
	Account string `yaml:"account"`
	// Headers are extra, non-secret headers sent with this key's probe, such
	// as OpenAI-Organization or OpenAI-Project. Credentials never go here.
	Headers map[string]string `yaml:"headers"`
	// Holders are where else the key is held: services of ours, vendors
	// that store it (VAPI holds our OpenAI key) and secret store entries.
	Holders []Holder `yaml:"holders"`
}

// History tunes the history database.
type History struct {
	// Retention is how long events and closed findings are kept.
	Retention Duration `yaml:"retention"`
}

// Admin enables a vendor's admin-API checks: OpenAI's and Anthropic's key
// inventory (and OpenAI's audit log), VAPI's call records (`admin: {}` on
// vapi reads them with its first non-canary key).
type Admin struct {
	// Secret is the admin key (OpenAI sk-admin-…, Anthropic
	// sk-ant-admin01-…). For VAPI, which has one kind of private key, it may
	// be left out: the vendor's first non-canary key is used.
	Secret SecretRef `yaml:"secret"`
	// Interval is how often the admin API is read (default
	// DefaultAdminInterval): slower than the probes, since one inventory
	// costs a request per project.
	Interval Duration `yaml:"interval"`
	// ExpiryWarning is how long before a key's expires_at a warning is
	// raised (default DefaultExpiryWarning).
	ExpiryWarning Duration `yaml:"expiry_warning"`
}

// Defaults and limits of the admin-API checks.
const (
	DefaultAdminInterval = 5 * time.Minute
	MinAdminInterval     = time.Minute
	DefaultExpiryWarning = 14 * 24 * time.Hour
	MinExpiryWarning     = time.Hour
)

// Default returns the settings used when no file exists, without vendors;
// the caller adds the default vendor set from the catalog.
func Default() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

// ProbeTimeoutOrDefault is the limit of each probe: probe_timeout, or the
// shorter of timeout and DefaultProbeTimeout when it is unset, so that a
// --timeout below 5 s shortens the probes too.
func (c *Config) ProbeTimeoutOrDefault() time.Duration {
	if c.ProbeTimeout > 0 {
		return c.ProbeTimeout.D()
	}
	return min(cmpOr(c.Timeout.D(), DefaultTimeout), DefaultProbeTimeout)
}

// cmpOr is d, or def when d is zero.
func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (c *Config) applyDefaults() {
	if c.Interval == 0 {
		c.Interval = Duration(DefaultInterval)
	}
	if c.ProbeInterval == 0 {
		c.ProbeInterval = Duration(DefaultProbeInterval)
	}
	if c.Timeout == 0 {
		c.Timeout = Duration(DefaultTimeout)
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.History.Retention == 0 {
		c.History.Retention = Duration(DefaultRetention)
	}
	c.Serve.applyDefaults()
	if c.Traffic != nil {
		c.Traffic.applyDefaults(c.ProbeInterval)
	}
	for i := range c.Notify {
		c.Notify[i].applyDefaults(i)
	}
}

// Format is a status source format as written in the config.
type Format = statuspage.Format
