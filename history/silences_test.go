package history

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

// outageSnap is OpenAI's page in a major outage at t, its key answering.
func outageSnap(t time.Time) observe.Snapshot {
	s := rotSnap(t, "sk-proj-…MxYA")
	s.Vendors[0].Status.State = observe.MajorOutage
	return s
}

// A silence added by another process (vendorwatch silence add) mutes the
// matching finding in the next commit: it stays in the report, marked,
// while the overall level drops; the stored snapshot says so too. When
// the silence is expired by hand, the finding counts again.
func TestSilenceMutesTheNextCommit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	at := fixture.At
	s := open(t, dir, Options{})
	assess(t, s, outageSnap(at("10:50")))
	c, err := s.Commit(ctx, Check{Snapshot: outageSnap(at("10:55"))}, correlate.Assess)
	if err != nil {
		t.Fatal(err)
	}
	if c.Report.Overall != correlate.LevelWarning {
		t.Fatalf("before the silence: overall %s, findings %+v", c.Report.Overall, c.Report.Findings)
	}

	other := open(t, dir, Options{})
	sl, err := other.AddSilence(ctx, correlate.Silence{Vendor: "openai", Comment: "known, far-away region", By: "alice", Created: at("10:56"), Until: at("12:56")})
	if err != nil || sl.ID == 0 {
		t.Fatalf("add: %+v %v", sl, err)
	}
	if _, err := other.AddSilence(ctx, correlate.Silence{Vendor: "openai", By: "alice", Created: at("10:56"), Until: at("12:56")}); err == nil {
		t.Error("a silence without a comment was stored")
	}

	c, err = s.Commit(ctx, Check{Snapshot: outageSnap(at("11:00"))}, correlate.Assess)
	if err != nil {
		t.Fatal(err)
	}
	if c.Report.Overall != correlate.LevelOK || len(c.Report.Findings) == 0 {
		t.Fatalf("silenced: overall %s, findings %+v", c.Report.Overall, c.Report.Findings)
	}
	for _, f := range c.Report.Findings {
		if f.Silenced == nil || f.Silenced.By != "alice" || !f.Silenced.Until.Equal(at("12:56")) {
			t.Errorf("finding %s: silenced = %+v", f.ID, f.Silenced)
		}
	}
	if v, _ := c.Report.Vendor("openai"); v.Level != correlate.LevelOK {
		t.Errorf("silenced vendor level = %s", v.Level)
	}
	snapFile, err := os.ReadFile(s.SnapshotPath())
	if err != nil || !strings.Contains(string(snapFile), `"silenced"`) || !strings.Contains(string(snapFile), `"overall": "ok"`) && !strings.Contains(string(snapFile), `"overall":"ok"`) {
		t.Errorf("the snapshot file (the status line's) does not show the silence: %v\n%s", err, snapFile)
	}

	act, err := other.Silences(ctx, at("11:00"), false)
	if err != nil || len(act) != 1 || act[0].ID != sl.ID {
		t.Fatalf("active silences = %+v %v", act, err)
	}
	if _, err := other.ExpireSilence(ctx, 999, at("11:01")); !errors.Is(err, ErrNoSilence) {
		t.Errorf("expire an unknown silence: %v", err)
	}
	ex, err := other.ExpireSilence(ctx, sl.ID, at("11:02"))
	if err != nil || !ex.Expired.Equal(at("11:02")) {
		t.Fatalf("expire: %+v %v", ex, err)
	}
	if act, _ := other.Silences(ctx, at("11:03"), false); len(act) != 0 {
		t.Errorf("active after expiring = %+v", act)
	}
	if all, _ := other.Silences(ctx, at("11:03"), true); len(all) != 1 || all[0].Expired.IsZero() {
		t.Errorf("all after expiring = %+v", all)
	}

	c, err = s.Commit(ctx, Check{Snapshot: outageSnap(at("11:05"))}, correlate.Assess)
	if err != nil {
		t.Fatal(err)
	}
	if c.Report.Overall != correlate.LevelWarning || c.Report.Findings[0].Silenced != nil {
		t.Fatalf("after expiring: overall %s, findings %+v", c.Report.Overall, c.Report.Findings)
	}
}
