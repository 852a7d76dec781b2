package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/vendorwatch/vendorwatch/history"
)

// OpenRotations opens the history of the state dir (flag, or the default)
// for the rotation commands, which read and change its rotation
// checklists. A state dir without a history is an error that says how to
// get one, rather than a new empty database.
func OpenRotations(ctx context.Context, stateDir string) (*history.Store, error) {
	dir := StateDir(stateDir)
	if dir == "" {
		return nil, errors.New("no state dir: give --state-dir")
	}
	if _, err := os.Stat(filepath.Join(dir, history.DatabaseFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no history in %s yet: run vendorwatch --once, the dashboard or serve first (rotations are seen by checks)", Tildify(dir))
	}
	return history.Open(ctx, dir, history.Options{})
}
