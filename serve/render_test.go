package serve

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/output"
)

// manyVendors is a check of n vendors: components, an incident on every
// tenth, a keyless probe and two keys each.
func manyVendors(n int, hhmm string) observe.Snapshot {
	snap := observe.Snapshot{GeneratedAt: at(hhmm)}
	for i := range n {
		id := fmt.Sprintf("vendor-%03d", i)
		v := observe.VendorResult{ID: id, Name: fmt.Sprintf("Vendor %03d", i),
			Status: observe.Status{State: observe.Operational, PageURL: "https://status." + id + ".example", CheckedAt: at(hhmm),
				Sources: []observe.Source{{URL: "https://status." + id + ".example/api/v2/summary.json", Format: "statuspage", OK: true, LatencyMS: 120}}},
			Reachability: &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, LatencyMS: 80, CheckedAt: at(hhmm)},
			Keys: []observe.KeyResult{
				{Name: "prod", Fingerprint: "sk-…" + id[len(id)-3:], Result: observe.ResultOK, HTTPStatus: 200, LatencyMS: 150, CheckedAt: at(hhmm)},
				{Name: "canary", Fingerprint: "sk-…c" + id[len(id)-3:], Canary: true, Result: observe.ResultOK, HTTPStatus: 200, LatencyMS: 160, CheckedAt: at(hhmm)},
			}}
		for c := range 10 {
			v.Status.Components = append(v.Status.Components, observe.Component{Name: fmt.Sprintf("Component %d", c), State: observe.Operational})
		}
		if i%10 == 0 {
			v.Status.State = observe.Degraded
			v.Status.Incidents = []observe.Incident{{ID: "inc-" + id, Title: "Elevated errors on " + id, Status: "investigating", Impact: "minor",
				StartedAt: at(hhmm).Add(-time.Hour), UpdatedAt: at(hhmm), LatestUpdate: "We are investigating elevated error rates."}}
		}
		snap.Vendors = append(snap.Vendors, v)
	}
	return snap
}

func manyReport(n int, hhmm string) correlate.Report {
	rep, _ := correlate.Assess(manyVendors(n, hhmm), correlate.Memory{})
	return rep
}

// getWith fetches path with extra request headers, the body as sent.
func getWith(h http.Handler, path string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// The snapshot and the metrics are rendered once per report: every
// request until the next report gets the same bytes, updates that only
// say checks are running render nothing, and a new report renders anew.
func TestRenderedOncePerReport(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	s.liveTTL = time.Hour
	rep := manyReport(20, "12:45")
	s.Update(monitor.Update{Report: rep})
	first, err := s.snapshotBody()
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := s.metricsBody()
	for range 3 {
		if b, _ := s.snapshotBody(); b != first {
			t.Fatal("the snapshot was rendered again for the same report")
		}
		if m, _ := s.metricsBody(); m != metrics {
			t.Fatal("the metrics were rendered again without an update")
		}
	}
	s.Update(monitor.Update{Report: rep, InFlight: 3})
	if b, _ := s.snapshotBody(); b != first {
		t.Error("an update with the same report rendered the snapshot again")
	}
	m, _ := s.metricsBody()
	if m == metrics || !bytes.Contains(m.join(), []byte("vendorwatch_checks_in_flight 3")) {
		t.Error("the live metrics did not follow the update")
	}
	if &m.parts[0][0] != &metrics.parts[0][0] {
		t.Error("the report's families were rendered again without a new report")
	}

	next := manyReport(20, "12:46")
	s.Update(monitor.Update{Report: next})
	b, _ := s.snapshotBody()
	if b == first {
		t.Fatal("a new report was not rendered")
	}
	var want bytes.Buffer
	output.WriteJSON(&want, next)
	if !bytes.Equal(b.join(), want.Bytes()) {
		t.Error("the new snapshot differs from output.WriteJSON")
	}
}

// A client that accepts gzip gets the gzip of the same bytes; others, and
// one that refuses gzip (q=0), get them plain.
func TestGzip(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	s.liveTTL = time.Hour
	s.Update(monitor.Update{Report: manyReport(50, "12:45")})
	h := s.Handler()
	gzipTool, _ := exec.LookPath("gzip")
	for _, path := range []string{"/metrics", "/api/v1/snapshot"} {
		plain := getWith(h, path, nil)
		if plain.Header().Get("Content-Encoding") != "" || plain.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s without Accept-Encoding: %v", path, plain.Header())
		}
		for _, ae := range []string{"gzip", "deflate, gzip;q=0.8", "*", "GZIP"} {
			rec := getWith(h, path, http.Header{"Accept-Encoding": {ae}})
			if rec.Header().Get("Content-Encoding") != "gzip" {
				t.Errorf("%s, Accept-Encoding %q: not gzip", path, ae)
				continue
			}
			// One gzip member, whose checksum and size hold.
			br := bytes.NewReader(rec.Body.Bytes())
			zr, err := gzip.NewReader(br)
			if err != nil {
				t.Fatal(err)
			}
			zr.Multistream(false)
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, plain.Body.Bytes()) {
				t.Errorf("%s: the gzip is not of the same bytes: %v", path, err)
			}
			if br.Len() != 0 {
				t.Errorf("%s: %d bytes after the gzip member", path, br.Len())
			}
			if gzipTool != "" {
				// Another implementation than Go's (curl and browsers use zlib).
				cmd := exec.Command(gzipTool, "-dc")
				cmd.Stdin = bytes.NewReader(rec.Body.Bytes())
				out, err := cmd.Output()
				if err != nil || !bytes.Equal(out, plain.Body.Bytes()) {
					t.Errorf("%s: gzip -dc: %v", path, err)
				}
			}
			if rec.Body.Len()*3 > len(got) {
				t.Errorf("%s: gzip %d of %d bytes", path, rec.Body.Len(), len(got))
			}
		}
		for _, ae := range []string{"gzip;q=0", "deflate", "identity"} {
			if rec := getWith(h, path, http.Header{"Accept-Encoding": {ae}}); rec.Header().Get("Content-Encoding") != "" {
				t.Errorf("%s, Accept-Encoding %q: compressed", path, ae)
			}
		}
	}
}

// Every answer passes the redactor: the rendered bodies, the health, the
// incident report, errors that quote the request, and the log.
func TestEveryAnswerIsRedacted(t *testing.T) {
	t.Parallel()
	const secret = "sk-proj-R3d4ctM3R3d4ctM3R3d4ctM3R3d4ctM3R3d4ctM3Zz9Q"
	redact.Register(secret)
	rep := storyReport(t)
	rep.Vendors[0].Name = "OpenAI " + secret // a name is a label of vendor_info
	rep.Vendors[0].Keys[0].Message = "Incorrect API key provided: " + secret
	var log strings.Builder
	s := New(Options{Log: &log, Now: func() time.Time { return at("12:47") },
		Incident: func(_ context.Context, from, to time.Time, _ []string) (output.IncidentReport, error) {
			return output.IncidentReport{Since: from, Until: to, Timeline: []correlate.Event{
				{At: at("12:40"), Vendor: "openai", VendorName: "OpenAI", Severity: correlate.SeverityCritical, Text: "Leak of " + secret}}}, nil
		}})
	s.Update(monitor.Update{Report: rep, Err: fmt.Errorf("%w: the key %s", history.ErrLocked, secret)})
	h := s.Handler()
	var all []string
	// The since of the last but one is the secret: the error quotes it
	// (clipped, so only its whole is checked here).
	for _, path := range []string{"/metrics", "/api/v1/snapshot", "/healthz", "/api/v1/report?format=json", "/api/v1/report", "/api/v1/report?since=" + secret + "-is-no-time", "/api/v1/timeline"} {
		for _, ae := range []string{"", "gzip"} {
			rec := getWith(h, path, http.Header{"Accept-Encoding": {ae}})
			body := rec.Body.Bytes()
			if rec.Header().Get("Content-Encoding") == "gzip" {
				zr, _ := gzip.NewReader(bytes.NewReader(body))
				body, _ = io.ReadAll(zr)
			}
			all = append(all, string(body))
		}
	}
	all = append(all, log.String())
	text := strings.Join(all, "\n")
	if strings.Contains(text, secret) {
		t.Fatalf("a secret got out:\n%s", text)
	}
	for _, want := range []string{"OpenAI [redacted]", "Incorrect API key provided: [redacted]", "the key [redacted]", "Leak of [redacted]"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in the answers", want)
		}
	}
}
