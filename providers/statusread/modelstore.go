package statusread

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/observe"
)

// ModelsDir is the model store's directory in the state dir.
const ModelsDir = "models"

// Limits of the model store: files unused for modelMaxAge go, and the
// store is pruned, oldest first, to modelBudget bytes and modelMaxEntries
// files. A model is rewritten only when its document changes, so one that
// has not changed for a month is parsed once more and written again.
const (
	modelBudget     = 64 << 20
	modelMaxEntries = 20000
	modelMaxAge     = 30 * 24 * time.Hour
)

// modelMagic opens every model file.
var modelMagic = []byte("vwmodel\x00")

// modelStore keeps, in the state dir, what each status document read to,
// so the next process (the next --once, the tmux refresh) that gets the
// same document back (a 304, or the same bytes) reads the model instead of
// parsing the document again. It is parseMemo across processes.
//
// There is one small file per source and reader settings (format,
// selector, components kept), named by them; it holds the document's
// memoKey (its checksums among them), the build of vendorwatch that wrote
// it, and the model in the binary form of modelcodec.go, under a CRC. A
// file is written only when its document was parsed, so a check in which
// nothing changed writes nothing here. A file that is damaged, belongs to
// another document or was written by another build is not used: the
// document is parsed, as if the store were empty, and the file replaced.
//
// Models are stored as parsed, before anything is read against the
// clock: stale feed items are dropped and maintenances settled on each
// check's own time, after the model is loaded.
type modelStore struct {
	dir string
	// build identifies the program that writes and reads the store;
	// empty disables the store (the build cannot be told).
	build string
	// budget and maxEntries bound the store (modelBudget,
	// modelMaxEntries; tests shrink them).
	budget     int64
	maxEntries int

	mu       sync.Mutex
	prunedAt time.Time
}

// newModelStore returns the store in dir, or nil when dir is "" or the
// build cannot be identified.
func newModelStore(dir string) *modelStore {
	b := buildIdentity()
	if dir == "" || b == "" {
		return nil
	}
	return &modelStore{dir: dir, build: b, budget: modelBudget, maxEntries: modelMaxEntries}
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

// fileName is where the model of a source read with the given settings
// lives.
func (s *modelStore) fileName(source string) string {
	sum := sha256.Sum256([]byte(source))
	return filepath.Join(s.dir, hex.EncodeToString(sum[:16]))
}

// load returns the stored model of source when it was read from the
// document key identifies, by this build; else nil.
func (s *modelStore) load(source, key string) *observe.Status {
	if s == nil || key == "" {
		return nil
	}
	b, err := os.ReadFile(s.fileName(source))
	if err != nil {
		return nil
	}
	st, err := s.decode(b, key)
	if err != nil {
		return nil
	}
	return st
}

// decode checks a stored file and returns its model: errors say why it
// cannot be used (damaged, another document or build).
func (s *modelStore) decode(b []byte, key string) (*observe.Status, error) {
	if len(b) < len(modelMagic)+4 || !bytes.HasPrefix(b, modelMagic) {
		return nil, errors.New("not a model file")
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, errors.New("model file damaged")
	}
	d := &modelDecoder{b: body[len(modelMagic):]}
	build, k := d.str(), d.str()
	switch {
	case d.err != nil:
		return nil, d.err
	case build != s.build:
		return nil, errors.New("written by another build")
	case k != key:
		return nil, errors.New("another document")
	}
	return decodeModel(d.b)
}

// encode is the file that stores st as what the document key identifies
// read to.
func (s *modelStore) encode(key string, st *observe.Status) []byte {
	e := modelEncoder{b: append(make([]byte, 0, 4096), modelMagic...)}
	e.str(s.build)
	e.str(key)
	b := encodeModel(e.b, st)
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// store keeps st as what source's document key read to. A failure to
// write is not an error for the check: the next process parses again.
func (s *modelStore) store(source, key string, st *observe.Status) {
	if s == nil || key == "" {
		return
	}
	s.prune()
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return
	}
	_ = atomicfile.Write(s.fileName(source), atomicfile.Options{}, s.encode(key, st))
}

// prunedFile's time is when the store was last pruned, by any process.
const prunedFile = ".pruned"

// prune keeps the store within its limits, before a write, at most hourly
// across processes (a --once a minute that stores one changed model does
// not list the whole store each time): models unused for modelMaxAge go,
// and temporary files a crash left, then the oldest until the store is
// within its budget.
func (s *modelStore) prune() {
	now := time.Now()
	s.mu.Lock()
	due := now.Sub(s.prunedAt) >= time.Hour
	if due {
		s.prunedAt = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	marker := filepath.Join(s.dir, prunedFile)
	if fi, err := os.Stat(marker); err == nil && now.Sub(fi.ModTime()) < time.Hour && !fi.ModTime().After(now) {
		return
	}
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	if f, err := os.Create(marker); err == nil {
		f.Close()
	}
	type file struct {
		name string
		size int64
		mod  time.Time
	}
	var files []file
	var total int64
	for _, de := range ents {
		info, err := de.Info()
		if err != nil || !info.Mode().IsRegular() || de.Name() == prunedFile {
			continue
		}
		name := filepath.Join(s.dir, de.Name())
		age := now.Sub(info.ModTime())
		if age > modelMaxAge || (atomicfile.IsTemp(de.Name()) && age > time.Hour) {
			os.Remove(name)
			continue
		}
		files = append(files, file{name, info.Size(), info.ModTime()})
		total += info.Size()
	}
	if total <= s.budget && len(files) <= s.maxEntries {
		return
	}
	slices.SortFunc(files, func(a, b file) int { return a.mod.Compare(b.mod) })
	n := len(files)
	for _, f := range files {
		if total <= s.budget*3/4 && n <= s.maxEntries*3/4 {
			break
		}
		if os.Remove(f.name) == nil {
			total -= f.size
			n--
		}
	}
}
