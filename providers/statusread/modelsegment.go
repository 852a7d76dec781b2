package statusread

import (
	"encoding/binary"
	"errors"
	"hash/crc32"

	"github.com/vendorwatch/vendorwatch/internal/zstdpack"
)

// segmentMagic opens a segment of the file: the records of one write,
// framed as appendFrame frames them, then compressed into one zstd frame.
// A cold check's models are one segment, a fifth to a tenth of their
// size on real status pages (which repeat their words and structure); a
// process reads the file whole, so nothing needs a record's place in it.
var segmentMagic = [2]byte{'v', 'z'}

// appendSegment appends framed records to out as one segment: magic, the
// compressed length, the zstd frame, and a CRC of the frame.
func appendSegment(out, framed []byte) []byte {
	packed := zstdpack.Append(nil, framed)
	out = append(out, segmentMagic[:]...)
	out = binary.AppendUvarint(out, uint64(len(packed)))
	out = append(out, packed...)
	return binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(packed))
}

// isSegment reports whether b starts with a segment, whole or not.
func isSegment(b []byte) bool {
	return len(b) >= 2 && b[0] == segmentMagic[0] && b[1] == segmentMagic[1]
}

// nextSegment reads the segment at the start of b: its framed records,
// decompressed, and its length in the file.
func nextSegment(b []byte) (framed []byte, n int, err error) {
	size, k := binary.Uvarint(b[2:])
	if k <= 0 || size == 0 || size > maxModelsFile {
		return nil, 0, errTruncated
	}
	if avail := len(b) - 2 - k - 4; avail < 0 || uint64(avail) < size {
		return nil, 0, errTruncated
	}
	start := 2 + k
	packed := b[start : start+int(size)]
	if crc32.ChecksumIEEE(packed) != binary.LittleEndian.Uint32(b[start+int(size):]) {
		return nil, 0, errors.New("segment damaged")
	}
	if framed, err = zstdpack.Unpack(nil, packed); err != nil {
		return nil, 0, err
	}
	return framed, start + int(size) + 4, nil
}

// readRecords indexes the framed records of a segment, and reports
// whether they were whole. s.mu is held.
func (s *modelStore) readRecords(b []byte) bool {
	for len(b) > 0 {
		n, err := s.take(b)
		if err != nil {
			// Damage: what follows cannot be trusted to be framed right.
			s.garbage += len(b)
			return false
		}
		b = b[n:]
	}
	return true
}

// take indexes the framed record at the start of b and returns its
// length. s.mu is held.
func (s *modelStore) take(b []byte) (int, error) {
	src, body, n, err := s.next(b)
	if err != nil {
		return 0, err
	}
	if body == nil {
		s.garbage += n
		return n, nil
	}
	s.index(src, body, false)
	return n, nil
}
