package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/output"
)

// verifyEvidenceChain checks the chain over the stretch that holds the
// pack's rows, and that each of them is still the row it was.
func verifyEvidenceChain(ctx context.Context, store *history.Store, p *output.EvidencePack, links []history.Link) error {
	started, err := store.ChainStarted(ctx)
	if err != nil {
		return err
	}
	p.Chain.Started = started
	if len(links) == 0 {
		p.Chain.Intact = true
		return nil
	}
	first, last := links[0], links[0]
	for _, l := range links {
		if l.Seq < first.Seq {
			first = l
		}
		if l.Seq > last.Seq {
			last = l
		}
	}
	p.Chain.First = output.EvidenceRef{Seq: first.Seq, Hash: first.Hash}
	p.Chain.Last = output.EvidenceRef{Seq: last.Seq, Hash: last.Hash}
	c, err := store.VerifyChain(ctx, first.Seq, last.Seq)
	if err != nil {
		return err
	}
	p.Chain.Links, p.Chain.Intact = c.Links, c.Intact
	if c.Break != nil {
		p.Chain.Break = describeBreak(*c.Break)
	}
	return nil
}

// describeBreak says where the chain broke and why.
func describeBreak(b history.ChainBreak) string {
	what := "event"
	if b.Link.Table == "evidence" {
		what = "evidence row"
	}
	return fmt.Sprintf("at link #%d (%s %d, recorded %s UTC): %s", b.Link.Seq, what, b.Link.Row, b.Link.At.Format("2006-01-02 15:04:05"), b.Reason)
}

// EvidenceVerdict is what --verify found.
type EvidenceVerdict struct {
	Intact bool
	// Problems are the differences found, a sentence each.
	Problems []string
	// Links counts the chain links checked.
	Links int
}

// VerifyEvidence re-checks a pack written earlier against the history:
// the hash chain over its rows must be intact, every row of the pack must
// still have the hash it had, and the pack's rows must say what the
// history says (a pack edited afterwards does not).
func (a *App) VerifyEvidence(ctx context.Context, pack output.EvidencePack) (EvidenceVerdict, error) {
	store, err := openEvidenceStore(ctx, a.opts.StateDir)
	if err != nil {
		return EvidenceVerdict{}, err
	}
	defer store.Close()
	now, err := a.evidence(ctx, store, EvidenceRequest{Key: pack.Vendor + "/" + pack.KeyName, Since: pack.Since, Until: pack.Until})
	if err != nil {
		return EvidenceVerdict{}, err
	}
	v := EvidenceVerdict{Intact: true, Links: now.Chain.Links}
	fail := func(format string, args ...any) {
		v.Intact = false
		v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
	}
	if !now.Chain.Intact {
		fail("the history's hash chain is broken %s", now.Chain.Break)
	}
	// The pack's own rows, by link, against the history's.
	hashes := map[int64]string{}
	for _, r := range chainedRefs(now) {
		hashes[r.Seq] = r.Hash
	}
	for _, r := range chainedRefs(pack) {
		h, ok := hashes[r.Seq]
		switch {
		case !ok:
			if l, found := store.LinkAt(ctx, r.Seq); found && l.Hash != r.Hash {
				fail("row #%d of the pack has hash %s, the history %s", r.Seq, short(r.Hash), short(l.Hash))
			} else if !found {
				fail("row #%d of the pack is not in the history any more (pruned after the retention, or deleted)", r.Seq)
			}
		case h != r.Hash:
			fail("row #%d of the pack has hash %s, the history %s", r.Seq, short(r.Hash), short(h))
		}
	}
	for _, s := range []struct {
		name      string
		pack, now any
	}{
		{"key list reads", pack.KeyList, now.KeyList},
		{"probes", pack.Probes, now.Probes},
		{"audit-log queries", pack.AuditQueries, now.AuditQueries},
		{"status page", pack.Status, now.Status},
	} {
		x, _ := json.Marshal(s.pack)
		y, _ := json.Marshal(s.now)
		if !bytes.Equal(x, y) {
			fail("the pack's %s differ from what the history holds: the pack was edited after it was written, or the history was", s.name)
		}
	}
	return v, nil
}

// chainedRefs are every chained row of a pack.
func chainedRefs(p output.EvidencePack) []output.EvidenceRef {
	var out []output.EvidenceRef
	add := func(r output.EvidenceRef) {
		if r.Seq != 0 {
			out = append(out, r)
		}
	}
	for _, r := range p.KeyList {
		add(r.EvidenceRef)
	}
	for _, r := range p.Probes {
		add(r.EvidenceRef)
	}
	for _, r := range p.AuditQueries {
		add(r.EvidenceRef)
	}
	for _, r := range p.Status {
		add(r.EvidenceRef)
	}
	return out
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
