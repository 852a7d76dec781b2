package fetch

import (
	"crypto/tls"
	"encoding/json"
	"maps"
	"net/http/httptrace"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// HTTP1File is the file, in the state dir, where a Client remembers the
// hosts that offered only HTTP/1.1 when it last connected to them.
const HTTP1File = "http1-hosts.json"

// Limits of the memory of HTTP/1.1-only hosts.
const (
	// http1Forget is how long a host stays remembered without being seen
	// again offering only HTTP/1.1; then it is learned again, at the cost
	// of one gated first connection.
	http1Forget = 7 * 24 * time.Hour
	// http1Refresh is how old a remembered sighting must be before a new
	// one is written down: a host seen every minute costs one write a day,
	// not one a run.
	http1Refresh = 24 * time.Hour
	// maxHTTP1Hosts bounds the hosts remembered (and so the file, about
	// 50 bytes a host); past it the ones seen longest ago are forgotten.
	maxHTTP1Hosts = 16384
	// maxHTTP1File is the most of the file that is read.
	maxHTTP1File = 4 << 20
)

// http1Memory remembers which hosts offered only HTTP/1.1 in the TLS
// handshake (ALPN), and when that was last seen, so that a new process
// sends every request to such a host at once, each on its own connection,
// instead of making them wait for the first connection's handshake (which
// only an HTTP/2 host lets them share). With a path it lives in a small
// JSON file written atomically, and only when what it holds changes: a
// host learned, a host that now offers HTTP/2 forgotten, a sighting more
// than http1Refresh old renewed. A file that is missing, damaged, or that
// someone besides the user may change is an empty memory: it only costs
// the round trips it would have saved.
type http1Memory struct {
	path string // "" keeps the memory in this process only
	now  func() time.Time

	mu     sync.Mutex
	loaded bool
	hosts  map[string]time.Time // host -> last seen offering only HTTP/1.1
	// offersHTTP2 holds the hosts this process saw offering HTTP/2, which
	// a merge with the file must not bring back.
	offersHTTP2 map[string]bool
	// changes counts the changes made since the file was read; saved is
	// how many of them the file holds; writes counts the files written.
	changes, saved, writes int

	// saveMu lets one request write the file at a time; the others that
	// wait find their change already written (a group commit).
	saveMu sync.Mutex
}

// http1Doc is the file's content.
type http1Doc struct {
	Note  string               `json:"note"`
	Hosts map[string]time.Time `json:"hosts"`
}

// http1Note explains the file to whoever opens it.
const http1Note = "hosts that offered only HTTP/1.1, and when vendorwatch last saw it: their requests open connections at once instead of waiting for the first handshake; entries not seen for a week are dropped; delete this file to learn again"

func newHTTP1Memory(path string) *http1Memory {
	return &http1Memory{path: path, now: time.Now, offersHTTP2: map[string]bool{}}
}

// load reads the file once. The caller holds m.mu.
func (m *http1Memory) load() {
	if m.loaded {
		return
	}
	m.loaded = true
	m.hosts = m.read()
	if m.hosts == nil {
		m.hosts = map[string]time.Time{}
	}
}

// read returns the hosts the file holds, leaving out sightings older than
// http1Forget; nil when there is no file or it cannot be trusted.
func (m *http1Memory) read() map[string]time.Time {
	var doc http1Doc
	if m.path == "" || !readStateJSON(m.path, maxHTTP1File, &doc) {
		return nil
	}
	now := m.now()
	hosts := make(map[string]time.Time, len(doc.Hosts))
	for host, at := range doc.Hosts {
		if validHost(host) && now.Sub(at) < http1Forget {
			hosts[host] = at
		}
	}
	return hosts
}

// validHost tells whether a key of the file is a host a Client could have
// written there: lower case, without spaces or slashes.
func validHost(h string) bool {
	return h != "" && len(h) <= 300 && h == strings.ToLower(h) && !strings.ContainsAny(h, " /\t\r\n")
}

// only reports whether host was seen offering only HTTP/1.1 within
// http1Forget.
func (m *http1Memory) only(host string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.load()
	at, ok := m.hosts[host]
	return ok && m.now().Sub(at) < http1Forget
}

// saw records what host offered: only HTTP/1.1, or HTTP/2.
func (m *http1Memory) saw(host string, onlyHTTP1 bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.load()
	at, known := m.hosts[host]
	now := m.now()
	if !onlyHTTP1 {
		m.offersHTTP2[host] = true
	}
	switch {
	case !onlyHTTP1 && known:
		delete(m.hosts, host)
	case onlyHTTP1 && (!known || now.Sub(at) >= http1Refresh):
		m.hosts[host] = now.UTC().Truncate(time.Second)
		delete(m.offersHTTP2, host)
		m.trim()
	default:
		return
	}
	m.changes++
}

// merge takes into the memory what another process wrote to the file
// since this one read it (serve and --once may share a state dir): hosts
// it learned, and later sightings of ours; but not the hosts this process
// saw offering HTTP/2. The caller holds m.mu.
func (m *http1Memory) merge(file map[string]time.Time) {
	for host, at := range file {
		if mine, ok := m.hosts[host]; !m.offersHTTP2[host] && (!ok || at.After(mine)) {
			m.hosts[host] = at
		}
	}
	m.trim()
}

// trim forgets the hosts seen longest ago while there are more than
// maxHTTP1Hosts. The caller holds m.mu.
func (m *http1Memory) trim() {
	if len(m.hosts) <= maxHTTP1Hosts {
		return
	}
	hosts := slices.SortedFunc(maps.Keys(m.hosts), func(a, b string) int { return m.hosts[a].Compare(m.hosts[b]) })
	for _, h := range hosts[:len(hosts)-maxHTTP1Hosts] {
		delete(m.hosts, h)
	}
}

// flush writes the file when the memory changed since it was last
// written, merged with what other processes wrote there meanwhile, and
// returns when the file holds every change made before the call. A
// failure to write is not retried: the next process learns again.
func (m *http1Memory) flush() {
	if m == nil || m.path == "" {
		return
	}
	m.mu.Lock()
	pending := m.changes != m.saved
	m.mu.Unlock()
	if !pending {
		return
	}
	m.saveMu.Lock()
	defer m.saveMu.Unlock()
	m.mu.Lock()
	done := m.changes == m.saved // written by the request that held saveMu before us
	m.mu.Unlock()
	if done {
		return
	}
	file := m.read()
	m.mu.Lock()
	m.merge(file)
	upTo := m.changes
	b, err := json.MarshalIndent(http1Doc{Note: http1Note, Hosts: m.hosts}, "", "  ")
	m.mu.Unlock()
	if err == nil {
		err = writeStateJSON(m.path, b)
	}
	m.mu.Lock()
	m.saved = upTo
	if err == nil {
		m.writes++
	}
	m.mu.Unlock()
}

// learnTrace is a client trace that, when the request has its
// connection, tells m what host's connection negotiated if that is due
// (seenDue: the first time in this process, then once per http1Refresh,
// so a long-running serve keeps its sightings fresh), and after that calls
// connected, if not nil. Only TLS connections say: a plain one (a test's
// fake transport) teaches nothing.
func (m *http1Memory) learnTrace(host string, hc *hostConn, connected func()) *httptrace.ClientTrace {
	return &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if tc, ok := info.Conn.(*tls.Conn); ok {
			now := m.now()
			if due := hc.learnAt.Load(); now.UnixNano() >= due && hc.learnAt.CompareAndSwap(due, now.Add(http1Refresh).UnixNano()) {
				m.saw(host, tc.ConnectionState().NegotiatedProtocol != "h2")
			}
		}
		if connected != nil {
			connected()
		}
	}}
}

// learnDue reports whether a request to hc's host should tell the memory
// what its connection negotiated.
func (m *http1Memory) learnDue(hc *hostConn) bool {
	return m.now().UnixNano() >= hc.learnAt.Load()
}

// http1Path is where the memory of HTTP/1.1-only hosts lives in dir.
func http1Path(dir string) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, HTTP1File)
}
