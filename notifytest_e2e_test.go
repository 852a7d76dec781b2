package main

import (
	"strings"
	"testing"
)

// notify test sends the named notifier a test message that opens and
// closes; an unknown name lists the configured ones; a receiver's refusal
// is the command's error and exit code 3.
func TestNotifyTestCommand(t *testing.T) {
	hook := newRecordingHook(t, 0)
	cfg := notifyConfig(t, hook.URL)
	out, errOut, code := runCLI(t, "notify", "test", "team", "--config", cfg)
	if code != 0 || !strings.Contains(out, "notifier team: the test message was delivered") {
		t.Fatalf("code %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if len(hook.got) != 2 || hook.got[0].Event != "finding_opened" || hook.got[1].Event != "finding_closed" ||
		hook.got[0].Finding.Severity != "info" || !strings.Contains(hook.got[0].Text, "vendorwatch test message for notifier team") {
		t.Fatalf("the webhook got %+v", hook.got)
	}
	_, errOut, code = runCLI(t, "notify", "test", "pager", "--config", cfg)
	if code != 3 || !strings.Contains(errOut, `no such notifier "pager": the config's notifiers are team`) {
		t.Fatalf("unknown notifier: code %d, stderr %s", code, errOut)
	}
	failing := newRecordingHook(t, 100)
	cfg = notifyConfig(t, failing.URL)
	_, errOut, code = runCLI(t, "notify", "test", "team", "--config", cfg)
	if code != 3 || !strings.Contains(errOut, "the test message (opened) was not delivered: the webhook answered HTTP 500") {
		t.Fatalf("failing receiver: code %d, stderr %s", code, errOut)
	}
}
