package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers/probe"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// The end-to-end scenario tests of issue 15 ("tests as timelines") run the
// real command, one --once --json check per step, every step sharing one
// state dir, on a fixed clock, against fake vendors on loopback that
// answer with recorded payloads. At each step they pin what the on-call
// engineer sees: every finding with its kind, severity and state, the exit
// code and the verdict.

// seen is what one check shows the engineer.
type seen struct {
	// exit is the --once exit code.
	exit int
	// word, state and title are the verdict's (title: a part of it; ""
	// checks nothing). An empty state means open, or, for OK, none: OK
	// names no finding unless one is recovering (closing).
	word  correlate.Word
	state correlate.State
	title string
	// findings are every finding reported, open or not, as "kind
	// severity state" (see findingLine), in any order.
	findings []string
}

// findingLine is how a step names a finding it expects.
func findingLine(f correlate.Finding) string {
	return string(f.Kind) + " " + string(f.Severity) + " " + string(f.State)
}

// timeline runs successive checks of one config against one state dir.
type timeline struct {
	t     *testing.T
	state string
	// cfg is the config file the next check reads; a step may point it
	// elsewhere (the same vendors at other addresses).
	cfg string
	// keys are the secrets of the scenario, named for messages: no output
	// may hold any of them.
	keys map[string]string

	mu  sync.Mutex
	now time.Time
	// outputs are everything the runs printed, and each check's table.
	outputs []string
}

// newTimeline starts a timeline on cfg. The poller's clock is the
// timeline's (each step sets it) and a failed request is retried at once.
func newTimeline(t *testing.T, cfg string, keys map[string]string) *timeline {
	t.Helper()
	tl := &timeline{t: t, state: t.TempDir(), cfg: cfg, keys: keys}
	tweakApp = func(o *app.Options) {
		o.Clock = tl.clock
		o.RetryWait = time.Millisecond
	}
	t.Cleanup(func() { tweakApp = nil })
	return tl
}

func (tl *timeline) clock() time.Time {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return tl.now
}

// run runs the command at time at and keeps what it printed.
func (tl *timeline) run(at time.Time, args ...string) (stdout, stderr string, code int) {
	tl.t.Helper()
	tl.mu.Lock()
	tl.now = at
	tl.mu.Unlock()
	stdout, stderr, code = runIn(tl.t, tl.state, args...)
	tl.outputs = append(tl.outputs, stdout, stderr)
	tl.noKey(step(at), stdout+stderr)
	return stdout, stderr, code
}

// step names a step by its time of day.
func step(at time.Time) string { return at.UTC().Format("15:04") }

// check runs `--once --json` at time at, with any more flags (--only),
// and fails the test unless the engineer sees w. It returns the report
// and the table --once would have printed for it.
func (tl *timeline) check(at time.Time, w seen, flags ...string) (correlate.Report, string) {
	tl.t.Helper()
	name := step(at)
	stdout, stderr, code := tl.run(at, append([]string{"--config", tl.cfg, "--once", "--json"}, flags...)...)
	var rep correlate.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		tl.t.Fatalf("%s: exit %d, stdout is not JSON: %v\n%s\n%s", name, code, err, stdout, stderr)
	}
	var table bytes.Buffer
	if err := output.WriteTable(&table, rep, output.TableOptions{NoColor: true}); err != nil {
		tl.t.Fatal(err)
	}
	tl.outputs = append(tl.outputs, table.String())
	tl.noKey(name+" table", table.String())

	var got []string
	for _, f := range rep.Findings {
		got = append(got, findingLine(f))
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(w.findings))
	v := rep.Verdict
	if w.state == "" && w.word != correlate.WordOK {
		w.state = correlate.StateOpen
	}
	if code != w.exit || v.Word != w.word || v.State != w.state || !strings.Contains(v.Title, w.title) || !slices.Equal(got, want) {
		tl.t.Errorf("%s: the engineer sees exit %d, verdict %s %q (%s), findings %q;\nwant exit %d, verdict %s %q (%s), findings %q\n%s",
			name, code, v.Word, v.Title, v.State, got, w.exit, w.word, w.title, w.state, want, table.String())
	}
	if code != rep.Overall.ExitCode() {
		tl.t.Errorf("%s: exit %d for overall %s", name, code, rep.Overall)
	}
	if !strings.HasPrefix(table.String(), "Verdict: "+string(w.word)) {
		tl.t.Errorf("%s: the table does not open with the verdict %s:\n%s", name, w.word, table.String())
	}
	return rep, table.String()
}

// noKey fails when blob holds a key of the scenario, or any 8 characters
// of the part its fingerprint hides.
func (tl *timeline) noKey(where, blob string) {
	tl.t.Helper()
	for _, key := range tl.keys {
		vendortest.AssertNoKey(tl.t, where, blob, key, probe.Fingerprint(key))
	}
}

// noKeyInState fails when a file of the state dir holds a key.
func (tl *timeline) noKeyInState() {
	tl.t.Helper()
	n := 0
	filepath.WalkDir(tl.state, func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			b, _ := os.ReadFile(path)
			tl.noKey(path, string(b))
			n++
		}
		return nil
	})
	if n == 0 {
		tl.t.Error("the state dir is empty: nothing was recorded")
	}
}

// says reports whether anything the runs printed, or any table, holds s
// (case-insensitively).
func (tl *timeline) says(s string) bool {
	return slices.ContainsFunc(tl.outputs, func(o string) bool { return strings.Contains(strings.ToLower(o), strings.ToLower(s)) })
}

// report runs `report` over the scenario's day as JSON.
func (tl *timeline) report(at time.Time) output.IncidentReport {
	tl.t.Helper()
	stdout, stderr, code := tl.run(at, "report", "--since", "2026-05-21T00:00:00Z", "--until", "2026-05-22T00:00:00Z", "--format", "json")
	if code != 0 {
		tl.t.Fatalf("report: exit %d: %s", code, stderr)
	}
	var r output.IncidentReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		tl.t.Fatalf("report is not JSON: %v\n%s", err, stdout)
	}
	return r
}

// adviceHas reports whether any advice of f holds s.
func adviceHas(f correlate.Finding, s string) bool {
	return slices.ContainsFunc(f.Advice, func(a string) bool { return strings.Contains(strings.ToLower(a), strings.ToLower(s)) })
}

// finding returns the report's finding of kind, failing the test when
// there is none.
func finding(t *testing.T, rep correlate.Report, kind correlate.Kind) correlate.Finding {
	t.Helper()
	i := slices.IndexFunc(rep.Findings, func(f correlate.Finding) bool { return f.Kind == kind })
	if i < 0 {
		t.Fatalf("no %s finding in %q", kind, findingKinds(rep))
	}
	return rep.Findings[i]
}

// table runs `--once --no-color` at time at: the table the engineer
// reads, with its exit code.
func (tl *timeline) table(at time.Time) (string, int) {
	tl.t.Helper()
	stdout, _, code := tl.run(at, "--config", tl.cfg, "--once", "--no-color")
	return stdout, code
}
