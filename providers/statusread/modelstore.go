package statusread

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/observe"
)

// ModelsFile is the model store's file in the state dir.
const ModelsFile = "models.bin"

// Limits of the model store. A model not read for modelMaxAge is dropped
// when the file is next rewritten; the file is rewritten, without the
// models that were replaced since, once those outweigh the live ones by
// more than modelSlack. A model larger than maxStoredModel is not stored.
const (
	modelMaxAge    = 30 * 24 * time.Hour
	modelSlack     = 256 << 10
	maxStoredModel = 8 << 20
	maxModelsFile  = 256 << 20
	// A store that is never idle (reads that always overlap) still
	// writes its models once this many bytes, or this old, are pending.
	maxPending    = 8 << 20
	maxPendingFor = time.Minute
)

// recordMagic opens every record of the file, so a reader can tell a
// record from damage.
var recordMagic = [2]byte{'v', 'm'}

// modelStore keeps, in the state dir, what each status document read to,
// so the next process (the next --once, the tmux refresh) that gets the
// same document back (a 304, or the same bytes) reads the model instead of
// parsing the document again. It is parseMemo across processes.
//
// The store is one file of records, each the model of one source as read
// with the reader's settings (format, selector, components kept), with
// the memoKey of the document it was read from (its checksums among
// them), the build of vendorwatch that wrote it and when, under a CRC.
// Models are in the binary form of modelcodec.go. A process reads the file
// once, on its first load, and keeps the newest record of each source; it
// appends the models it parsed in one write when a round of reads ends
// (flush), so a cold check writes the file once and a check in which
// nothing changed writes nothing. When replaced records outweigh the live
// ones, or the file is damaged, the next flush rewrites it whole.
//
// A record that is damaged, belongs to another document or was written by
// another build is not used: the document is parsed, as with an empty
// store. Models are stored as parsed, before anything is read against the
// clock: stale feed items are dropped and maintenances settled on each
// check's own time, after the model is loaded.
type modelStore struct {
	path string
	// build identifies the program that writes and reads the store.
	build [8]byte
	// now is the store's clock (time.Now), for the records' ages.
	now func() time.Time

	mu     sync.Mutex
	opened bool
	// records are the newest record of each source in the file as read
	// on first use, and as written since, by sourceID.
	records map[[16]byte]record
	// garbage counts the bytes of records that are replaced, of another
	// build, or damaged; rewrite says the next flush rewrites the file.
	garbage, live int
	rewrite       bool
	// pending are the records stored since the last flush, in order,
	// pendingBytes their size and pendingSince when the first came.
	pending      []pendingRecord
	pendingBytes int
	pendingSince time.Time
	// settled says the process has resolved its keys (Reader.Settle):
	// until then nothing is written, because the redactor cannot yet
	// blank a key a vendor's page echoes.
	settled bool
}

// record is one source's model as stored: the body of its record.
type record struct {
	body    []byte // build, source, written, key, model
	written int64  // Unix seconds
	used    bool   // loaded by this process
}

// pendingRecord is a record not yet written: its body holds the model's
// texts as read, which stay in memory; they pass the redactor when the
// record is written (sealed).
type pendingRecord struct {
	source [16]byte
	head   int // the bytes of body before the model: build, source, written, key
	body   []byte
}

// newModelStore returns the store at path, or nil when path is "" or the
// build cannot be identified.
func newModelStore(path string) *modelStore {
	b := buildIdentity()
	if path == "" || b == "" {
		return nil
	}
	s := &modelStore{path: path, now: time.Now}
	sum := sha256.Sum256([]byte(b))
	copy(s.build[:], sum[:])
	return s
}

// buildIdentity names this build of the program: its module version and
// VCS revision, and its executable's size and time, so a rebuilt binary
// (a parser changed, a release installed) never reads models another
// build wrote.
var buildIdentity = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "codec %d; exe %d %d", codecVersion, fi.Size(), fi.ModTime().UnixNano())
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(&b, "; %s %s %s", bi.GoVersion, bi.Main.Path, bi.Main.Version)
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				fmt.Fprintf(&b, " %s=%s", s.Key, s.Value)
			}
		}
	}
	return b.String()
})

// sourceID is the short name of a source (sourceKey) in the file.
func sourceID(source string) [16]byte {
	sum := sha256.Sum256([]byte(source))
	return [16]byte(sum[:16])
}

// open reads the file on first use. s.mu is held.
func (s *modelStore) open() {
	if s.opened {
		return
	}
	s.opened = true
	s.records = map[[16]byte]record{}
	fi, err := os.Stat(s.path)
	if err != nil {
		return
	}
	if fi.Size() > maxModelsFile {
		s.rewrite = true
		return
	}
	b, err := os.ReadFile(s.path)
	if err != nil {
		return
	}
	for len(b) > 0 {
		var framed []byte
		var n int
		if isSegment(b) {
			framed, n, err = nextSegment(b)
		} else {
			// A record outside a segment, as written before segments.
			n, err = s.take(b)
		}
		if err != nil {
			// Damage, or a segment another process is still writing:
			// what follows cannot be trusted to be framed right.
			s.garbage += len(b)
			s.rewrite = true
			break
		}
		b = b[n:]
		if framed != nil && !s.readRecords(framed) {
			s.rewrite = true
		}
	}
	if s.garbage > s.live+modelSlack {
		s.rewrite = true
	}
}

// next reads the record at the start of b: its source, its body (nil when
// another build wrote it) and its length in the file.
func (s *modelStore) next(b []byte) (src [16]byte, body []byte, n int, err error) {
	if len(b) < 2 || b[0] != recordMagic[0] || b[1] != recordMagic[1] {
		return src, nil, 0, errors.New("no record")
	}
	size, k := binary.Uvarint(b[2:])
	if k <= 0 || size < 8+16 || size > maxStoredModel {
		return src, nil, 0, errTruncated
	}
	if avail := len(b) - 2 - k - 4; avail < 0 || uint64(avail) < size {
		return src, nil, 0, errTruncated
	}
	start := 2 + k
	body = b[start : start+int(size)]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(b[start+int(size):]) {
		return src, nil, 0, errors.New("record damaged")
	}
	n = start + int(size) + 4
	copy(src[:], body[8:])
	if [8]byte(body[:8]) != s.build {
		return src, nil, n, nil
	}
	return src, body, n, nil
}

// load returns the stored model of source when it was read from the
// document key identifies, by this build; else nil.
func (s *modelStore) load(source, key string) *observe.Status {
	if s == nil || key == "" {
		return nil
	}
	id := sourceID(source)
	s.mu.Lock()
	s.open()
	r, ok := s.records[id]
	if ok {
		r.used = true
		s.records[id] = r
	}
	s.mu.Unlock()
	if !ok {
		return nil
	}
	k, model := recordKey(r.body)
	if k != key {
		return nil
	}
	st, err := decodeModel(model)
	if err != nil {
		return nil
	}
	return st
}

// has reports whether a model of source read from the document key
// identifies is at hand, without decoding it: a record of this build in
// the file (what load finds), or one this process stored and has not yet
// written (its model is in the process's memo too).
func (s *modelStore) has(source, key string) bool {
	if s == nil || key == "" {
		return false
	}
	id := sourceID(source)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range slices.Backward(s.pending) {
		if p.source == id {
			k, _ := recordKey(p.body)
			return k == key
		}
	}
	s.open()
	r, ok := s.records[id]
	if !ok {
		return false
	}
	k, _ := recordKey(r.body)
	return k == key
}

// recordKey is the document key a record's body names ("" when it cannot
// be read), and the model's bytes after it.
func recordKey(body []byte) (key string, model []byte) {
	d := &modelDecoder{b: body[8+16:]}
	d.int() // written
	if k := d.str(); d.err == nil {
		return k, d.b
	}
	return "", nil
}

// store keeps st as what source's document key read to, in the file at
// the next flush, and reports whether it will be written: a model too
// large, or a store without a file, keeps nothing.
func (s *modelStore) store(source, key string, st *observe.Status) bool {
	if s == nil || key == "" {
		return false
	}
	id := sourceID(source)
	e := modelEncoder{b: scratch.get()}
	e.b = append(e.b, s.build[:]...)
	e.b = append(e.b, id[:]...)
	e.int(s.now().Unix())
	e.raw(key)
	head := len(e.b)
	e.model(st)
	if len(e.b) > maxStoredModel {
		scratch.put(e.b)
		return false
	}
	body := bytes.Clone(e.b)
	scratch.put(e.b)
	now := s.now()
	s.mu.Lock()
	if len(s.pending) == 0 {
		s.pendingSince = now
	}
	s.pending = append(s.pending, pendingRecord{source: id, head: head, body: body})
	s.pendingBytes += len(body)
	due := s.settled && (s.pendingBytes >= maxPending || now.Sub(s.pendingSince) >= maxPendingFor)
	s.mu.Unlock()
	if due {
		s.flush()
	}
	return true
}

// index makes body the newest record of src. s.mu is held.
func (s *modelStore) index(src [16]byte, body []byte, used bool) {
	if old, ok := s.records[src]; ok {
		s.garbage += len(old.body)
		s.live -= len(old.body)
	}
	d := &modelDecoder{b: body[8+16:]}
	s.records[src] = record{body: body, written: d.int(), used: used}
	s.live += len(body)
}

// frameOverhead is the most a record's frame adds to its body: magic,
// length and CRC.
const frameOverhead = 2 + binary.MaxVarintLen64 + 4

// appendFrame appends a record's bytes in the file to out: magic, length,
// body, CRC. The records of a flush go into one buffer of their size
// (framedSize): at 5,000 sources, a frame each and a buffer grown by
// doubling allocated five times the file.
func appendFrame(out, body []byte) []byte {
	out = append(out, recordMagic[:]...)
	out = binary.AppendUvarint(out, uint64(len(body)))
	out = append(out, body...)
	return binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(body))
}

// framedSize is at least the bytes of records framed.
func framedSize(records []pendingRecord) int {
	n := 0
	for _, p := range records {
		n += len(p.body) + frameOverhead
	}
	return n
}

// flush writes the records stored since the last flush: appended in one
// write, or, when the file needs it, with the file rewritten whole. A
// failure to write is not an error for the check: the next process
// parses again.
func (s *modelStore) flush() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 || !s.settled {
		return
	}
	pending := s.pending
	s.pending, s.pendingBytes = nil, 0
	sealed := pending[:0]
	for _, p := range pending {
		if p.seal(); p.body != nil {
			sealed = append(sealed, p)
		}
	}
	pending = sealed
	s.open()
	if s.rewrite {
		s.rewriteFile(pending)
		return
	}
	framed := make([]byte, 0, framedSize(pending))
	for _, p := range pending {
		framed = appendFrame(framed, p.body)
	}
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	_, err = f.Write(appendSegment(nil, framed))
	if errors.Join(err, f.Close()) != nil {
		return
	}
	for _, p := range pending {
		s.index(p.source, p.body, true)
	}
	s.rewrite = s.garbage > s.live+modelSlack
}

// rewriteFile replaces the file with the newest record of each source
// that is still wanted (read by this process, or written within
// modelMaxAge), then pending. s.mu is held.
func (s *modelStore) rewriteFile(pending []pendingRecord) {
	replaced := map[[16]byte]bool{}
	for _, p := range pending {
		replaced[p.source] = true
	}
	cutoff := s.now().Add(-modelMaxAge).Unix()
	kept := map[[16]byte]record{}
	size := framedSize(pending)
	for id, r := range s.records {
		if replaced[id] || (!r.used && r.written < cutoff) {
			continue
		}
		kept[id] = r
		size += len(r.body) + frameOverhead
	}
	framed := make([]byte, 0, size)
	for _, r := range kept {
		framed = appendFrame(framed, r.body)
	}
	for _, p := range pending {
		framed = appendFrame(framed, p.body)
	}
	// Every record passed the redactor when it was first written (seal);
	// compressed, the segment could not be read by it.
	if atomicfile.Write(s.path, atomicfile.Options{Redacted: true}, appendSegment(nil, framed)) != nil {
		return
	}
	s.records = kept
	s.garbage, s.live, s.rewrite = 0, 0, false
	for _, r := range kept {
		s.live += len(r.body)
	}
	for _, p := range pending {
		s.index(p.source, p.body, true)
	}
}

// settle lets the store write: the process's keys are resolved, so the
// redactor knows them. What was stored before is written now.
func (s *modelStore) settle() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.settled = true
	s.mu.Unlock()
	s.flush()
}

// seal passes every text of the record's model through the redactor, as
// on every other way out of the process: a vendor that echoes a key in
// its status page must not put it in the state dir. The model is read
// back and written again with its texts cleaned (a cleaned text may
// differ in length, so the bytes cannot be redacted in place).
func (p *pendingRecord) seal() {
	if !redact.Active() {
		return
	}
	st, err := decodeModel(p.body[p.head:])
	if err != nil {
		p.body = nil
		return
	}
	e := modelEncoder{b: append(scratch.get(), p.body[:p.head]...), clean: redact.String}
	p.body = bytes.Clone(e.model(st))
	scratch.put(e.b)
}

// scratch holds the buffers models are encoded into before they are
// copied out at their size: a buffer grown by doubling from a few
// kilobytes allocated three times what a cold check of 5,000 vendors
// stores (64 MB for 11). A buffer grown past maxScratch is let go.
var scratch scratchPool

const maxScratch = 1 << 20

type scratchPool struct{ pool sync.Pool }

func (p *scratchPool) get() []byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, 16<<10)
}

func (p *scratchPool) put(b []byte) {
	if cap(b) <= maxScratch {
		p.pool.Put(&b)
	}
}
