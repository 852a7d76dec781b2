package correlate

import (
	"fmt"
	"slices"
)

// Word is the verdict in one word: whose trouble it is (DESIGN §3).
type Word string

// The verdict words.
const (
	// WordThem is a vendor's trouble: an outage, posted or not, or a
	// vendor hit through the vendor it depends on.
	WordThem Word = "THEM"
	// WordUs is ours: our network, our config, our billing, our usage.
	WordUs Word = "US"
	// WordKey is a key of ours dead or leaked.
	WordKey Word = "KEY"
	// WordOK is nothing wrong seen.
	WordOK Word = "OK"
	// WordUnknown is nothing could be checked, or what we rely on to tell
	// (a status page) cannot be read.
	WordUnknown Word = "UNKNOWN"
)

// kindWords gives each finding kind the word of its verdict. A key
// rejected while the vendor's incident excuses it is THEM: the finding
// itself says to wait for the vendor and not to rotate yet, so it is no
// dead key for the engineer to act on; once the incident no longer
// excuses it, it is key_revoked, KEY.
var kindWords = map[Kind]Word{
	KindNetworkLocal: WordUs, KindQuotaExceeded: WordUs, KindAccountDisabled: WordUs, KindKeyNoPermission: WordUs,
	KindKeyMisconfigured: WordUs, KindRateLimited: WordUs, KindSecretMissing: WordUs,
	KindKeyRevoked: WordKey, KindKeyLeakSuspected: WordKey, KindAccountKeysRevoked: WordKey, KindKeyDeleted: WordKey,
	KindKeyVanished: WordKey, KindKeyExpiring: WordKey, KindCanaryUsed: WordKey, KindKeyVisibility: WordKey,
	KindInventoryUnreadable: WordUnknown,
	KindVendorOutage:        WordThem, KindVendorOutageUnreported: WordThem, KindVendorIncident: WordThem, KindUpstreamImpact: WordThem,
	KindKeyRejectedDuringIncident: WordThem, KindDashboardDown: WordThem, KindStatusSourceDown: WordUnknown,
	KindTrafficAuthErrors: WordUs, KindTrafficNetworkErrors: WordUs, KindTrafficThrottled: WordUs,
	KindTrafficVendorErrors: WordThem, KindTrafficSourceDown: WordUnknown,
}

// leadOrder breaks ties between findings of one severity: what explains
// the rest first (our network), then what the engineer must act on (a dead
// key), then the vendors' trouble, then the rest.
var leadOrder = []Word{WordUs, WordKey, WordThem, WordUnknown}

// Verdict is the answer a check gives to "is it us or them?", with the
// finding behind it. It heads every view.
type Verdict struct {
	Word Word `json:"word"`
	// Title and Finding are the title and ID of the finding behind the
	// word (empty for a plain OK).
	Title   string `json:"title,omitempty"`
	Finding string `json:"finding,omitempty"`
	// State is that finding's state: pending while it is confirming (the
	// level does not count it yet), closing while its recovery is
	// confirming.
	State State `json:"state,omitempty"`
	// More counts the other open findings of warning or worse.
	More int `json:"more,omitempty"`
	// Silenced counts the findings of warning or worse a silence mutes:
	// they leave the word alone, but the header still says they are there.
	Silenced int `json:"silenced,omitempty"`
}

// String is the verdict as the header says it: "THEM: VAPI outage: …",
// "KEY: OpenAI key prod revoked (+1 more)", "THEM: VAPI failing …
// (confirming)", "OK, recovering from: VAPI outage: …", "OK".
func (v Verdict) String() string {
	s := string(v.Word)
	switch {
	case v.Title == "":
	case v.State == StateClosing:
		s += ", recovering from: " + v.Title
	case v.State == StatePending:
		s += ": " + v.Title + " (confirming)"
	default:
		s += ": " + v.Title
	}
	if v.More > 0 {
		s += fmt.Sprintf(" (+%d more)", v.More)
	}
	if v.Silenced > 0 {
		s += fmt.Sprintf(" (%d silenced)", v.Silenced)
	}
	return s
}

// VerdictOf decides the verdict of a report: the worst open finding, or,
// when none is open, one still confirming (a vendor failing once is not
// healthy), then one recovering. A check that could see nothing is
// UNKNOWN. Silenced findings do not decide it; it counts them.
func VerdictOf(r Report) Verdict {
	v := verdictOf(r)
	for _, f := range r.Findings {
		if f.Silenced != nil && f.Severity.Rank() >= SeverityWarning.Rank() {
			v.Silenced++
		}
	}
	return v
}

// verdictOf is the verdict of the findings no silence mutes.
func verdictOf(r Report) Verdict {
	var open, pending, closing []Finding
	for _, f := range r.Findings {
		if f.Severity.Rank() < SeverityWarning.Rank() || f.Silenced != nil {
			continue
		}
		switch f.State {
		case StatePending:
			pending = append(pending, f)
		case StateClosing:
			closing = append(closing, f)
		default:
			open = append(open, f)
		}
	}
	switch {
	case len(open) > 0:
		v := lead(open)
		v.More = len(open) - 1
		return v
	case len(pending) > 0:
		return lead(pending)
	case r.Overall == LevelUnknown:
		return Verdict{Word: WordUnknown, Title: "nothing could be checked"}
	case len(closing) > 0:
		v := lead(closing)
		v.Word = WordOK
		return v
	}
	if r.Overall != LevelOK {
		// A vendor of which nothing is known, and no finding says why.
		return Verdict{Word: WordUnknown, Title: "a vendor could not be checked"}
	}
	return Verdict{Word: WordOK}
}

// lead is the verdict of the finding that heads fs: the most severe, then
// fresh before stale evidence, then by leadOrder, then before an incident
// a vendor posted that nothing else here confirms, then in report order.
func lead(fs []Finding) Verdict {
	// Vendors that something other than a posted incident is about.
	seen := map[string]bool{}
	for _, f := range fs {
		if f.Kind != KindVendorIncident {
			for _, v := range f.Vendors {
				seen[v] = true
			}
		}
	}
	// alone is 1 for an incident a vendor posted while nothing else is
	// wrong with that vendor here (our keys work there; perhaps a
	// component we do not use), 0 otherwise.
	alone := func(f Finding) int {
		if f.Kind != KindVendorIncident || slices.ContainsFunc(f.Vendors, func(v string) bool { return seen[v] }) {
			return 0
		}
		return 1
	}
	best := slices.MinFunc(fs, func(a, b Finding) int {
		if d := b.Severity.Rank() - a.Severity.Rank(); d != 0 {
			return d
		}
		if a.Stale != b.Stale {
			// What this check saw explains more than what an earlier read did.
			if a.Stale {
				return 1
			}
			return -1
		}
		if d := slices.Index(leadOrder, wordOf(a)) - slices.Index(leadOrder, wordOf(b)); d != 0 {
			return d
		}
		// A vendor we see failing says more than another's posted
		// incident that nothing here confirms: that incident yields. One
		// that explains a finding of its own vendor keeps its place.
		return alone(a) - alone(b)
	})
	return Verdict{Word: wordOf(best), Title: best.Title, Finding: best.ID, State: best.State}
}

// wordOf is whose trouble f is: its own word, else its kind's.
func wordOf(f Finding) Word {
	if f.Word != "" {
		return f.Word
	}
	if w, ok := kindWords[f.Kind]; ok {
		return w
	}
	return WordUnknown
}
