package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// peer is a continuous checker watching the same endpoints as serve, for
// comparison: Prometheus scraping blackbox_exporter, which GETs every URL
// each interval (neither conditional requests nor parsing), the way
// gatus or Uptime Kuma check an endpoint. Both are Debian packages.
type peer struct {
	cmds []*exec.Cmd
}

// peerBinaries are the programs the peer needs, by Debian's names.
var peerBinaries = []string{"prometheus", "prometheus-blackbox-exporter"}

// startPeer starts blackbox_exporter and Prometheus in dir, Prometheus
// scraping one blackbox probe per URL every interval.
func startPeer(dir string, urls []string, interval time.Duration) (*peer, error) {
	for _, b := range peerBinaries {
		if _, err := exec.LookPath(b); err != nil {
			return nil, fmt.Errorf("-serve-cost-peer needs %s (apt-get install prometheus prometheus-blackbox-exporter): %w", b, err)
		}
	}
	bbAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	promAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	bbConfig := filepath.Join(dir, "blackbox.yml")
	modules := fmt.Sprintf("modules:\n  http_get:\n    prober: http\n    timeout: 10s\n    http:\n      valid_status_codes: [200, 401]\n      tls_config: {ca_file: %q}\n", caFile)
	if err := os.WriteFile(bbConfig, []byte(modules), 0o600); err != nil {
		return nil, err
	}
	targets, _ := json.Marshal(urls)
	promConfig := filepath.Join(dir, "prometheus.yml")
	scrape := fmt.Sprintf(`global:
  scrape_interval: %s
  scrape_timeout: 10s
scrape_configs:
  - job_name: blackbox
    metrics_path: /probe
    params: {module: [http_get]}
    static_configs:
      - targets: %s
    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {source_labels: [__param_target], target_label: instance}
      - {target_label: __address__, replacement: %q}
`, interval, targets, bbAddr)
	if err := os.WriteFile(promConfig, []byte(scrape), 0o600); err != nil {
		return nil, err
	}
	p := &peer{}
	for _, args := range [][]string{
		{"prometheus-blackbox-exporter", "--config.file=" + bbConfig, "--web.listen-address=" + bbAddr},
		{"prometheus", "--config.file=" + promConfig, "--web.listen-address=" + promAddr, "--storage.tsdb.path=" + filepath.Join(dir, "tsdb")},
	} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			p.stop()
			return nil, fmt.Errorf("starting %s: %w", args[0], err)
		}
		p.cmds = append(p.cmds, cmd)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + promAddr + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, errors.New("prometheus was not ready within 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// cost is what both processes have cost so far.
func (p *peer) cost() (procCost, error) {
	var sum procCost
	for _, c := range p.cmds {
		pc, err := readProcCost(c.Process.Pid)
		if err != nil {
			return procCost{}, err
		}
		sum.cpu += pc.cpu
		sum.written += pc.written
	}
	return sum, nil
}

// rss is both processes' resident memory.
func (p *peer) rss() int64 {
	var n int64
	for _, c := range p.cmds {
		r, _ := procRSS(c.Process.Pid, "VmRSS")
		n += r
	}
	return n
}

func (p *peer) stop() {
	for _, c := range p.cmds {
		c.Process.Signal(syscall.SIGTERM)
		c.Wait()
	}
}

// freeAddr finds a loopback address nobody listens on.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}
