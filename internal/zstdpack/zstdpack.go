// Package zstdpack compresses the state dir's largest records (history's
// state rows, the status models' file) into zstd frames, at the encoder's
// fastest level: about half a millisecond a megabyte to pack and a tenth
// of that to unpack, against the disk writes of every byte it saves.
package zstdpack

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Magic opens every zstd frame. No JSON text starts with it.
var Magic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// The encoder and decoder are made on first use (a process whose records
// are small never needs them) and shared: EncodeAll and DecodeAll may run
// concurrently.
var (
	encoder = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
		if err != nil {
			panic(fmt.Sprintf("zstdpack: the encoder refused its fixed options: %v", err))
		}
		return e
	})
	decoder = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxMemory(MaxUnpacked))
		if err != nil {
			panic(fmt.Sprintf("zstdpack: the decoder refused its fixed options: %v", err))
		}
		return d
	})
)

// MaxUnpacked bounds what a frame may expand to, so a damaged frame cannot
// claim memory it would never fill.
const MaxUnpacked = 1 << 30

// Append appends src, compressed into one zstd frame, to dst.
func Append(dst, src []byte) []byte {
	return encoder().EncodeAll(src, dst)
}

// Is reports whether b starts as a zstd frame does.
func Is(b []byte) bool { return bytes.HasPrefix(b, Magic) }

// Unpack decompresses the zstd frames of b, appending to dst.
func Unpack(dst, b []byte) ([]byte, error) {
	out, err := decoder().DecodeAll(b, dst)
	if err != nil {
		return nil, fmt.Errorf("its zstd frame does not decompress: %w", err)
	}
	return out, nil
}
