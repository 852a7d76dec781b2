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

// runFloorChild is `vwbench floor`: the least program that does what
// `vendorwatch --once` must do on the wire, and nothing else. It fetches
// every URL in a file at once, over one shared transport (HTTP/2 where a
// host offers it, so one connection per host; HTTP/1.1 hosts get one
// connection per request in flight, as any concurrent client needs),
// sends If-None-Match with the ETags a previous run saved in its state
// file, reads every body to the end, and saves the ETags again only when
// they changed. The parent measures it as it measures vendorwatch.
func runFloorChild(args []string) error {
	fl := flag.NewFlagSet("floor", flag.ContinueOnError)
	urls := fl.String("urls", "", "a file of URLs, one a line")
	state := fl.String("state", "", "the file of ETags kept between runs")
	ca := fl.String("ca", "", "a PEM file of the only roots to trust (the fake hosts' certificate)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	list, err := readLines(*urls)
	if err != nil {
		return fmt.Errorf("reading the URLs: %w", err)
	}
	tags := map[string]string{}
	if b, err := os.ReadFile(*state); err == nil {
		if err := json.Unmarshal(b, &tags); err != nil {
			return fmt.Errorf("reading %s: %w", *state, err)
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

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		changed bool
		failed  []error
	)
	for _, u := range list {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodGet, u, nil)
			if err != nil {
				mu.Lock()
				failed = append(failed, err)
				mu.Unlock()
				return
			}
			mu.Lock()
			old := tags[u]
			mu.Unlock()
			if old != "" {
				req.Header.Set("If-None-Match", old)
			}
			resp, err := client.Do(req)
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed = append(failed, err)
				return
			}
			if tag := resp.Header.Get("ETag"); resp.StatusCode == http.StatusOK && tag != "" && tag != old {
				tags[u] = tag
				changed = true
			}
		})
	}
	wg.Wait()
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d fetches failed, the first: %w", len(failed), len(list), failed[0])
	}
	if !changed {
		return nil
	}
	b, err := json.Marshal(tags)
	if err != nil {
		return err
	}
	return os.WriteFile(*state, b, 0o600)
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
