package notify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// events is a Sender that keeps the events it is sent.
type events struct {
	mu  sync.Mutex
	got []Event
}

func (r *events) Send(_ context.Context, e Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, e)
	return nil
}

// TestNoPermissionNotifiesAWarning checks issue 14's one change of
// behaviour in notifications: a key that lacks permission, as correlate
// assesses it, is announced as a warning (the warning's words, Slack icon
// and desktop urgency), as the dashboard and the tmux line show it.
func TestNoPermissionNotifiesAWarning(t *testing.T) {
	snap := func(hhmm string, r observe.Result) observe.Snapshot {
		v := observe.VendorResult{ID: "openai", Name: "OpenAI", Keys: []observe.KeyResult{{
			Name: "restricted", Fingerprint: "sk-proj-…MxYA", Result: r, HTTPStatus: 403, CheckedAt: at(hhmm),
		}}, Reachability: &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, CheckedAt: at(hhmm)}}
		v.Status = observe.Status{State: observe.Operational, CheckedAt: at(hhmm)}
		return observe.Snapshot{GeneratedAt: at(hhmm), Vendors: []observe.VendorResult{v}}
	}
	rec := &events{}
	d := New([]Notifier{{Name: "team", Sender: rec}}, Options{})
	var mem correlate.Memory
	for _, s := range []observe.Snapshot{snap("10:00", observe.ResultOK), snap("10:01", observe.ResultNoPermission)} {
		var rep correlate.Report
		rep, mem = correlate.Assess(s, mem)
		d.Observe(rep)
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.got) != 1 {
		t.Fatalf("got %d events, want one", len(rec.got))
	}
	e := rec.got[0]
	if e.Finding.Severity != correlate.SeverityWarning || e.Overall != correlate.LevelWarning ||
		e.Text() != "Warning opened: OpenAI key restricted lacks permission" {
		t.Errorf("event = %s (%s, overall %s)", e.Text(), e.Finding.Severity, e.Overall)
	}
	if s := SlackText(e); !strings.HasPrefix(s, ":large_yellow_circle: *Warning opened:") {
		t.Errorf("Slack text = %q", s)
	}
	dir := t.TempDir()
	tool := writeScript(t, dir, "notify-send", `for a in "$@"; do printf '%s\n' "$a"; done > "`+dir+`/args"`)
	if err := (&Desktop{Tool: tool}).Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if args, _ := os.ReadFile(filepath.Join(dir, "args")); !strings.Contains(string(args), "--urgency=normal\n") {
		t.Errorf("desktop notification args:\n%s", args)
	}
}
