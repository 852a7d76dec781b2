package history

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

// rotSnap is OpenAI with its prod key (held by VAPI and LangSmith) seen
// with fingerprint fp at t.
func rotSnap(t time.Time, fp string) observe.Snapshot {
	return observe.Snapshot{GeneratedAt: t, Vendors: []observe.VendorResult{{ID: "openai", Name: "OpenAI",
		Status: observe.Status{State: observe.Operational},
		Keys: []observe.KeyResult{{Name: "prod", Fingerprint: fp, Result: observe.ResultOK, HTTPStatus: 200, CheckedAt: t,
			Holders: []observe.Holder{{Kind: "vendor", Name: "vapi"}, {Kind: "vendor", Name: "langsmith"}}}}}}}
}

// A rotation seen by one process is stored; a holder marked done by
// another process (vendorwatch rotation done) stays done in the next
// commit, and the last one closes the checklist; separate runs see the
// same checklist.
func TestRotationsSharedThroughTheStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	at := fixture.At
	s := open(t, dir, Options{})
	assess(t, s, rotSnap(at("10:50"), "sk-proj-…MxYA"))
	c, err := s.Commit(ctx, Check{Snapshot: rotSnap(at("11:05"), "sk-proj-…Q7rT")}, correlate.Assess)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Report.Rotations) != 1 || c.Report.Rotations[0].ID == 0 || c.Report.Rotations[0].State != correlate.RotationOpen {
		t.Fatalf("report rotations = %+v", c.Report.Rotations)
	}

	// Another process marks VAPI done.
	other := open(t, dir, Options{})
	r, err := other.UpdateRotation(ctx, "openai", "prod", func(r *correlate.Rotation) error { return r.MarkDone("vendor:vapi", at("11:10"), "") })
	if err != nil || r.Holders[0].State != correlate.HolderDone || r.State != correlate.RotationOpen {
		t.Fatalf("mark VAPI: %+v %v", r, err)
	}
	if _, err := other.UpdateRotation(ctx, "openai", "batch", func(*correlate.Rotation) error { return nil }); !errors.Is(err, ErrNoRotation) {
		t.Errorf("a key with no rotation: %v", err)
	}

	c, err = s.Commit(ctx, Check{Snapshot: rotSnap(at("11:15"), "sk-proj-…Q7rT")}, correlate.Assess)
	if err != nil {
		t.Fatal(err)
	}
	if rs := c.Report.Rotations; len(rs) != 1 || rs[0].Holders[0].State != correlate.HolderDone || rs[0].Holders[1].State != correlate.HolderPending {
		t.Fatalf("after the mark = %+v", rs)
	}
	if _, err := other.UpdateRotation(ctx, "openai", "prod", func(r *correlate.Rotation) error { return r.MarkDone("langsmith", at("11:20"), "") }); err != nil {
		t.Fatal(err)
	}
	all, err := s.Rotations(ctx, at("00:00"))
	if err != nil || len(all) != 1 || all[0].State != correlate.RotationDone || !all[0].ClosedAt.Equal(at("11:20")) {
		t.Fatalf("stored = %+v %v", all, err)
	}
	if _, err := other.UpdateRotation(ctx, "openai", "prod", func(r *correlate.Rotation) error { return r.Dismiss("x", at("11:30")) }); !errors.Is(err, ErrNoRotation) {
		t.Errorf("a closed rotation was changed: %v", err)
	}

	// A fresh process with the same state dir neither loses it nor opens
	// it again.
	s.Close()
	s3 := open(t, dir, Options{})
	c, err = s3.Commit(ctx, Check{Snapshot: rotSnap(at("11:40"), "sk-proj-…Q7rT")}, correlate.Assess)
	if err != nil || len(c.Report.Rotations) != 1 || c.Report.Rotations[0].State != correlate.RotationDone {
		t.Fatalf("a later run: %+v %v", c.Report.Rotations, err)
	}
	if all, _ := s3.Rotations(ctx, at("00:00")); len(all) != 1 {
		t.Errorf("stored %d rotations, want 1", len(all))
	}

	// Past the retention, the closed checklist is pruned.
	later := at("11:40").Add(DefaultRetention + 24*time.Hour)
	if _, err := s3.Commit(ctx, Check{Snapshot: rotSnap(later, "sk-proj-…Q7rT")}, correlate.Assess); err != nil {
		t.Fatal(err)
	}
	if all, _ := s3.Rotations(ctx, time.Time{}); len(all) != 0 {
		t.Errorf("a checklist closed past the retention was kept: %+v", all)
	}
}
