//go:build unix

package providers

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// maxWaitingStack is the most a vendor check's goroutine may hold on its
// stack while its request waits for the answer. Go gives a goroutine
// 8 KiB and needs about 900 bytes of it free to call further, so more
// than 7 KiB doubles it to 16 KiB. Less matters too: the runtime starts
// each new goroutine at the average stack it scanned at the last
// collection, plus those 900 bytes, rounded up to a power of two. In a
// check of 1,000 vendors the waiting checks are 40 % of the goroutines,
// beside about 1,700 that read and write connections with 1–2 KB each:
// at 6.3 KB each (until 2026-12-07) the average was 3.3–3.9 KB, so every
// goroutine started from the check's sixth collection on took 8 KiB; at
// 4.5 KB it stays under 2.9 KB, and they take 4 KiB (3.3 MiB less peak
// RSS cold, 2.7 MiB warm, on held hosts; BENCHMARKS.md). At 5,000
// vendors, one such goroutine per vendor and per probe.
const maxWaitingStack = 5 << 10

// stackChildEnv carries, to the child process of
// TestWaitingVendorCheckFitsASmallStack, the hosts its vendors are on.
const stackChildEnv = "VENDORWATCH_STACK_CHILD"

// frameRE finds the frame and stack pointers a crash dump prints for each
// frame at GOTRACEBACK=system.
var frameRE = regexp.MustCompile(`fp=0x([0-9a-f]+) sp=0x([0-9a-f]+)`)

// TestWaitingVendorCheckFitsASmallStack runs a check in a child process
// against hosts that hold every request (status pages and keyless
// probes), and once all have arrived makes the child dump its goroutines
// with their frame pointers (SIGQUIT at GOTRACEBACK=system; runtime.Stack
// leaves them out). It measures how deep each vendor's goroutine is while
// it waits, and fails when a frame on the way (the poller, the status
// reader, the validator store, the client) grows past what an 8 KiB stack
// holds beside net/http's own frames.
func TestWaitingVendorCheckFitsASmallStack(t *testing.T) {
	if hosts := os.Getenv(stackChildEnv); hosts != "" {
		checkHeldHosts(strings.Split(hosts, " "))
		return
	}
	if fixture.RaceEnabled {
		t.Skip("the race detector's instrumentation makes every frame larger")
	}
	const vendors = 8
	release := make(chan struct{})
	defer close(release)
	arrived := make(chan struct{}, 4*vendors)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	// A host each: the client keeps only a few requests in flight per host.
	var hosts []string
	for range vendors {
		srv := httptest.NewServer(handler)
		defer srv.Close()
		hosts = append(hosts, srv.URL)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWaitingVendorCheckFitsASmallStack$", "-test.count=1")
	cmd.Env = append(os.Environ(), stackChildEnv+"="+strings.Join(hosts, " "), "GOTRACEBACK=system")
	var dump bytes.Buffer
	cmd.Stderr = &dump
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	for range 2 * vendors {
		select {
		case <-arrived:
		case <-time.After(30 * time.Second):
			t.Fatalf("the check's requests did not all arrive; the child said:\n%s", dump.String())
		}
	}
	// The last request is on the wire; let its caller reach its wait.
	time.Sleep(100 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // a goroutine dump ends the child with exit status 2

	waiting, deepest := 0, uint64(0)
	for _, g := range strings.Split(dump.String(), "\n\n") {
		if !strings.Contains(g, "providers.(*Poller).checkOwed") || !strings.Contains(g, "fetch.(*Client).DoWithin") {
			continue
		}
		waiting++
		lo, hi := uint64(1<<64-1), uint64(0)
		for _, m := range frameRE.FindAllStringSubmatch(g, -1) {
			fp, _ := strconv.ParseUint(m[1], 16, 64)
			sp, _ := strconv.ParseUint(m[2], 16, 64)
			lo, hi = min(lo, sp), max(hi, fp)
		}
		if hi == 0 {
			t.Fatalf("the dump gives no frame pointers:\n%s", g)
		}
		depth := hi - lo
		deepest = max(deepest, depth)
		if depth > maxWaitingStack {
			t.Errorf("a waiting vendor check holds %d bytes of stack, over %d:\n%s", depth, maxWaitingStack, g)
		}
	}
	t.Logf("the deepest of %d waiting vendor checks holds %d bytes of stack", waiting, deepest)
	if waiting < 2*vendors {
		t.Fatalf("found %d vendor goroutines waiting for an answer, want %d (status pages and probes); the child said:\n%s", waiting, 2*vendors, dump.String())
	}
}

// checkHeldHosts is the child's part: a check of a vendor on each host,
// with a status page and a keyless probe, which the parent ends.
func checkHeldHosts(hosts []string) {
	var vs []catalog.Vendor
	for i, h := range hosts {
		id := "v" + strconv.Itoa(i)
		vs = append(vs, catalog.Vendor{
			ID: id, Name: id,
			Sources: []catalog.SourceSpec{{URL: h + "/api/v2/summary.json", Format: statuspage.Statuspage}},
			API:     catalog.APISpec{BaseURL: h, Reach: "/v1/models"},
		})
	}
	NewPoller(vs, fetch.New(fetch.Options{Timeout: time.Minute})).Check(context.Background())
}
