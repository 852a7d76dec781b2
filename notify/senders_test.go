package notify

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

func openedEvent() Event {
	return Event{Kind: Opened, Finding: revoked, At: at("10:57"), Overall: correlate.LevelCritical}
}

func TestSlackWebhook(t *testing.T) {
	var body map[string]any
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &body); err != nil {
			t.Errorf("not JSON: %s", b)
		}
	}))
	defer hook.Close()
	f := revoked
	f.Title = "OpenAI key <prod> revoked & gone"
	e := Event{Kind: Opened, Finding: f, At: at("10:57"), Overall: correlate.LevelCritical}
	if err := (&Webhook{URL: hook.URL, Format: FormatSlack}).Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if len(body) != 1 {
		t.Fatalf("Slack body has fields %v; want only text", body)
	}
	text, _ := body["text"].(string)
	for _, want := range []string{":red_circle: *Critical opened: OpenAI key &lt;prod&gt; revoked &amp; gone*", "sk-proj-…MxYA", "→ Look in your mail", "overall critical · 2026-05-21 10:57 UTC"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

// A webhook URL can be a credential (Slack's is): no error shows it.
func TestWebhookErrorsHideTheURL(t *testing.T) {
	const secretPath = "/services/T0001/B0002/s3cretT0kenXYZ"
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "\x1b[31mboom\x1b[0m "+r.URL.Path)
	}))
	defer failing.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // then the server notices the client hanging up
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	}))
	defer slow.Close()
	redirect := httptest.NewServer(http.RedirectHandler("https://elsewhere.example/x", http.StatusFound))
	defer redirect.Close()
	// A port that stays ours and drops every connection: a closed
	// server's port may be taken by another test's server meanwhile.
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	go func() {
		for {
			c, err := dead.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	tests := []struct{ name, url, want string }{
		{"5xx", failing.URL + secretPath, "HTTP 500"},
		{"timeout", slow.URL + secretPath, "did not answer in time"},
		{"connection dropped", "http://" + dead.Addr().String() + secretPath, "posting to the webhook"},
		{"redirect is not followed", redirect.URL + secretPath, "HTTP 302"},
		{"bad url", "http://[::1" + secretPath, "not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (&Webhook{URL: tt.url, Timeout: 300 * time.Millisecond}).Send(context.Background(), openedEvent())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "\x1b") {
				t.Errorf("error shows the URL or raw escapes: %q", err)
			}
		})
	}
}

func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// A command gets the payload on stdin and a minimal environment: the
// variables it asks for, never the keys vendorwatch holds.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("OPENAI_API_KEY", fakeKey)
	t.Setenv("PAGER_TOKEN", "pager-abc")
	script := writeScript(t, dir, "hook", `cat > "$1/stdin.json"; env > "$1/env.txt"`)
	c := &Command{Argv: []string{script, dir}, Env: []string{"PAGER_TOKEN"}}
	if err := c.Send(context.Background(), openedEvent()); err != nil {
		t.Fatal(err)
	}
	stdin, _ := os.ReadFile(filepath.Join(dir, "stdin.json"))
	var p Payload
	if err := json.Unmarshal(stdin, &p); err != nil {
		t.Fatalf("stdin is not the payload: %v\n%s", err, stdin)
	}
	if p.Event != "finding_opened" || p.Finding.ID != revoked.ID {
		t.Errorf("payload = %+v", p)
	}
	env, _ := os.ReadFile(filepath.Join(dir, "env.txt"))
	for _, want := range []string{"PAGER_TOKEN=pager-abc", "VENDORWATCH_EVENT=finding_opened", "VENDORWATCH_SEVERITY=critical", "VENDORWATCH_FINDING=key_revoked:openai:prod", "PATH="} {
		if !strings.Contains(string(env), want) {
			t.Errorf("env lacks %s:\n%s", want, env)
		}
	}
	if strings.Contains(string(env), fakeKey) || strings.Contains(string(env), "OPENAI_API_KEY") {
		t.Errorf("the command inherited the key:\n%s", env)
	}
}

func TestCommandFailures(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		argv []string
		want string
	}{
		{"exit status with stderr", []string{writeScript(t, dir, "fail", "echo '\x1b[31mno route to pager\x1b[0m' >&2; echo second >&2; exit 4")}, "fail exited with status 4: no route to pager"},
		{"timeout", []string{writeScript(t, dir, "slow", "sleep 10")}, "slow did not finish within 200ms"},
		{"not found", []string{filepath.Join(dir, "nope")}, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := (&Command{Argv: tt.argv, Timeout: 200 * time.Millisecond}).Send(context.Background(), openedEvent())
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\x1b") {
				t.Errorf("err = %q, want %q", err, tt.want)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
		})
	}
}

func TestDesktop(t *testing.T) {
	dir := t.TempDir()
	tool := writeScript(t, dir, "notify-send", `for a in "$@"; do printf '%s\n' "$a"; done > "`+dir+`/args"; env > "`+dir+`/env.txt"`)
	t.Setenv("OPENAI_API_KEY", fakeKey)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	if runtime.GOOS != "darwin" {
		d, err := FindDesktop()
		if err != nil || d.Tool != tool {
			t.Fatalf("FindDesktop = %+v, %v", d, err)
		}
	}
	f := revoked
	f.Detail = "rejects <b>prod</b>"
	if err := (&Desktop{Tool: tool}).Send(context.Background(), Event{Kind: Opened, Finding: f, At: at("10:57")}); err != nil {
		t.Fatal(err)
	}
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	want := "--app-name=vendorwatch\n--urgency=critical\n--\nvendorwatch: Critical opened: OpenAI key prod revoked\nrejects &lt;b&gt;prod&lt;/b&gt;\n→ Look in your mail"
	if !strings.HasPrefix(string(args), want) {
		t.Errorf("args:\n%s\nwant prefix:\n%s", args, want)
	}
	if env, _ := os.ReadFile(filepath.Join(dir, "env.txt")); len(env) == 0 || strings.Contains(string(env), fakeKey) {
		t.Errorf("notify-send inherited the key")
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := FindDesktop(); err == nil || !strings.Contains(err.Error(), "in PATH") {
		t.Errorf("no tool: err = %v", err)
	}
}
