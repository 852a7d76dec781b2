package fetch

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/internal/fileperm"
)

// readStateJSON decodes the small JSON file at path, one of the Client's
// memories in the state dir, into v. It reports false, and the memory is
// then empty, when the file is missing, is not a regular file, may be
// changed by someone besides the user, or does not decode (a file over
// max bytes is cut short, and so does not).
func readStateJSON(path string, max int64, v any) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || fileperm.Of(info).OthersWrite() {
		return false
	}
	b, err := io.ReadAll(io.LimitReader(f, max))
	return err == nil && json.Unmarshal(b, v) == nil
}

// writeStateJSON writes doc, a JSON document, to path atomically,
// making the state dir when it is missing.
func writeStateJSON(path string, doc []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.Write(path, atomicfile.Options{}, doc, []byte{'\n'})
}
