package history

import (
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
)

// CheckedFile, in the state dir, describes the database as Open last
// checked it and found it sound: the size, modification time and first
// bytes of the database and of its write-ahead log.
const CheckedFile = "history.checked"

// checkedFor is how long Open trusts a check of files that have not
// changed since: a day, so a process that runs every minute over a
// database nothing writes to (a quiet round writes nothing) reads the
// whole file once a day instead of every minute, and damage that no
// write made (the disk's) is still found within a day, as well as by
// any read that meets it.
const checkedFor = 24 * time.Hour

// headBytes is how much of the database and of its log the stamp sums:
// the database's header (its change counter, page count and schema
// cookie) and the log's header (its checkpoint sequence and salts, new
// at every reset of the log) with its first frame's.
const headBytes = 128

// fileStamp is what Open compares of one file. A missing file has the
// zero stamp.
type fileStamp struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
	Head    uint32 `json:"head_crc32"`
}

// checkStamp is the content of CheckedFile.
type checkStamp struct {
	// Scope is which check passed: scopeAll, or scopeButEvents for a
	// database above openCheckMax.
	Scope string    `json:"scope"`
	At    time.Time `json:"at"`
	DB    fileStamp `json:"db"`
	WAL   fileStamp `json:"wal"`
}

// stampFile describes one file, or returns the zero stamp when it does
// not exist or is empty (SQLite creates the log empty when it opens the
// database, and holds nothing in it). Any other error is returned: a
// file that cannot be read is never taken for one that was checked.
func stampFile(path string) (fileStamp, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileStamp{}, nil
	}
	if err != nil {
		return fileStamp{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fileStamp{}, err
	}
	if fi.Size() == 0 {
		return fileStamp{}, nil
	}
	head := make([]byte, headBytes)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fileStamp{}, err
	}
	return fileStamp{Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), Head: crc32.ChecksumIEEE(head[:n])}, nil
}

// The scopes of the check at open: the whole database, or every table
// but the events of one above openCheckMax.
const (
	scopeAll       = "all"
	scopeButEvents = "all but events"
)

// stamp describes the database and its log as they are now, with the
// scope of the check their size asks for (scopeAll when the database
// cannot be read: the check then says why).
func (s *Store) stamp() (checkStamp, error) {
	st := checkStamp{Scope: scopeAll, At: time.Now().UTC()}
	db, err := stampFile(s.path)
	if err != nil {
		return st, err
	}
	wal, err := stampFile(s.path + "-wal")
	if err != nil {
		return st, err
	}
	if db.Size > openCheckMax {
		st.Scope = scopeButEvents
	}
	st.DB, st.WAL = db, wal
	return st, nil
}

// checkedAlready reports whether the database and its log are exactly
// the files that passed the same check within checkedFor, so Open need
// not read them again. Anything unreadable or different says no.
func (s *Store) checkedAlready(now checkStamp) bool {
	b, err := os.ReadFile(filepath.Join(s.dir, CheckedFile))
	if err != nil {
		return false
	}
	var last checkStamp
	if json.Unmarshal(b, &last) != nil {
		return false
	}
	age := now.At.Sub(last.At)
	return last.Scope == now.Scope && age >= 0 && age < checkedFor && last.DB == now.DB && last.WAL == now.WAL && now.DB.Size > 0
}

// rememberCheck writes the stamp of files that passed a check. A stamp
// that cannot be written costs the next Open a check, nothing else.
func (s *Store) rememberCheck(st checkStamp) {
	b, err := json.Marshal(st)
	if err != nil {
		return
	}
	_ = atomicfile.Write(filepath.Join(s.dir, CheckedFile), atomicfile.Options{}, b, []byte("\n"))
}

// forgetCheck removes the stamp, so the next Open checks the database
// whole: after a check that found damage, or a read that met it.
func (s *Store) forgetCheck() {
	os.Remove(filepath.Join(s.dir, CheckedFile))
}
