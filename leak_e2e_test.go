package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"github.com/klauspost/compress/zstd"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/remote"
	"github.com/vendorwatch/vendorwatch/ui"
)

// Keys of the leak test, one per kind of secret reference. None is real;
// no other test uses them.
var leakKeys = map[string]string{
	"env:":     "sk-proj-LeakEnvQm4xZ8vR2nL6tY0wK3pJ9sD1fH5gB7cE2aU4iO6eT8rW0qS3Lk7Xp2Vn9Bq4Tz6Hy1Mc8Rd3Wf5Gj0Ks2NpEnv1",
	"file:":    "sk-ant-api03-LeakFileR2Dx7Kq9Vm3Lp5Tn8Wr1Yz4Bc6Df0Gh2Jk4Mn6Pq8St0Uv2Wx4Yz6AbCdEfGhIjKlMnOpQrStUvWxYzFileigAA",
	"cmd:":     "7c1e4b9a-2d6f-4a8e-9b3c-5e0f1a2b3c4d",
	"literal:": "e4d3c2b1a0f9e8d7c6b5a49382716050",
}

const leakTwilioSID = "AC5e0f1a2b3c4d7c1e4b9a2d6f4a8e9b3c"

// disguise splits a key the way the audit's fake vendors did: zero-width
// space, SGR reset, soft hyphen, NUL, an OSC title, a BOM.
func disguise(key string) string {
	junk := []string{"\u200b", "\x1b[0m", "\u00ad", "\x00", "\x1b]0;x\x07", "\ufeff"}
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		if i > 0 && i%7 == 0 {
			b.WriteString(junk[(i/7)%len(junk)])
		}
		b.WriteByte(key[i])
	}
	return b.String()
}

// leakyVendor is a vendor on loopback that echoes the key it is sent back
// in as many ways as the audit found: split by invisible characters and
// escape sequences, in the Via header, in base64, JSON escapes, %XX and
// HTML character references, in an HTML error page and in a body cut for
// an excerpt. Its status page shows an incident whose title carries the
// key too, when page is set.
func leakyVendor(t *testing.T, vendor string, page []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v2/summary.json" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("ETag", `"leak"`) // as Statuspage sends: the page is kept in the state dir
			w.Write(page)
			return
		}
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch vendor {
		case "anthropic":
			key = r.Header.Get("X-Api-Key")
		case "twilio":
			_, key, _ = r.BasicAuth()
		}
		w.Header().Set("Content-Type", "application/json")
		if key == "" { // the keyless reachability check
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":{"message":"missing credentials","code":"unauthorized"}}`))
			return
		}
		w.Header().Set("Via", "1.1 "+key+" (squid)")
		w.Header().Set("X-Echo", base64.StdEncoding.EncodeToString([]byte(key)))
		switch vendor {
		case "openai": // JSON, the key split by invisible characters and escapes
			w.WriteHeader(http.StatusUnauthorized)
			b, _ := json.Marshal(map[string]any{"error": map[string]any{
				"message": "Incorrect API key provided: " + disguise(key) + ". Also " + key[:20] + "\u200b" + key[20:],
				"type":    "invalid_request_error", "code": "invalid_api_key"}})
			w.Write(b)
		case "vapi": // an HTML error page from a proxy that names the key
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "<html><body><h1>502</h1><p>upstream refused key %s&shy;</p><p>%s</p></body></html>",
				strings.Join(strings.Split(key, "-"), "&#45;<b></b>"), disguise(key))
		case "anthropic": // base64 and \u escapes of the key in the message
			w.WriteHeader(http.StatusBadRequest)
			esc := ""
			for _, c := range key {
				esc += fmt.Sprintf(`\u%04x`, c)
			}
			b, _ := json.Marshal(map[string]any{"type": "error", "error": map[string]any{"type": "invalid_request_error",
				"message": fmt.Sprintf("Your credit balance is too low for x-api-key %s (%s) %s",
					esc, base64.StdEncoding.EncodeToString([]byte("x-api-key: "+key)), disguise(key))}})
			w.Write(b)
		case "twilio": // something unexpected: the body becomes an excerpt
			w.WriteHeader(http.StatusTeapot)
			b, _ := json.Marshal(map[string]string{"note": fmt.Sprintf("%s key=%s hex=%x %s", strings.Repeat("x", 170), url.QueryEscape(disguise(key)), key, disguise(key))})
			w.Write(b)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// visible is s as a terminal shows it: escape sequences, control and
// invisible characters and white space gone.
func visible(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, ansi.Strip(s))
}

// noLeakInFiles reads every file under dir raw, as noLeak does text, and
// every zstd frame in it decompressed: models.bin's segments, whose raw
// bytes cannot show a key (history.db's rows: noLeakInDatabase).
func noLeakInFiles(t *testing.T, dir string) {
	t.Helper()
	dec, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	frames := map[string]int{}
	filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			b, rerr := os.ReadFile(path)
			if rerr != nil {
				t.Fatal(rerr)
			}
			name := filepath.Base(path)
			noLeak(t, "state file "+name, string(b))
			magic := []byte{0x28, 0xb5, 0x2f, 0xfd}
			for at := bytes.Index(b, magic); at >= 0; at = nextIndex(b, magic, at) {
				if dec.Reset(bytes.NewReader(b[at:])) != nil {
					continue
				}
				// What decodes before the frame ends (or proves not to
				// be one) is read.
				plain, _ := io.ReadAll(dec)
				if len(plain) > 0 {
					frames[name]++
					noLeak(t, "state file "+name+", decompressed", string(plain))
				}
			}
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(dir, "models.bin")); err == nil && frames["models.bin"] == 0 {
		t.Error("no compressed segment read in models.bin: this test no longer reads inside it")
	}
}

// nextIndex is the index of sep in b after at, or -1.
func nextIndex(b, sep []byte, at int) int {
	i := bytes.Index(b[at+1:], sep)
	if i < 0 {
		return -1
	}
	return at + 1 + i
}

// noLeakInDatabase reads every value of every table of the state dir's
// database, as noLeak does text. A raw read of the file cannot see into a
// row stored compressed (history's packed state rows), so every value that
// is a zstd frame is read decompressed as well.
func noLeakInDatabase(t *testing.T, stateDir string) {
	t.Helper()
	// A copy, so that reading it leaves the state dir's files as they are.
	b, err := os.ReadFile(filepath.Join(stateDir, "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "history.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dec, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	packed := 0
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var cell []byte
				switch v := v.(type) {
				case []byte:
					cell = v
				case string:
					cell = []byte(v)
				default:
					continue
				}
				where := fmt.Sprintf("history.db's %s.%s", table, cols[i])
				noLeak(t, where, string(cell))
				if bytes.HasPrefix(cell, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
					plain, err := dec.DecodeAll(cell, nil)
					if err != nil {
						t.Fatalf("%s: a zstd frame that does not decompress: %v", where, err)
					}
					packed++
					noLeak(t, where+", decompressed", string(plain))
				}
			}
		}
		rows.Close()
	}
	if packed == 0 {
		t.Error("no packed row in history.db: the report should be one, so this test reads inside it")
	}
}

// noLeak fails when s, raw or as a terminal shows it, holds 12 characters
// in a row of a key's secret part (the part after its public prefix).
func noLeak(t *testing.T, where, s string) {
	t.Helper()
	for src, key := range leakKeys {
		secret := key[len(redact.PublicPrefix(key)):]
		for _, text := range []string{s, visible(s)} {
			for i := 0; i+12 <= len(secret); i++ {
				if strings.Contains(text, secret[i:i+12]) {
					at := strings.Index(text, secret[i:i+12])
					t.Fatalf("%s holds %q of the %s key, at …%q…", where, secret[i:i+12], src, text[max(0, at-60):min(len(text), at+80)])
				}
			}
		}
	}
}

// The acceptance test of issue 16: vendors that echo the key back every
// way the audit found, keys from env:, file:, cmd: and a literal, and
// every exit of a run — --once, --once --json, report, --tmux,
// check-config, a webhook notification, the dashboard's data and its
// clipboard, every file of the state dir (history.db and its log raw) —
// holds no 12 characters of a key.
// leakSetup starts the four echoing vendors and a notification sink, and
// writes a private config that reads keys from env:, file:, cmd: and a
// literal and notifies the sink's webhook, plus the notifiers of
// moreNotify(the sink's URL). hooks returns every body the sink received.
func leakSetup(t *testing.T, moreNotify func(sink string) string) (cfg string, hooks func() []string) {
	t.Helper()
	secrets := t.TempDir()
	anthropicFile := filepath.Join(secrets, "anthropic.key")
	vapiFile := filepath.Join(secrets, "vapi.key")
	for path, key := range map[string]string{anthropicFile: leakKeys["file:"], vapiFile: leakKeys["cmd:"]} {
		if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("VW_LEAK_OPENAI", leakKeys["env:"])

	var mu sync.Mutex
	var received []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, string(b))
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	hooks = func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), received...)
	}
	more := ""
	if moreNotify != nil {
		more = moreNotify(hook.URL)
	}
	now := time.Now()
	title := "API keys such as " + disguise(leakKeys["env:"]) + " are rejected"
	page := openaiPage(t, "minor", "Partially Degraded Service", map[string]string{"API": "degraded_performance"},
		pageIncident{id: "leak1", title: title, impact: "minor", components: []string{"API"}, at: now.Add(-10 * time.Minute)})
	quiet := openaiPage(t, "none", "All Systems Operational", nil)
	openai := leakyVendor(t, "openai", page)
	vapi := leakyVendor(t, "vapi", quiet)
	anthropic := leakyVendor(t, "anthropic", quiet)
	twilio := leakyVendor(t, "twilio", quiet)
	status := func(s *httptest.Server) string {
		return "[{url: " + s.URL + "/api/v2/summary.json, format: statuspage}]"
	}
	body := fmt.Sprintf(`timeout: 5s
vendors:
  - id: openai
    status: %s
    api: {base_url: %s}
    keys:
      - {name: prod, secret: "env:VW_LEAK_OPENAI"}
  - id: vapi
    status: %s
    api: {base_url: %s}
    keys:
      - {name: prod, secret: "cmd:cat %s"}
  - id: anthropic
    status: %s
    api: {base_url: %s}
    keys:
      - {name: prod, secret: "file:%s"}
  - id: twilio
    status: %s
    api: {base_url: %s}
    keys:
      - {name: main, secret: "%s", account: %s}
notify:
  - type: webhook
    name: team
    url: %s/hook
%s`, status(openai), openai.URL, status(vapi), vapi.URL, vapiFile, status(anthropic), anthropic.URL, anthropicFile,
		status(twilio), twilio.URL, leakKeys["literal:"], leakTwilioSID, hook.URL, more)
	cfg = filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil { // private: the literal key is allowed
		t.Fatal(err)
	}
	return cfg, hooks
}

func TestNoKeyLeaksFromEchoingVendors(t *testing.T) {
	cfg, hooks := leakSetup(t, nil)

	state := t.TempDir()
	runs := [][]string{
		{"--once", "--no-color"},
		{"--once", "--json"},
		{"report", "--since", "1h"},
		{"report", "--since", "1h", "--format", "json"},
		{"--tmux", "--format", "plain"},
		{"check-config"},
	}
	var jsonOut string
	for _, args := range runs {
		stdout, stderr, code := runIn(t, state, append(args, "--config", cfg)...)
		where := strings.Join(args, " ")
		noLeak(t, where+": stdout", stdout)
		noLeak(t, where+": stderr", stderr)
		if args[len(args)-1] == "--json" {
			jsonOut = stdout
			if code != 2 {
				t.Errorf("--once --json exit %d, want 2 (critical)\n%s", code, stderr)
			}
		}
	}

	// The run saw what the vendors did, with the keys' fingerprints: the
	// redactor removed the keys, not the evidence.
	var rep struct {
		Vendors []struct {
			ID   string `json:"id"`
			Keys []struct {
				Fingerprint, Result, Message string
			} `json:"keys"`
		} `json:"vendors"`
	}
	if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil {
		t.Fatalf("--once --json: %v\n%s", err, jsonOut)
	}
	results := map[string]string{}
	for _, v := range rep.Vendors {
		for _, k := range v.Keys {
			results[v.ID] = k.Result + " " + k.Fingerprint
		}
	}
	for id, want := range map[string]string{
		"openai": "invalid_key sk-proj-…Env1", "vapi": "vendor_error …3c4d", "anthropic": "quota_exceeded sk-ant-api03-…igAA", "twilio": "unexpected …6050",
	} {
		if results[id] != want {
			t.Errorf("%s: %q, want %q", id, results[id], want)
		}
	}
	if !strings.Contains(jsonOut, "served by a proxy (1.1 [redacted] (squid))") {
		t.Errorf("the proxy is no longer named:\n%s", jsonOut)
	}

	// A notifier: the dashboard's backend checks once and sends the
	// findings that opened to the webhook. The incident report it hands
	// the dashboard for the clipboard is redacted as it is rendered.
	a, err := app.Load(app.Options{ConfigPath: cfg, StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	b, finish := a.Dashboard(context.Background(), redact.NewWriter(&logs))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b.Run(ctx, func(u ui.Update) {
		if u.Recorded && u.InFlight == 0 {
			cancel()
		}
	})
	clip, err := b.IncidentReport(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	finish()
	noLeak(t, "the dashboard's log", logs.String())
	noLeak(t, "the incident report for the clipboard", clip)
	if len(hooks()) == 0 {
		t.Error("no notification reached the webhook")
	}
	for _, h := range hooks() {
		noLeak(t, "a webhook notification", h)
	}

	// Every file the runs left: the state dir raw, history.db and its
	// write-ahead log included.
	noLeakInFiles(t, state)
	noLeakInDatabase(t, state)
	for _, name := range []string{"history.db", "snapshot.json"} {
		if _, err := os.Stat(filepath.Join(state, name)); err != nil {
			t.Errorf("no %s in the state dir: %v", name, err)
		}
	}
}

// The same vendors under serve: every HTTP answer of the server, what
// --remote clients print from it, and what its Slack-style and command
// notifiers send hold no 12 characters of a key.
func TestNoKeyLeaksThroughServe(t *testing.T) {
	commandOut := filepath.Join(t.TempDir(), "command.out")
	cfg, hooks := leakSetup(t, func(sink string) string {
		return fmt.Sprintf("  - type: slack\n    url: %s/slack\n  - type: command\n    command: tee -a %s\n", sink, commandOut)
	})
	const token = "leak-test-token-0123456789"
	t.Setenv("VW_LEAK_TOKEN", token)
	serveCfg := cfg + ".serve.yaml"
	body, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(serveCfg, append(body, "serve: {token: env:VW_LEAK_TOKEN}\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	srv := startServe(t, token, "--config", serveCfg, "--state-dir", state)

	get := func(path, token string) string {
		req, _ := http.NewRequest(http.MethodGet, srv.url+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var head strings.Builder
		resp.Header.Write(&head)
		return head.String() + "\n" + string(b)
	}
	for _, path := range []string{"/metrics", "/api/v1/snapshot", "/api/v1/report", "/api/v1/report?format=json", "/api/v1/timeline", "/healthz", "/"} {
		noLeak(t, "serve "+path, get(path, token))
		noLeak(t, "serve "+path+" without a token", get(path, ""))
	}
	if m := get("/metrics", token); !strings.Contains(m, `vendorwatch_finding{`) {
		t.Errorf("/metrics shows no finding; did the check run?\n%s", m)
	}

	t.Setenv(remote.EnvToken, token)
	for _, args := range [][]string{
		{"--once", "--no-color"},
		{"--once", "--json"},
		{"report", "--since", "1h"},
		{"--tmux", "--format", "plain"},
	} {
		stdout, stderr, _ := runIn(t, t.TempDir(), append(args, "--remote", srv.url)...)
		noLeak(t, strings.Join(args, " ")+" --remote: stdout", stdout)
		noLeak(t, strings.Join(args, " ")+" --remote: stderr", stderr)
	}

	// The notifiers: the check opened critical findings, which the
	// webhook, the Slack-style sink and the command received.
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, _ := os.ReadFile(commandOut)
		slack := 0
		for _, h := range hooks() {
			if strings.Contains(h, `"text"`) {
				slack++
			}
		}
		if len(out) > 0 && slack > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the notifiers were not all called: command %d bytes, %d Slack bodies of %d\n%s", len(out), slack, len(hooks()), srv.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, h := range hooks() {
		noLeak(t, "a notification", h)
	}
	out, _ := os.ReadFile(commandOut)
	noLeak(t, "the command notifier's stdin", string(out))
	srv.stop()
	noLeak(t, "serve's stderr", srv.stderr.String())
}

// A first check of sixteen or more status documents keeps them in one
// pack in the HTTP cache: the page that quotes a key is written there
// blanked, as it is in a file of its own.
func TestNoKeyLeaksIntoTheCachePack(t *testing.T) {
	cfg, _ := leakSetup(t, nil)
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// OpenAI's page, which quotes its key, read from seventeen more URLs.
	first := regexp.MustCompile(`status: \[\{url: (\S+), format: statuspage\}\]`).FindSubmatchIndex(b)
	if first == nil {
		t.Fatalf("no status source in\n%s", b)
	}
	page := string(b[first[2]:first[3]])
	sources := []string{"{url: " + page + ", format: statuspage}"}
	for i := range 17 {
		sources = append(sources, fmt.Sprintf("{url: %q, format: statuspage}", fmt.Sprintf("%s?copy=%d", page, i)))
	}
	more := string(b[:first[0]]) + "status: [" + strings.Join(sources, ", ") + "]" + string(b[first[1]:])
	if err := os.WriteFile(cfg, []byte(more), 0o600); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	stdout, stderr, _ := runIn(t, state, "--once", "--json", "--config", cfg)
	noLeak(t, "--once --json: stdout", stdout)
	noLeak(t, "--once --json: stderr", stderr)
	packs, _ := filepath.Glob(filepath.Join(state, "http", "pack-*"))
	if len(packs) != 1 {
		t.Fatalf("the first check left %d packs in the HTTP cache, want 1", len(packs))
	}
	noLeakInFiles(t, state)
	noLeakInDatabase(t, state)
}
