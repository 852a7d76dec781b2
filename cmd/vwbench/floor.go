package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// physicalFloor is the least time any client can take to fetch from a
// fresh connection to the farthest host: the TCP handshake (one round
// trip), the TLS 1.3 handshake (one more, HTTPS only), then the request
// and its answer (one more, plus the host's think time). DNS is left out:
// the fake hosts are addresses.
func physicalFloor(rtt, latency time.Duration, https bool) time.Duration {
	trips := 2
	if https {
		trips = 3
	}
	return time.Duration(trips)*rtt + latency
}

// floorState is what `vwbench floor` keeps between runs, as vendorwatch
// keeps validators: the ETag of every URL, and the protocol every host
// negotiated.
type floorState struct {
	ETags  map[string]string `json:"etags"`
	Protos map[string]string `json:"protos"`
}

// runFloorChild is `vwbench floor`: the least program that does what
// `vendorwatch --once` must do on the wire, and nothing else. It fetches
// every URL in a file at once, over one shared transport, sends
// If-None-Match with the ETags a previous run saved in its state file,
// reads every body to the end, and saves its state again only when it
// changed. The parent measures it as it measures vendorwatch.
//
// Connections: to a host of unknown protocol the first request goes
// alone until its connection is up; if the host chose HTTP/2, the others
// share that connection (one per host, at no cost in wall time, since
// they would have waited for a handshake anyway); if it chose HTTP/1.1,
// each of the others opens its own, as any concurrent client must. A
// warm run knows the protocol from its state, so it sends every request
// to an HTTP/1.1 host at once, each on its own connection.
func runFloorChild(args []string) error {
	fl := flag.NewFlagSet("floor", flag.ContinueOnError)
	urls := fl.String("urls", "", "a file of URLs, one a line")
	statePath := fl.String("state", "", "the file of ETags and protocols kept between runs")
	ca := fl.String("ca", "", "a PEM file of the only roots to trust (the fake hosts' certificate)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	list, err := readLines(*urls)
	if err != nil {
		return fmt.Errorf("reading the URLs: %w", err)
	}
	st := floorState{ETags: map[string]string{}, Protos: map[string]string{}}
	if b, err := os.ReadFile(*statePath); err == nil {
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("reading %s: %w", *statePath, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tr := &http.Transport{ForceAttemptHTTP2: true, MaxIdleConnsPerHost: 64}
	if *ca != "" {
		pem, err := os.ReadFile(*ca)
		if err != nil {
			return err
		}
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(pem)
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	}
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second}

	byHost := map[string][]string{}
	var order []string
	for _, raw := range list {
		u, err := url.Parse(raw)
		if err != nil {
			return fmt.Errorf("URL %q: %w", raw, err)
		}
		if _, ok := byHost[u.Host]; !ok {
			order = append(order, u.Host)
		}
		byHost[u.Host] = append(byHost[u.Host], raw)
	}

	f := &floorFetch{client: client, st: &st}
	var wg sync.WaitGroup
	for _, hostport := range order {
		urls := byHost[hostport]
		f.mu.Lock()
		proto := st.Protos[hostport]
		f.mu.Unlock()
		if proto == "http/1.1" {
			for _, u := range urls {
				wg.Go(func() { f.fetch(u, nil) })
			}
			continue
		}
		ready := make(chan struct{})
		var once sync.Once
		open := func(p string) {
			once.Do(func() {
				f.mu.Lock()
				if p != "" && st.Protos[hostport] != p {
					st.Protos[hostport] = p
					f.changed = true
				}
				f.mu.Unlock()
				close(ready)
			})
		}
		wg.Go(func() {
			f.fetch(urls[0], open)
			open("")
		})
		for _, u := range urls[1:] {
			wg.Go(func() {
				<-ready
				f.fetch(u, nil)
			})
		}
	}
	wg.Wait()
	if len(f.failed) > 0 {
		return fmt.Errorf("%d of %d fetches failed, the first: %w", len(f.failed), len(list), f.failed[0])
	}
	if !f.changed {
		return nil
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return os.WriteFile(*statePath, b, 0o600)
}

// floorFetch is one floor run's shared state.
type floorFetch struct {
	client *http.Client

	mu      sync.Mutex
	st      *floorState
	changed bool
	failed  []error
}

// fetch gets u, conditionally when an ETag is known; open, when set, is
// told the protocol the connection negotiated as soon as it is up.
func (f *floorFetch) fetch(u string, open func(proto string)) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		f.fail(err)
		return
	}
	if open != nil {
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn: func(info httptrace.GotConnInfo) {
				if tc, ok := info.Conn.(*tls.Conn); ok {
					open(tc.ConnectionState().NegotiatedProtocol)
				} else {
					open("http/1.1")
				}
			},
		}))
	}
	f.mu.Lock()
	old := f.st.ETags[u]
	f.mu.Unlock()
	if old != "" {
		req.Header.Set("If-None-Match", old)
	}
	resp, err := f.client.Do(req)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if err != nil {
		f.fail(err)
		return
	}
	if tag := resp.Header.Get("ETag"); resp.StatusCode == http.StatusOK && tag != "" && tag != old {
		f.mu.Lock()
		f.st.ETags[u] = tag
		f.changed = true
		f.mu.Unlock()
	}
}

func (f *floorFetch) fail(err error) {
	f.mu.Lock()
	f.failed = append(f.failed, err)
	f.mu.Unlock()
}

// readLines reads the non-empty lines of a file.
func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			out = append(out, line)
		}
	}
	return out, sc.Err()
}
