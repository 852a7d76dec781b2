package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/correlate"
)

// The acceptance case of silences: during VAPI's outage, --once exits 2;
// `silence add` for VAPI makes the next --once exit 0 while the table
// still shows the outage, dimmed, with who silenced it and why; the tmux
// line leaves VAPI out; `silence expire` brings the exit code back.
func TestSilenceMutesOnceAndTmux(t *testing.T) {
	vapi := vapiDown(t)
	t.Setenv("VW_VAPI", probeKeys["vapi-prod"])
	cfg := writeConfig(t, fmt.Sprintf(`vendors:
  - id: vapi
    status: [{url: %[1]s/index.json, format: betterstack}]
    api: {base_url: %[1]s}
    keys: [{name: prod, secret: env:VW_VAPI}]
`, vapi.URL))
	tweakApp = func(o *app.Options) { o.RetryWait = time.Millisecond }
	defer func() { tweakApp = nil }()
	state := t.TempDir()
	for range 2 {
		if _, stderr, code := runIn(t, state, "--config", cfg, "--once"); code != 2 {
			t.Fatalf("--once: exit %d, want 2 (VAPI down): %s", code, stderr)
		}
	}

	out, stderr, code := runIn(t, state, "silence", "add", "--vendor", "vapi", "--for", "2h", "--comment", "INC-142, tracked")
	if code != 0 || !strings.Contains(out, "Silence #1") {
		t.Fatalf("silence add: exit %d: %s%s", code, out, stderr)
	}
	if _, stderr, code := runIn(t, state, "silence", "add", "--vendor", "vapi", "--for", "2h"); code == 0 {
		t.Errorf("silence add without a comment succeeded: %s", stderr)
	}

	out, stderr, code = runIn(t, state, "--config", cfg, "--once", "--no-color")
	if code != 0 {
		t.Fatalf("silenced --once: exit %d, want 0: %s\n%s", code, stderr, out)
	}
	if !strings.Contains(out, "silenced #1 by ") || !strings.Contains(out, "INC-142, tracked") {
		t.Errorf("the table does not show the silenced outage:\n%s", out)
	}
	snap := snapshotFile(t, state)
	if snap.Overall != correlate.LevelOK || len(snap.Findings) == 0 || snap.Findings[0].Silenced == nil {
		t.Errorf("snapshot.json: overall %s, findings %+v", snap.Overall, snap.Findings)
	}
	if !testing.Short() {
		lock := app.HoldLiveLock(state)
		line := runBin(t, buildBinary(t), 5*time.Second, "--tmux", "--format", "plain", "--state-dir", state)
		if lock != nil {
			lock.Unlock()
		}
		if strings.Contains(line, "VAPI") {
			t.Errorf("tmux line = %q while VAPI is silenced", line)
		}
	}

	if out, stderr, code := runIn(t, state, "silence", "list", "--no-color"); code != 0 || !strings.Contains(out, "INC-142") {
		t.Errorf("silence list: exit %d: %s%s", code, out, stderr)
	}
	if out, stderr, code := runIn(t, state, "silence", "expire", "1"); code != 0 {
		t.Fatalf("silence expire: exit %d: %s%s", code, out, stderr)
	}
	if _, stderr, code := runIn(t, state, "--config", cfg, "--once"); code != 2 {
		t.Errorf("--once after the silence expired: exit %d, want 2: %s", code, stderr)
	}
}
