package app

import (
	"context"
	"time"

	"github.com/vendorwatch/vendorwatch/demo"
	"github.com/vendorwatch/vendorwatch/output"
)

// demoEvidenceFrom is where the demo's evidence window starts: before the
// leaked key is first rejected at 10:57.
const demoEvidenceFrom = 10 * time.Hour

// DemoEvidence replays the demo's story to 12:46, as --demo --once does,
// and writes the evidence pack of key (VENDOR/NAME, openai/prod by
// default) from the demo's history: the probes of the leaked key with
// OpenAI's request ids, the status page as it was, and the hash chain over
// it all. Nothing of it is kept when it returns.
func DemoEvidence(ctx context.Context, key string) (output.EvidencePack, error) {
	d, err := NewDemo(ctx, DemoOptions{Manual: true})
	if err != nil {
		return output.EvidencePack{}, err
	}
	defer d.Close()
	until := demo.Time(demoOnceAt)
	if _, err := d.replay(ctx, until); err != nil {
		return output.EvidencePack{}, err
	}
	if key == "" {
		key = "openai/prod"
	}
	a := &App{Vendors: d.vendors, Source: "the demo", opts: Options{Clock: func() time.Time { return until }}}
	return a.evidence(ctx, d.store, EvidenceRequest{Key: key, Since: demo.Day.Add(demoEvidenceFrom), Until: until})
}
