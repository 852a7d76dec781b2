// Package admin reads vendors' admin APIs with an admin key (or, where a
// key can stand in, one of ours): OpenAI's and Anthropic's key inventories
// with the keys that left them and what OpenAI's audit log says about
// those, and VAPI's call records grouped by why the calls ended. Each API
// is a Reader in a registry keyed by the catalog's admin.reader; the
// requests go out through the prober, under the same rules as key probes.
package admin

import (
	"context"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

// Reader reads one kind of admin API for a check.
type Reader interface {
	// Enabled reports whether v is set up for this reader: a secret to
	// read with (or a key that stands in for it) and an API to read.
	Enabled(v catalog.Vendor) bool
	// Read reads v's admin API through a and puts what it found into its
	// own part of res (the key inventory, the call records), which holds
	// the previous check's results when Read is called.
	Read(ctx context.Context, a *Client, v catalog.Vendor, res *observe.VendorResult)
}

// readers are the admin readers by the name a catalog entry gives in
// admin.reader. Adding an admin API is one file with its reader and one
// line here.
var readers = map[string]Reader{
	"openai": inventoryReader{source: observe.SourceOpenAIAdmin, list: (*adminRun).openAIInventory,
		lookup: (*adminRun).openAIProjectKey, audit: true},
	"anthropic": inventoryReader{source: observe.SourceAnthropicAdmin, list: (*adminRun).anthropicInventory},
	"vapi":      callReader{},
}

// readerOf is the reader of v's admin API, when it is set up.
func readerOf(v catalog.Vendor) (Reader, bool) {
	r, ok := readers[v.AdminAPI.Reader]
	if !ok || !r.Enabled(v) {
		return nil, false
	}
	return r, true
}

// Enabled reports whether vendorwatch reads v's admin API.
func Enabled(v catalog.Vendor) bool {
	_, ok := readerOf(v)
	return ok
}

// Interval is how often v's admin API is read, 0 when it is not.
func Interval(v catalog.Vendor) time.Duration {
	if !Enabled(v) {
		return 0
	}
	if v.Admin != nil && v.Admin.Interval > 0 {
		return v.Admin.Interval.D()
	}
	return config.DefaultAdminInterval
}

// Client reads the admin APIs (key inventories, audit logs, call
// records), sending every request through the prober's key-safe client.
type Client struct {
	p *probe.Prober
	// callLimit is the page size of VAPI's call records.
	callLimit int
}

// Options tune a Client.
type Options struct {
	// CallLimit is the page size of VAPI's call records (CallPageLimit;
	// tests shrink it to make pages).
	CallLimit int
}

// New returns a Client reading through p.
func New(p *probe.Prober, o Options) *Client {
	return &Client{p: p, callLimit: o.CallLimit}
}

// Read reads v's admin API for one check, from prev's results: the key
// inventory (diffed against prev's, with the audit log asked about keys
// that left it) or the call records. What it does not read is carried
// over from prev; a vendor without an admin API gets neither.
func (a *Client) Read(ctx context.Context, v catalog.Vendor, prev observe.VendorResult) (*observe.Inventory, *observe.CallSummary) {
	r, ok := readerOf(v)
	if !ok {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, MaxAdminRead)
	defer cancel()
	res := prev
	r.Read(ctx, a, v, &res)
	return res.Inventory, res.Calls
}
