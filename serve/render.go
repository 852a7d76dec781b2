package serve

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/output"
)

// liveTTL is how long the process's own metrics (the Go runtime, the
// process, notifications) are served before they are gathered again.
// The report's metrics change only with the report.
const liveTTL = time.Second

// contentTypeMetrics is the Prometheus text exposition format 0.0.4,
// which every Prometheus-compatible scraper reads.
var contentTypeMetrics = string(expfmt.FmtText)

// body is one rendered answer: its parts, redacted once when each was
// made and sent one after the other, and their gzip, made once on the
// first request that accepts it. A body never changes; a new report
// makes a new one, and requests still sending the old one keep it until
// they are done.
type body struct {
	ctype string
	parts [][]byte
	// zip makes the gzip of the parts (nil: compress them as one).
	zip  func() [][]byte
	once sync.Once
	gz   [][]byte
}

// newBody makes a body of one part, which it redacts.
func newBody(ctype string, plain []byte) *body {
	return &body{ctype: ctype, parts: [][]byte{redact.Bytes(plain)}}
}

// gzipped is the body compressed; nil when compressing does not help.
func (b *body) gzipped() [][]byte {
	b.once.Do(func() {
		var gz [][]byte
		if b.zip != nil {
			gz = b.zip()
		} else {
			gz = gzipJoin(gzipStart(b.join()), nil)
		}
		if size(gz) < size(b.parts) {
			b.gz = gz
		}
	})
	return b.gz
}

// join is the body's bytes in one slice.
func (b *body) join() []byte { return bytes.Join(b.parts, nil) }

// size is the length of the parts together.
func size(parts [][]byte) int {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	return n
}

// serve sends the body, compressed when the client accepts gzip.
func (b *body) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", b.ctype)
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept-Encoding")
	data := b.parts
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		if gz := b.gzipped(); gz != nil {
			h.Set("Content-Encoding", "gzip")
			data = gz
		}
	}
	h.Set("Content-Length", strconv.Itoa(size(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	for _, p := range data {
		if _, err := w.Write(p); err != nil {
			return
		}
	}
}

// gzipHead starts a gzip member: deflate, no name, no time, unknown OS
// (RFC 1952 §2.3).
var gzipHead = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// gzipped is the beginning of a gzip member: its header and the deflate
// stream of the data so far, flushed to a byte boundary and not final, so
// more deflate blocks may follow; with the checksum and size of that data.
type gzipped struct {
	head []byte
	crc  uint32
	n    int
}

// gzipStart compresses the first part of a member. It is made once for
// the report's metrics, and every exposition of the live metrics after
// them continues it.
func gzipStart(data []byte) gzipped {
	var buf bytes.Buffer
	buf.Write(gzipHead)
	zw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	zw.Write(data)
	zw.Flush() // a sync flush: byte-aligned, not the final block
	return gzipped{head: buf.Bytes(), crc: crc32.ChecksumIEEE(data), n: len(data)}
}

// gzipJoin completes the member begun by start with rest: rest's own
// deflate blocks (they refer only to rest, so they need nothing of the
// first compressor), the final block, and the checksum and size of all
// the data. The result is one ordinary gzip member.
func gzipJoin(start gzipped, rest []byte) [][]byte {
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	zw.Write(rest)
	zw.Close()
	buf.Write(binary.LittleEndian.AppendUint32(nil, crc32.Update(start.crc, crc32.IEEETable, rest)))
	buf.Write(binary.LittleEndian.AppendUint32(nil, uint32(start.n+len(rest))))
	return [][]byte{start.head, buf.Bytes()}
}

// acceptsGzip reads an Accept-Encoding header: gzip (or *) listed with a
// quality above zero.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, "gzip") && name != "*" {
			continue
		}
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		return q > 0
	}
	return false
}

// rendered is what was made from the state: the snapshot and the report's
// metric families of report generation gen (redacted, and their gzip made
// on first demand), and the whole exposition of /metrics (the report's
// families then the live ones), made at, from the updates up to live.
type rendered struct {
	gen      uint64
	snapshot *body
	families []byte
	famOnce  *sync.Once
	famGzip  *gzipped

	metrics     *body
	metricsGen  uint64
	metricsLive uint64
	metricsAt   time.Time
}

// renderReport brings the report's bodies up to st. Call it with renderMu
// held.
func (s *Server) renderReport(st state) error {
	if s.render.snapshot != nil && s.render.gen == st.gen {
		return nil
	}
	var js bytes.Buffer
	if err := output.WriteJSON(&js, st.report); err != nil {
		return fmt.Errorf("encoding the report: %w", err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(reportCollector{rep: st.report})
	fams, err := s.exposition(reg, len(s.render.families))
	if err != nil {
		return err
	}
	s.render.gen, s.render.snapshot, s.render.families = st.gen, newBody("application/json", js.Bytes()), redact.Bytes(fams)
	s.render.famOnce, s.render.famGzip = new(sync.Once), new(gzipped)
	s.render.metrics = nil
	return nil
}

// snapshotBody is the latest report as --once --json prints it, rendered
// once per report.
func (s *Server) snapshotBody() (*body, error) {
	s.renderMu.Lock()
	defer s.renderMu.Unlock()
	if err := s.renderReport(s.state()); err != nil {
		return nil, err
	}
	return s.render.snapshot, nil
}

// metricsBody is the exposition of /metrics: the report's families,
// rendered once per report, then the live ones, gathered at most once a
// second and after every update. Its gzip compresses the report's part
// once per report and only the live part anew.
func (s *Server) metricsBody() (*body, error) {
	s.renderMu.Lock()
	defer s.renderMu.Unlock()
	st := s.state()
	if err := s.renderReport(st); err != nil {
		return nil, err
	}
	r := &s.render
	if r.metrics != nil && r.metricsGen == st.gen && r.metricsLive == st.live && time.Since(r.metricsAt) < s.liveTTL {
		return r.metrics, nil
	}
	live, err := s.exposition(s.live, 0)
	if err != nil {
		return nil, err
	}
	live = redact.Bytes(live)
	fams, once, start := r.families, r.famOnce, r.famGzip
	b := &body{ctype: contentTypeMetrics, parts: [][]byte{fams, live}, zip: func() [][]byte {
		once.Do(func() { *start = gzipStart(fams) })
		return gzipJoin(*start, live)
	}}
	r.metrics, r.metricsGen, r.metricsLive, r.metricsAt = b, st.gen, st.live, time.Now()
	return r.metrics, nil
}

// exposition gathers a registry into the text format, in a buffer of
// about size bytes (the previous rendering's). A collector that fails (the
// process's own figures on an unusual system) is logged and left out; the
// rest is still served.
func (s *Server) exposition(g prometheus.Gatherer, size int) ([]byte, error) {
	fams, err := g.Gather()
	if err != nil {
		s.logf("vendorwatch: /metrics: %v", err)
	}
	var buf bytes.Buffer
	buf.Grow(size + size/8)
	for _, f := range fams {
		if _, err := expfmt.MetricFamilyToText(&buf, f); err != nil {
			return nil, fmt.Errorf("rendering %s: %w", f.GetName(), err)
		}
	}
	return buf.Bytes(), nil
}

// metrics serves /metrics.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	b, err := s.metricsBody()
	if err != nil {
		s.logf("vendorwatch: /metrics: %v", err)
		httpError(w, http.StatusInternalServerError, "rendering the metrics failed")
		return
	}
	b.serve(w, r)
}

// snapshot serves the latest report, exactly as --once --json prints it.
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) {
	b, err := s.snapshotBody()
	if err != nil {
		s.logf("vendorwatch: /api/v1/snapshot: %v", err)
		httpError(w, http.StatusInternalServerError, "encoding the report failed")
		return
	}
	b.serve(w, r)
}
