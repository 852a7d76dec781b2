package correlate

import (
	"fmt"
	"time"
)

// Headline is one line about a rotation, the same in every view:
// "openai/prod rotated 2026-05-21 11:05 UTC (sk-proj-…MxYA →
// sk-proj-…Q7rT): open, 1 of 2 holders pending".
func (r Rotation) Headline() string {
	s := fmt.Sprintf("%s rotated %s (%s → %s): %s", r.Subject(), stamp(r.RotatedAt), dash(r.From), dash(r.To), r.State)
	switch {
	case r.Open():
		s += fmt.Sprintf(", %d of %d holders pending", len(r.Pending()), len(r.Holders))
	case !r.ClosedAt.IsZero():
		s += " " + stamp(r.ClosedAt)
	}
	if r.Reason != "" {
		s += " (" + r.Reason + ")"
	}
	return s
}

// StateText is "pending", or "done (calls) 2026-05-21 11:40 UTC".
func (h RotationHolder) StateText() string {
	if h.State == HolderDone {
		return fmt.Sprintf("%s (%s) %s", h.State, h.How, stamp(h.At))
	}
	return string(h.State)
}

// Line is a holder's state and evidence: "done (calls) 2026-05-21 11:40
// UTC: calls recovered: …" or "pending: waiting …".
func (h RotationHolder) Line() string {
	if h.Evidence == "" {
		return h.StateText()
	}
	return h.StateText() + ": " + h.Evidence
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
