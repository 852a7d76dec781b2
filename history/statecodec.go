package history

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// The state rows (the stored report, its seed, the memory, the baseline
// and the observations) are JSON, and the report is most of what a check
// writes: every vendor's status page, 0.57 MB at 200 vendors and 14 MB
// at 5,000, written to the database's log and again at its checkpoint.
// A row larger than packAbove is stored as one zstd frame instead, about
// a sixteenth of its size, which costs half a millisecond a megabyte to
// write and a tenth of that to read: far less than SQLite spends on the
// pages it saves. Smaller rows stay JSON, readable with the sqlite3
// shell. Schema 8 marks a database whose rows may be packed, so an older
// vendorwatch asks to be upgraded instead of calling them damaged.
const packAbove = 4 << 10

// zstdMagic opens every zstd frame; no JSON text starts with it.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// maxStateRow bounds what a packed row may expand to, so a damaged
// frame cannot claim memory it would never fill.
const maxStateRow = 1 << 30

// packable is a state row that exec redacts and then packs: the redactor
// must read the JSON, which it cannot once the row is compressed.
type packable []byte

// The encoder and decoder are made on the first row that needs them (a
// --once whose rows are small never does) and shared: their EncodeAll and
// DecodeAll may run concurrently.
var (
	stateEncoder = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
		if err != nil {
			panic(fmt.Sprintf("history: the zstd encoder refused its fixed options: %v", err))
		}
		return e
	})
	stateDecoder = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxMemory(maxStateRow))
		if err != nil {
			panic(fmt.Sprintf("history: the zstd decoder refused its fixed options: %v", err))
		}
		return d
	})
)

// packState is the stored form of a state row: v as text when it is
// small, else v compressed into one zstd frame, a blob.
func packState(v []byte) any {
	if len(v) <= packAbove {
		return string(v)
	}
	return stateEncoder().EncodeAll(v, make([]byte, 0, len(v)/8))
}

// unpackState is the JSON of a stored state row, whichever form it was
// stored in.
func unpackState(stored []byte) ([]byte, error) {
	if !bytes.HasPrefix(stored, zstdMagic) {
		return stored, nil
	}
	v, err := stateDecoder().DecodeAll(stored, nil)
	if err != nil {
		return nil, fmt.Errorf("its zstd frame does not decompress: %w", err)
	}
	return v, nil
}

// unpack is unpackState for the stored row name, with the store's error.
func (s *Store) unpack(name string, stored []byte) ([]byte, error) {
	v, err := unpackState(stored)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: the stored %s is damaged (%v); the file was left as it is", ErrCorrupt, s.path, name, err)
	}
	return v, nil
}
