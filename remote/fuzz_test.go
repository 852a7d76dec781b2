package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/output"
)

// maxFuzzAnswer caps a fuzzed answer of the server: the seeds are a few
// kilobytes, and the client's own cap (maxRemoteBody) is far above what a
// fuzzer can reach.
const maxFuzzAnswer = 256 << 10

// fuzzStatuses are the statuses a fuzzed answer comes with, by index.
var fuzzStatuses = []int{200, 401, 404, 500, 503, 302}

// answer is a server that answers every request with one body and status.
type answer struct {
	status int
	body   []byte
}

func (a answer) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: a.status, Status: http.StatusText(a.status), Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(a.body)), ContentLength: int64(len(a.body)), Request: r}, nil
}

// checkClean fails when a string of v that reaches the terminal holds a
// control character other than newline, a format character or a byte that
// is not UTF-8.
func checkClean(t *testing.T, what string, v any) {
	t.Helper()
	fixture.Strings(v, func(path, s string) {
		if c, bad := fixture.Unsafe(s, true); bad {
			t.Fatalf("%s%s holds %U: %q", what, path, c, s)
		}
	})
}

// checkErr fails when an error of the client is more than one clean,
// short line: it is printed as it is.
func checkErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if c, bad := fixture.Unsafe(msg, false); bad {
		t.Fatalf("error %q holds %U", msg, c)
	}
	if n := utf8.RuneCountInString(msg); n > 400 {
		t.Fatalf("error of %d characters: %q", n, msg)
	}
}

// FuzzClient serves a fuzzed answer to every request of the --remote
// client: the snapshot (--remote --once, the dashboard, the tmux widget),
// the timeline and the incident report. Whatever the server says, the
// client returns an error or data whose every text is safe for the
// terminal, and its errors are one clean line.
func FuzzClient(f *testing.F) {
	for _, name := range []string{"report.golden.json", "snapshot_demo_2026-05-21_1246.json"} {
		b, err := os.ReadFile(filepath.Join("..", "output", "testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
	}
	hostile := correlate.Report{SchemaVersion: 1, GeneratedAt: time.Date(2026, 5, 21, 12, 45, 0, 0, time.UTC), Overall: correlate.LevelCritical,
		Vendors: []correlate.VendorReport{{Level: correlate.LevelCritical}},
		Findings: []correlate.Finding{{Kind: correlate.KindVendorOutage, Severity: correlate.SeverityCritical, Vendors: []string{"vapi\x1b[2J"},
			Title: "VAPI \x1b]8;;https://evil.test\x07down\x1b]8;;\x07", Detail: "line one\r\nline two\u202e", Advice: []string{"\x9b31m"}}}}
	hostile.Vendors[0].ID, hostile.Vendors[0].Name = "vapi", "VAPI\x07"
	var b bytes.Buffer
	if err := output.WriteJSON(&b, hostile); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes(), uint8(0))
	for _, s := range []string{
		`{"events":[{"id":1,"at":"2026-05-21T12:35:00Z","vendor":"vapi","kind":"reachability_changed","text":"first \u001b[31m","detail":"\u202e"}]}`,
		`{"generated_at":"2026-05-21T12:45:00Z","summary":{"overall":"critical"},"events":[{"text":"\u0007"}]}`,
		"# Incident report\n\n| a | b |\n\x1b[31m",
		`{"error":"token rejected \u001b]0;pwned\u0007` + strings.Repeat("x", 300) + `"}`,
		`{"schema_version":1,"vendors":[{"id":"a","keys":[{"name":"\u009b2J"}]}]}`,
		``, `null`, `{}`, `[]`,
	} {
		for code := range fuzzStatuses {
			f.Add([]byte(s), uint8(code))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, code uint8) {
		if len(body) > maxFuzzAnswer {
			return
		}
		c, err := New("https://vendorwatch.internal:9321/prefix", "t0ken", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		c.http.Transport = answer{status: fuzzStatuses[int(code)%len(fuzzStatuses)], body: body}
		ctx := context.Background()

		rep, err := c.Report(ctx)
		checkErr(t, err)
		if err == nil {
			checkClean(t, "report", rep)
			var buf bytes.Buffer
			if err := output.WriteTable(&buf, rep, output.TableOptions{NoColor: true}); err == nil {
				if c, bad := fixture.Unsafe(buf.String(), true); bad {
					t.Fatalf("the --remote --once table holds %U:\n%s", c, buf.String())
				}
			}
		}

		events, err := c.Timeline(ctx, "vapi", 50)
		checkErr(t, err)
		checkClean(t, "timeline", events)

		from := time.Date(2026, 5, 21, 0, 0, 0, 0, time.UTC)
		md, err := c.IncidentReport(ctx, from, time.Time{}, []string{"vapi"}, "markdown")
		checkErr(t, err)
		if c, bad := fixture.Unsafe(string(md), true); bad {
			t.Fatalf("markdown report holds %U: %q", c, md)
		}
		js, err := c.IncidentReport(ctx, from, time.Time{}, nil, "json")
		checkErr(t, err)
		if err == nil {
			if c, bad := fixture.Unsafe(string(js), true); bad {
				t.Fatalf("JSON report holds %U", c)
			}
			var ir output.IncidentReport
			if err := json.Unmarshal(js, &ir); err != nil {
				t.Fatalf("the JSON report re-encoded is not JSON: %v", err)
			}
			checkClean(t, "incident report", ir)
		}
	})
}
