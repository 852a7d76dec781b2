package notify

import (
	"context"
	"slices"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// Routing sends each finding to the notifiers that take its vendor, kind
// and keys: the voice team's pager hears of VAPI alone, the key owners'
// channel of revoked keys alone, and an unfiltered notifier of both.
func TestRouting(t *testing.T) {
	vapi := correlate.Finding{ID: "vendor_outage:vapi:", Kind: correlate.KindVendorOutage, Severity: correlate.SeverityCritical,
		Vendors: []string{"vapi"}, Title: "VAPI is down"}
	staging := revoked
	staging.ID, staging.Keys, staging.Title = "key_revoked:openai:staging", []string{"staging"}, "OpenAI key staging revoked"
	voice, keys, prod, all := &recorder{}, &recorder{}, &recorder{}, &recorder{}
	d := New([]Notifier{
		{Name: "voice", Sender: voice, Quiet: -1, Vendors: []string{"vapi", "twilio"}},
		{Name: "keys", Sender: keys, Quiet: -1, Kinds: []string{"key_revoked", "key_expired"}},
		{Name: "prod", Sender: prod, Quiet: -1, Kinds: []string{"key_revoked"}, Keys: []string{"prod"}},
		{Name: "all", Sender: all, Quiet: -1},
	}, Options{})
	for _, r := range []correlate.Report{
		report("10:00"),
		report("10:01", vapi),
		report("10:02", vapi, revoked, staging),
		report("10:03", revoked),
	} {
		d.Observe(r)
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		r    *recorder
		want []string
	}{
		{"voice", voice, []string{"opened critical@10:01", "closed critical@10:03"}},
		{"keys", keys, []string{"opened critical@10:02", "opened critical@10:02", "closed critical@10:03"}},
		{"prod", prod, []string{"opened critical@10:02"}},
		{"all", all, []string{"opened critical@10:01", "opened critical@10:02", "opened critical@10:02", "closed critical@10:03", "closed critical@10:03"}},
	} {
		if !slices.Equal(c.r.got, c.want) {
			t.Errorf("%s got %v, want %v", c.name, c.r.got, c.want)
		}
	}
}

func TestRoutes(t *testing.T) {
	n := Notifier{Vendors: []string{"openai"}, Keys: []string{"prod"}}
	if !n.Routes(revoked) {
		t.Error("a finding of openai's key prod does not pass vendors openai and keys prod")
	}
	other := revoked
	other.Keys = []string{"staging"}
	if n.Routes(other) {
		t.Error("a finding of key staging passes keys prod")
	}
	if !(&Notifier{}).Routes(other) {
		t.Error("a notifier without filters refuses a finding")
	}
}
