package notify

import (
	"context"
	"slices"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// TestFindingWithoutIDTakesCorrelatesKey checks that a finding without an
// ID (a hand-built report, or one from a vendorwatch that wrote none) is
// told apart and announced under correlate's Finding.Key, the name
// correlate itself would give it.
func TestFindingWithoutIDTakesCorrelatesKey(t *testing.T) {
	f := revoked
	f.ID = ""
	other := f
	other.Keys = []string{"ops"}
	rec := &events{}
	d := New([]Notifier{{Name: "team", Sender: rec}}, Options{})
	for _, r := range []correlate.Report{report("10:00"), report("10:01", f, other), report("10:02", f, other)} {
		d.Observe(r)
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range rec.got {
		ids = append(ids, e.Finding.ID)
	}
	if want := []string{"key_revoked:openai:ops", "key_revoked:openai:prod"}; !slices.Equal(ids, want) {
		t.Errorf("announced %q, want %q", ids, want)
	}
	if ids[1] != revoked.ID || PayloadOf(rec.got[1]).Finding.ID != revoked.Key() {
		t.Errorf("the payload's id %q is not correlate's key %q", ids[1], revoked.Key())
	}
}
