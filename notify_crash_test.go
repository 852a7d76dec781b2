//go:build unix

package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/notify"
)

// serveBinary starts the built binary's serve on a free loopback port and
// returns it with its stderr, which fills as it runs.
func serveBinary(t *testing.T, bin string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	stderr := &syncBuffer{}
	cmd := exec.Command(bin, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, stderr
}

// A notification in flight when serve is killed (a crash, an OOM kill, a
// power cut) is not lost: it waits in the state dir's outbox, check-config
// shows it pending, and the next serve sends it, once, at start.
func TestNotificationSurvivesACrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	release := make(chan struct{})
	defer close(release)
	var mu sync.Mutex
	requests := 0
	var got []notify.Payload
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		requests++
		first := requests == 1
		mu.Unlock()
		if first { // the receiver hangs while serve is killed
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		var p notify.Payload
		if err := json.Unmarshal(b, &p); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer hook.Close()
	cfg := notifyConfig(t, hook.URL)
	state := t.TempDir()
	wait := func(what string, cond func() bool, log *syncBuffer) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s:\n%s", what, log)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	count := func() (int, int) { mu.Lock(); defer mu.Unlock(); return requests, len(got) }

	first, log1 := serveBinary(t, bin, "--config", cfg, "--state-dir", state)
	wait("the first attempt", func() bool { n, _ := count(); return n == 1 }, log1)
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()

	stdout, stderr, code := runCLI(t, "check-config", "--config", cfg, "--state-dir", state)
	if code != 0 || !strings.Contains(stdout, "\nteam      1        0        ") || !strings.Contains(stdout, "sent by: no vendorwatch now") {
		t.Errorf("check-config after the crash: exit %d\n%s%s", code, stdout, stderr)
	}

	second, log2 := serveBinary(t, bin, "--config", cfg, "--state-dir", state)
	wait("the delivery by the next serve", func() bool { _, n := count(); return n == 1 }, log2)
	if err := second.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	second.Wait()
	n, _ := count()
	if n != 2 || got[0].Event != "finding_opened" || got[0].Finding.ID != "key_revoked:openai:prod" {
		t.Errorf("%d requests; delivered %+v", n, got)
	}
	stdout, _, _ = runCLI(t, "check-config", "--config", cfg, "--state-dir", state)
	if !strings.Contains(stdout, "\nteam      0        0        -") {
		t.Errorf("check-config after the delivery:\n%s", stdout)
	}
	var payloads strings.Builder
	json.NewEncoder(&payloads).Encode(got)
	assertNoKey(t, strings.Join([]string{payloads.String(), log1.String(), log2.String(), stdout, stateFiles(t, state)}, "\n"), os.Getenv("VW_OPENAI_PROD"))
}
