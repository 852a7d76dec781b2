// Package atomicfile replaces files so that a reader sees the old file or
// the new one, never a torn one: the data goes to a temporary file in the
// same directory, which is then renamed over the old. It is the one place
// vendorwatch writes a file that another process may read at any moment
// (the snapshot, the status line's digest, the HTTP cache, the demo's key
// file).
package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// Options tune Write.
type Options struct {
	// Perm is the new file's mode; zero means 0o600, readable by its owner
	// only.
	Perm fs.FileMode
	// Sync flushes the data to disk before the rename, so a crash leaves
	// the old file or the whole new one. Without it a crash may leave an
	// empty file, which is cheaper and fine for caches.
	Sync bool
	// Secret says the file is meant to hold a secret (the demo's key
	// file, its secret manager): it is written as given. Every other file
	// has every registered secret blanked first.
	Secret bool
	// Redacted says each part has passed the redactor on its own and is
	// written as given, not joined into one text first: the parts are
	// separate documents (the HTTP cache's pack), so no secret can span
	// two of them, and joining would hold a second copy of them all.
	Redacted bool
}

// Write replaces path with parts written one after another. The directory
// must exist. On failure the old file is left as it was and the temporary
// file is removed.
func Write(path string, o Options, parts ...[]byte) error {
	if !o.Secret && !o.Redacted && redact.Active() {
		// One text, so that a secret across two parts is seen whole.
		parts = [][]byte{redact.Bytes(bytes.Join(parts, nil))}
	}
	perm := o.Perm
	if perm == 0 {
		perm = 0o600
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	for _, p := range parts {
		if err == nil {
			_, err = f.Write(p)
		}
	}
	if o.Sync && err == nil {
		err = f.Sync()
	}
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// IsTemp reports whether name is a temporary file Write leaves behind when
// the process dies between creating and renaming it, so that whoever owns
// the directory can clean up.
func IsTemp(name string) bool {
	return len(name) > len(".x..tmp") && name[0] == '.' && filepath.Ext(name) == ".tmp"
}
