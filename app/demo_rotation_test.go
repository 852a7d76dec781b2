package app

import (
	"context"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/demo"
)

// The demo's rotation checklist: the new key rolled out at 12:20 opens it
// with the key's three holders. VAPI stays pending while its calls end in
// OpenAI's 401 (it still holds the leaked key) and while its records
// cannot be read during its outage, keeping what the last read showed;
// once the team puts the new key into VAPI at 13:30, its calls end
// normally and VAPI is done. The voice backend, the service that held the
// key, is done on our traffic: no more 401s to OpenAI after the rotation.
// The secret store entry waits to be marked by hand.
func TestDemoRotationChecklist(t *testing.T) {
	ctx := context.Background()
	vapiAt := func(until string) correlate.RotationHolder {
		t.Helper()
		d, err := NewDemo(ctx, DemoOptions{Manual: true})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		rep, err := d.replay(ctx, demo.Time(until))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rotations) != 1 || len(rep.Rotations[0].Holders) != 3 {
			t.Fatalf("%s: rotations %+v, want one with three holders", until, rep.Rotations)
		}
		var vapi *correlate.RotationHolder
		for _, h := range rep.Rotations[0].Holders {
			switch {
			case h.Kind == "vendor" && h.Name == "vapi":
				vapi = &h
			case h.Kind == "service" && (h.State != correlate.HolderDone || !strings.Contains(h.Evidence, "traffic recovered")):
				t.Errorf("%s: service %s %s (%s), want done on our traffic", until, h.Name, h.State, h.Evidence)
			case h.Kind == "secret" && h.State == correlate.HolderDone:
				t.Errorf("%s: secret %s done without being marked", until, h.Name)
			}
		}
		if vapi == nil {
			t.Fatalf("%s: no VAPI holder in %+v", until, rep.Rotations[0].Holders)
		}
		return *vapi
	}
	for _, step := range []struct{ until, state, evidence string }{
		{"12:30", "pending", "VAPI still holds the old OpenAI key"},
		{"12:46", "pending", "VAPI still holds the old OpenAI key; VAPI's call records cannot be read now (HTTP 502)"},
		{"13:40", "done", "calls recovered"},
	} {
		h := vapiAt(step.until)
		if string(h.State) != step.state || !strings.Contains(h.Evidence, step.evidence) {
			t.Errorf("%s: VAPI %s (%s), want %s (%s)", step.until, h.State, h.Evidence, step.state, step.evidence)
		}
	}
}
