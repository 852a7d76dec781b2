package statusread

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// detectedFile is the memo's file name in the state dir.
const detectedFile = "detected.json"

// detection is what autodetection found for a configured URL: the URL that
// answered and its format.
type detection struct {
	URL    string            `json:"url"`
	Format statuspage.Format `json:"format"`
	At     time.Time         `json:"at"`
}

// detectMemo remembers detections, in memory and, when it has a path, in a
// small JSON file in the state dir, so the next process skips the search.
// A missing, unreadable or corrupt file is an empty memo: detection only
// costs a few requests, so nothing is lost.
type detectMemo struct {
	path string // "" keeps the memo in memory only

	mu     sync.Mutex
	loaded bool
	m      map[string]detection
}

func newDetectMemo(path string) *detectMemo {
	return &detectMemo{path: path, m: map[string]detection{}}
}

func (d *detectMemo) load() {
	if d.loaded {
		return
	}
	d.loaded = true
	if d.path == "" {
		return
	}
	b, err := os.ReadFile(d.path)
	if err != nil {
		return
	}
	var doc struct {
		Sources map[string]detection `json:"sources"`
	}
	if json.Unmarshal(b, &doc) != nil {
		return
	}
	for k, v := range doc.Sources {
		if _, err := statuspage.ParseFormat(string(v.Format)); err == nil && v.Format != statuspage.Auto && v.URL != "" {
			d.m[k] = v
		}
	}
}

// get returns the detection remembered for a configured URL.
func (d *detectMemo) get(url string) (detection, bool) {
	if d == nil {
		return detection{}, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.load()
	v, ok := d.m[url]
	return v, ok
}

// put remembers a detection and saves the memo; a failure to save is
// returned for logging, the memo in memory is updated regardless.
func (d *detectMemo) put(url string, v detection) error {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.load()
	if old, ok := d.m[url]; ok && old.URL == v.URL && old.Format == v.Format {
		return nil
	}
	d.m[url] = v
	return d.save()
}

// forget drops a detection that stopped working (the vendor moved).
func (d *detectMemo) forget(url string) error {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.load()
	if _, ok := d.m[url]; !ok {
		return nil
	}
	delete(d.m, url)
	return d.save()
}

// save writes the memo atomically: a temporary file renamed over the old
// one, so a crash never leaves half a file.
func (d *detectMemo) save() error {
	if d.path == "" {
		return nil
	}
	b, err := json.MarshalIndent(struct {
		Note    string               `json:"note"`
		Sources map[string]detection `json:"sources"`
	}{"status formats vendorwatch detected; delete this file to detect again", d.m}, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(d.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("state dir: %w", err)
	}
	if err := atomicfile.Write(d.path, atomicfile.Options{}, b, []byte{'\n'}); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("state dir %s is not writable: %w", dir, err)
		}
		return fmt.Errorf("state dir: %w", err)
	}
	return nil
}
