package setup

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
)

// ErrExists is returned by Write when a config is already there and
// overwriting was not asked for.
var ErrExists = errors.New("a config file is already there")

// Write puts a config at path, readable by its owner only (0600), its
// directory created 0700 when missing, atomically: a reader sees the old
// file or the new one. An existing file is kept unless force is set; then
// it is first kept as a backup beside it, whose path is returned.
func Write(path string, data []byte, force bool, now time.Time) (backup string, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("config directory: %w", err)
	}
	switch info, err := os.Lstat(path); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", fmt.Errorf("config %s: %w", path, err)
	case !info.Mode().IsRegular():
		return "", fmt.Errorf("config %s exists and is not a regular file; init leaves it alone", path)
	case !force:
		return "", fmt.Errorf("%s: %w; init never overwrites one: edit it, or run init --force, which keeps the old one as a backup", path, ErrExists)
	default:
		if backup, err = keepBackup(path, now); err != nil {
			return "", err
		}
	}
	if err := atomicfile.Write(path, atomicfile.Options{Perm: 0o600, Sync: true}, data); err != nil {
		return backup, fmt.Errorf("write config: %w", err)
	}
	return backup, nil
}

// keepBackup copies the file at path beside it, stamped with the time and
// readable by its owner only, since the old file may hold literal keys.
func keepBackup(path string, now time.Time) (string, error) {
	backup := path + "." + now.UTC().Format("20060102T150405Z") + ".bak"
	src, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("back up the old config: %w", err)
	}
	defer src.Close()
	dst, err := os.OpenFile(backup, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("back up the old config: %w", err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		os.Remove(backup)
		return "", fmt.Errorf("back up the old config: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(backup)
		return "", fmt.Errorf("back up the old config: %w", err)
	}
	return backup, nil
}
