package history

import (
	"fmt"

	"github.com/vendorwatch/vendorwatch/internal/zstdpack"
)

// The state rows (the stored report, its seed, the memory, the baseline
// and the observations) are JSON, and the report is most of what a check
// writes: every vendor's status page, 0.57 MB at 200 vendors and 14 MB
// at 5,000, written to the database's log and again at its checkpoint.
// A row larger than packAbove is stored as one zstd frame instead (a
// fifth to a tenth of it on real pages, a sixteenth on the benchmark's),
// which costs far less than SQLite spends on the pages it saves. Smaller
// rows stay JSON, readable with the sqlite3 shell. Schema 8 marks a
// database whose rows may be packed, so an older vendorwatch asks to be
// upgraded instead of calling them damaged.
const packAbove = 4 << 10

// packable is a state row that exec redacts and then packs: the redactor
// must read the JSON, which it cannot once the row is compressed.
type packable []byte

// packState is the stored form of a state row: v as text when it is
// small, else v compressed into one zstd frame, a blob.
func packState(v []byte) any {
	if len(v) <= packAbove {
		return string(v)
	}
	return zstdpack.Append(make([]byte, 0, len(v)/8), v)
}

// unpackState is the JSON of a stored state row, whichever form it was
// stored in.
func unpackState(stored []byte) ([]byte, error) {
	if !zstdpack.Is(stored) {
		return stored, nil
	}
	return zstdpack.Unpack(nil, stored)
}

// unpack is unpackState for the stored row name, with the store's error.
func (s *Store) unpack(name string, stored []byte) ([]byte, error) {
	v, err := unpackState(stored)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: the stored %s is damaged (%v); the file was left as it is", ErrCorrupt, s.path, name, err)
	}
	return v, nil
}
