package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/redact"
)

func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snapshot.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, Options{Perm: 0o644, Sync: true}, []byte("new "), []byte("data")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new data" {
		t.Fatalf("file holds %q (%v), want %q", got, err, "new data")
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want only the written one", len(entries))
	}
}

func TestWriteDefaultsToPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key")
	if err := Write(path, Options{}, []byte("k")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
}

func TestWriteFailureKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "taken")
	// A directory in the way: the rename fails, and nothing is left behind.
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "inside"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := Write(path, Options{}, []byte("x"))
	if err == nil {
		t.Fatal("Write over a non-empty directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if IsTemp(e.Name()) {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if err := Write(filepath.Join(dir, "missing", "file"), Options{}, []byte("x")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Write into a missing directory: %v, want fs.ErrNotExist", err)
	}
}

func TestIsTemp(t *testing.T) {
	for name, want := range map[string]bool{".snapshot.json.123.tmp": true, "snapshot.json": false, ".tmp": false, "a.tmp": false} {
		if IsTemp(name) != want {
			t.Errorf("IsTemp(%q) = %v", name, !want)
		}
	}
}

// A file written here is redacted: no registered secret reaches the disk,
// even across two parts; a file meant to hold a secret is written as is.
func TestWriteRedacts(t *testing.T) {
	const key = "sk-proj-AtomicFileTestKeyNotReal0123456789abcdefZz9Q"
	redact.Register(key)
	dir := t.TempDir()
	path := filepath.Join(dir, "snapshot.json")
	if err := Write(path, Options{}, []byte(`{"message":"key `+key[:30]), []byte(key[30:]+`"}`)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"message":"key [redacted]"}` {
		t.Errorf("wrote %q", b)
	}
	keyFile := filepath.Join(dir, "key")
	if err := Write(keyFile, Options{Secret: true}, []byte(key+"\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(keyFile); string(b) != key+"\n" {
		t.Errorf("a secret file was changed: %q", b)
	}
}
