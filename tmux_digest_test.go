package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
)

// The widget reads the small line digest beside the snapshot, unless the
// snapshot is newer or the digest cannot be read; then the snapshot.
func TestReadSnapshotPrefersTheLineDigest(t *testing.T) {
	t.Parallel()
	report := func(overall string) string {
		return fmt.Sprintf(`{"schema_version":1,"generated_at":"2026-05-21T12:45:00Z","overall":%q,"vendors":[{"id":"a","name":"A","level":%[1]q,"status":{"state":"operational"},"keys":[]}],"findings":[]}`, overall)
	}
	t0 := time.Date(2026, 5, 21, 12, 45, 0, 0, time.UTC)
	for _, tt := range []struct {
		name        string
		digest      string // "" writes none
		digestAge   time.Duration
		noSnapshot  bool
		wantOverall correlate.Level
	}{
		{"digest as new as the snapshot", report("warning"), 0, false, correlate.LevelWarning},
		{"digest older than the snapshot", report("warning"), time.Minute, false, correlate.LevelCritical},
		{"damaged digest", `{"schema_version":1,`, 0, false, correlate.LevelCritical},
		{"no digest", "", 0, false, correlate.LevelCritical},
		{"digest alone", report("warning"), 0, true, correlate.LevelWarning},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if !tt.noSnapshot {
				path := filepath.Join(dir, history.SnapshotFile)
				os.WriteFile(path, []byte(report("critical")), 0o600)
				os.Chtimes(path, t0, t0)
			}
			if tt.digest != "" {
				path := filepath.Join(dir, history.LineFile)
				os.WriteFile(path, []byte(tt.digest), 0o600)
				os.Chtimes(path, t0.Add(-tt.digestAge), t0.Add(-tt.digestAge))
			}
			rep := readSnapshot(dir, history.SnapshotFile)
			if rep == nil || rep.Overall != tt.wantOverall || len(rep.Vendors) != 1 || rep.Vendors[0].Name != "A" {
				t.Fatalf("read %+v, want overall %s", rep, tt.wantOverall)
			}
		})
	}
}
