package notify

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// notifyKey is registered by the tests below; no other test uses it.
const notifyKey = "sk-proj-NotifyTestKeyNotReal0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHJk7Q"

// leakyEvent carries the key the way a vendor's echo may reach a
// finding: split by invisible characters, in the detail and the advice.
func leakyEvent() Event {
	redact.Register(notifyKey)
	e := openedEvent()
	echo := notifyKey[:30] + "\u200b" + notifyKey[30:55] + "\x1b[0m" + notifyKey[55:]
	e.Finding.Detail = "OpenAI said: Incorrect API key provided: " + echo
	e.Finding.Advice = []string{"Rotate " + echo}
	return e
}

// noNotifyKey fails when s shows 12 characters of the key's secret part.
func noNotifyKey(t *testing.T, where, s string) {
	t.Helper()
	secret := notifyKey[len("sk-proj-"):]
	for i := 0; i+12 <= len(secret); i++ {
		if strings.Contains(s, secret[i:i+12]) {
			t.Fatalf("%s holds %q of the key:\n%s", where, secret[i:i+12], s)
		}
	}
}

// Every sender redacts what it sends: the webhook's JSON and Slack
// bodies, a command's stdin, arguments and environment, a desktop
// notification's arguments.
func TestSendersRedact(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	for _, f := range []Format{FormatJSON, FormatSlack} {
		if err := (&Webhook{URL: hook.URL, Format: f}).Send(context.Background(), leakyEvent()); err != nil {
			t.Fatal(err)
		}
	}
	if len(bodies) != 2 || !strings.Contains(bodies[0], "[redacted]") {
		t.Fatalf("bodies: %q", bodies)
	}
	for _, b := range bodies {
		noNotifyKey(t, "a webhook body", b)
	}

	dir := t.TempDir()
	t.Setenv("LEAKY_VAR", "token "+notifyKey)
	script := writeScript(t, dir, "hook", `cat > "$1/stdin.json"; env > "$1/env.txt"; echo "$@" > "$1/args.txt"`)
	c := &Command{Argv: []string{script, dir, "--key=" + notifyKey}, Env: []string{"LEAKY_VAR"}}
	if err := c.Send(context.Background(), leakyEvent()); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"stdin.json", "env.txt", "args.txt"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		noNotifyKey(t, "the command's "+f, string(b))
	}

	tool := writeScript(t, dir, "notify-send", `echo "$@" > "$(dirname "$0")/desktop.txt"`)
	if err := (&Desktop{Tool: tool}).Send(context.Background(), leakyEvent()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "desktop.txt"))
	if err != nil {
		t.Fatal(err)
	}
	noNotifyKey(t, "the desktop notification", string(b))
}

// A receiver or a command that echoes the key back does not put it in
// the error that is logged and stored.
func TestSenderErrorsRedact(t *testing.T) {
	redact.Register(notifyKey)
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "bad key "+notifyKey[:40]+"\u200b"+notifyKey[40:])
	}))
	defer echo.Close()
	err := (&Webhook{URL: echo.URL}).Send(context.Background(), openedEvent())
	if err == nil {
		t.Fatal("no error from a 400")
	}
	noNotifyKey(t, "the webhook's error", err.Error())

	script := writeScript(t, t.TempDir(), "fail", `echo "cannot use `+notifyKey+`" >&2; exit 1`)
	err = (&Command{Argv: []string{script}}).Send(context.Background(), openedEvent())
	if err == nil {
		t.Fatal("no error from a failing command")
	}
	noNotifyKey(t, "the command's error", err.Error())
}
