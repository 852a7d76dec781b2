package fetch

import (
	"cmp"
	"crypto/x509"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// RootsFile is the file, in the state dir, where a Client remembers which
// of the system's trusted roots verified its servers' certificates, and
// where each lies in the system's certificate files.
const RootsFile = "trusted-roots.json"

// Limits of the memory of trusted roots.
const (
	// maxRememberedRoots bounds the roots remembered. A config's vendors
	// are verified by a handful; past the bound a root is not remembered,
	// and the hosts it verifies cost every root's load, as without a
	// memory.
	maxRememberedRoots = 64
	// maxRootsFile is the most of the file that is read.
	maxRootsFile = 1 << 20
	// maxRootText is the longest PEM block a remembered place may name.
	maxRootText = 64 << 10
)

// rootLocation is where a root lies: its PEM block's offset and length in
// a file crypto/x509 reads roots from, and the SHA-256 of its DER.
type rootLocation struct {
	File   string `json:"file"`
	Offset int64  `json:"offset"`
	Length int    `json:"length"`
	SHA256 string `json:"sha256"`
}

// rootsDoc is the file's content.
type rootsDoc struct {
	Note  string         `json:"note"`
	Roots []rootLocation `json:"roots"`
}

// rootsNote explains the file to whoever opens it.
const rootsNote = "where the trusted roots that verified vendorwatch's servers lie in the system's certificate files: the next process reads only these, and every root when a server needs another; delete this file to read every root again"

// rootsMemory remembers, for the next process, which of the system's
// trusted roots verified the servers a Client talked to, and where each
// lies: that process reads and parses those few (pool) instead of every
// root, which costs a few milliseconds of CPU, most of a small check's.
//
// The memory only ever narrows trust. A root is read from the place
// remembered only when that place is one crypto/x509 reads roots from
// under the current environment (rootFileRead), and only when the block
// there still has the DER remembered; anything else is left out. A server
// whose certificate the remembered roots do not verify is asked again
// over a transport that trusts every root (rootsTransport), and the root
// that verifies it is remembered. A file that is missing, damaged, or
// that someone besides the user may change is an empty memory.
type rootsMemory struct {
	path string

	loadOnce sync.Once
	subset   *x509.CertPool // the remembered roots that are still there; nil when none

	mu sync.Mutex
	// entries are the remembered places, by the root's SHA-256.
	entries map[string]rootLocation
	// known holds the roots this process already looked at, as the pools
	// hand them out.
	known map[*x509.Certificate]bool
	// pending are roots that verified a server and are not remembered yet.
	pending []*x509.Certificate

	// saveMu lets one request write the file at a time, each with the
	// roots it took from pending.
	saveMu sync.Mutex
	writes int
}

// rootsMemories holds one memory per file, for the whole process: a
// state dir's client and WarmRoots share it.
var rootsMemories sync.Map // path -> *rootsMemory

// rootsMemoryFor is the memory of stateDir; nil when there is no state
// dir, or when the system verifies certificates itself (not on Linux).
func rootsMemoryFor(stateDir string) *rootsMemory {
	if stateDir == "" {
		return nil
	}
	if files, dirs := rootSources(); len(files) == 0 && len(dirs) == 0 {
		return nil
	}
	path := filepath.Join(stateDir, RootsFile)
	m, _ := rootsMemories.LoadOrStore(path, &rootsMemory{path: path, known: map[*x509.Certificate]bool{}})
	return m.(*rootsMemory)
}

// pool is the pool of the remembered roots that are still where the
// memory says, read once; nil when there is none.
func (m *rootsMemory) pool() *x509.CertPool {
	m.loadOnce.Do(m.load)
	return m.subset
}

// load reads the file and the roots it names.
func (m *rootsMemory) load() {
	entries := map[string]rootLocation{}
	pool, n := x509.NewCertPool(), 0
	files, dirs := rootSources()
	byFile := map[string][]rootLocation{}
	for _, e := range readRootsFile(m.path) {
		if rootFileRead(e.File, files, dirs) {
			byFile[e.File] = append(byFile[e.File], e)
		}
	}
	for file, locs := range byFile {
		f, err := os.Open(file)
		if err != nil {
			continue
		}
		for _, e := range locs {
			if cert := readRootAt(f, e); cert != nil {
				pool.AddCert(cert)
				entries[e.SHA256] = e
				n++
			}
		}
		f.Close()
	}
	m.mu.Lock()
	m.entries = entries
	m.mu.Unlock()
	if n > 0 {
		m.subset = pool
	}
}

// readRootAt parses the root e names in f, when the PEM block there is a
// certificate with the DER e remembers; nil otherwise.
func readRootAt(f *os.File, e rootLocation) *x509.Certificate {
	if e.Offset < 0 || e.Length <= 0 || e.Length > maxRootText {
		return nil
	}
	text := make([]byte, e.Length)
	if _, err := f.ReadAt(text, e.Offset); err != nil {
		return nil
	}
	der := certificateDER(text)
	if der == nil || rootSum(der) != e.SHA256 {
		return nil
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil
	}
	return cert
}

// readRootsFile returns the places the file holds; nil when there is no
// file or it cannot be trusted.
func readRootsFile(path string) []rootLocation {
	var doc rootsDoc
	if !readStateJSON(path, maxRootsFile, &doc) {
		return nil
	}
	return doc.Roots
}

// saw notes the roots that end chains a server's certificate was verified
// by; those not remembered are written down at the next flush.
func (m *rootsMemory) saw(chains [][]*x509.Certificate) {
	if m == nil || len(chains) == 0 {
		return
	}
	m.loadOnce.Do(m.load)
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, root := range verifiedRoots(chains) {
		if m.known[root] {
			continue
		}
		m.known[root] = true
		if _, ok := m.entries[rootSum(root.Raw)]; !ok {
			m.pending = append(m.pending, root)
		}
	}
}

// flush writes down the roots that verified a server and were not
// remembered yet, with where each lies (locateRoot), merged with what
// another process wrote meanwhile. A failure to write is not retried: the
// next process reads every root and learns again.
func (m *rootsMemory) flush() {
	if m == nil {
		return
	}
	m.mu.Lock()
	roots := m.pending
	m.pending = nil
	m.mu.Unlock()
	if len(roots) == 0 {
		return
	}
	m.saveMu.Lock()
	defer m.saveMu.Unlock()
	var found []rootLocation
	for _, root := range roots {
		if loc, ok := locateRoot(root.Raw); ok {
			found = append(found, loc)
		}
	}
	m.mu.Lock()
	added := 0
	for _, loc := range found {
		if _, had := m.entries[loc.SHA256]; !had && len(m.entries) < maxRememberedRoots {
			m.entries[loc.SHA256] = loc
			added++
		}
	}
	mine := maps.Clone(m.entries)
	m.mu.Unlock()
	if added == 0 {
		return
	}
	all := map[string]rootLocation{}
	for _, e := range readRootsFile(m.path) {
		all[e.SHA256] = e
	}
	maps.Copy(all, mine)
	doc := rootsDoc{Note: rootsNote}
	for _, e := range all {
		doc.Roots = append(doc.Roots, e)
	}
	slices.SortFunc(doc.Roots, func(a, b rootLocation) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Offset, b.Offset))
	})
	if len(doc.Roots) > maxRememberedRoots {
		doc.Roots = doc.Roots[:maxRememberedRoots]
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err == nil {
		err = writeStateJSON(m.path, b)
	}
	if err == nil {
		m.mu.Lock()
		m.writes++
		m.mu.Unlock()
	}
}
