package statusread

import (
	"context"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
)

// testPoller reads vendors' status pages the way one check of the poller
// does (every vendor at once, each into its snapshot entry), with a Reader
// alone; tests reach into its reader's fields.
type testPoller struct {
	fetch   *fetch.Client
	vendors []catalog.Vendor
	now     func() time.Time
	status  *Reader
}

func newTestPoller(vendors []catalog.Vendor, f *fetch.Client) *testPoller {
	p := &testPoller{fetch: f, vendors: vendors, now: time.Now}
	p.status = New(f, Options{Now: p.clock})
	return p
}

func (p *testPoller) clock() time.Time { return p.now() }

// SetStateDir starts a reader on dir, as a new process would.
func (p *testPoller) SetStateDir(dir string) {
	p.status = New(p.fetch, Options{StateDir: dir, Now: p.clock})
}

// Check reads every vendor's sources once, then lets the reader write
// what it parsed.
func (p *testPoller) Check(ctx context.Context) observe.Snapshot {
	s := observe.Snapshot{GeneratedAt: p.now().UTC(), Vendors: make([]observe.VendorResult, len(p.vendors))}
	var wg sync.WaitGroup
	for i, v := range p.vendors {
		wg.Go(func() {
			s.Vendors[i] = observe.VendorResult{ID: v.ID, Name: v.Name, Status: *p.status.Read(ctx, &v)}
		})
	}
	wg.Wait()
	// As the poller does once its first probes resolved every key.
	p.status.Settle()
	return s
}

func testFetcher() *fetch.Client { return fetch.New(fetch.Options{Timeout: 2 * time.Second}) }
