package output

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// LineFormat is the flavour of the one-line status.
type LineFormat string

// Line formats: tmux status-right with #[fg=…] styles, plain text for shell
// prompts, and waybar/i3blocks JSON.
const (
	LineTmux   LineFormat = "tmux"
	LinePlain  LineFormat = "plain"
	LineWaybar LineFormat = "waybar"
)

// LineOptions tunes the status line.
type LineOptions struct {
	Format LineFormat
	// ASCII uses X ! o ? instead of ✖ ▲ ● ?.
	ASCII bool
	// MaxWidth caps the visible width in cells (0: no cap). Items that do
	// not fit are replaced by "+N".
	MaxWidth int
	// Names maps vendor ids to the names the local config gives them. Only
	// these names, sanitized, and fixed labels reach the line: a report may
	// come from a remote server, and tmux interprets #(…) and #[…].
	Names map[string]string
	// Age is how old the report is; Stale marks it as old.
	Age   time.Duration
	Stale bool
}

// Line renders the report as one status line. r may be nil when there is
// no cached report yet: the line then shows a neutral marker.
func Line(r *correlate.Report, o LineOptions) string {
	entries := lineEntries(r, o.Names)
	items := make([]statusline.Item, len(entries))
	for i, e := range entries {
		items[i] = statusline.Labelled(e.Level, e.Label, e.Width, o.ASCII)
	}
	if o.Stale && r != nil {
		mark := staleMark(o)
		items = append(items, statusline.Item{Level: statusline.Unknown, Text: mark, Width: ansi.StringWidth(mark)})
	}
	fitted, ok := statusline.Fit(items, o.MaxWidth)
	if !ok {
		// Not even one item fits: cut the first one.
		first := items[0]
		first.Text = ansi.Truncate(first.Text, o.MaxWidth, "")
		fitted = []statusline.Item{first}
	}
	switch o.Format {
	case LineWaybar:
		if r == nil {
			return statusline.Waybar(fitted, "", 0)
		}
		return statusline.Waybar(fitted, statusline.Level(r.Overall), len(r.Vendors))
	case LinePlain:
		return statusline.Join(fitted, false)
	}
	return statusline.Join(fitted, true)
}

// LineDigest is what `vendorwatch --tmux` prints of r, ready for its fast
// path (statusline.Answer): the items of the line without their icons,
// with the names r carries, which for the local history's snapshot come
// from the local config.
func LineDigest(r correlate.Report) ([]byte, error) {
	return statusline.Digest{GeneratedAt: r.GeneratedAt, Overall: statusline.Level(r.Overall), Vendors: len(r.Vendors),
		Entries: lineEntries(&r, nil)}.Encode()
}

// lineEntries lists the worst problems first, one per vendor and label,
// then those still confirming, or a single "N ok" entry when all is well.
func lineEntries(r *correlate.Report, names map[string]string) []statusline.Entry {
	entry := func(l correlate.Level, label string) statusline.Entry {
		return statusline.Entry{Level: statusline.Level(l), Label: label, Width: ansi.StringWidth(label)}
	}
	if r == nil {
		return []statusline.Entry{entry(correlate.LevelUnknown, "vendorwatch")}
	}
	type key struct{ vendor, label string }
	seen := map[key]bool{}
	var entries []statusline.Entry
	// What counts comes first, worst first; then what is still confirming,
	// marked unknown ("? VAPI": not sure yet). What is recovering is left
	// out: the level no longer counts it.
	rank := func(f correlate.Finding) int {
		if f.State == correlate.StatePending {
			return -1
		}
		return f.Severity.Rank()
	}
	findings := slices.Clone(r.Findings)
	slices.SortStableFunc(findings, func(a, b correlate.Finding) int { return rank(b) - rank(a) })
	for _, f := range findings {
		if f.Severity == correlate.SeverityInfo || f.State == correlate.StateClosing || f.Silenced != nil {
			continue
		}
		level := f.Severity.Level()
		if f.State == correlate.StatePending {
			level = correlate.LevelUnknown
		}
		label := kindLabel(f.Kind)
		vendors := f.Vendors
		if f.Kind == correlate.KindNetworkLocal || len(vendors) == 0 {
			vendors = []string{""}
		}
		for _, id := range vendors {
			k := key{id, label}
			if seen[k] {
				continue
			}
			seen[k] = true
			text := strings.TrimSpace(safeName(vendorName(r, names, id)) + " " + label)
			if text == "" {
				text = "problem"
			}
			entries = append(entries, entry(level, text))
		}
	}
	if len(entries) > 0 {
		return entries
	}
	if r.Overall == correlate.LevelUnknown {
		return []statusline.Entry{entry(correlate.LevelUnknown, "no data")}
	}
	return []statusline.Entry{entry(correlate.LevelOK, fmt.Sprintf("%d ok", len(r.Vendors)))}
}

// kindLabel is the fixed word shown after a vendor name for a finding
// kind; vendor-wide kinds show the name alone.
func kindLabel(k correlate.Kind) string {
	switch k {
	case correlate.KindNetworkLocal:
		return "our network"
	case correlate.KindKeyRevoked, correlate.KindKeyLeakSuspected, correlate.KindAccountKeysRevoked,
		correlate.KindKeyDeleted, correlate.KindKeyVanished, correlate.KindKeyRejectedDuringIncident, correlate.KindKeyExpiring:
		return "key"
	case correlate.KindAccountDisabled:
		return "account"
	case correlate.KindQuotaExceeded:
		return "quota"
	case correlate.KindKeyNoPermission, correlate.KindKeyMisconfigured:
		return "key config"
	case correlate.KindRateLimited:
		return "rate limit"
	case correlate.KindSecretMissing:
		return "secret"
	case correlate.KindStatusSourceDown:
		return "status page"
	case correlate.KindTrafficAuthErrors, correlate.KindTrafficVendorErrors, correlate.KindTrafficNetworkErrors, correlate.KindTrafficThrottled:
		return "traffic"
	case correlate.KindTrafficSourceDown:
		return "prometheus"
	}
	return ""
}

// vendorName prefers the local config's name, then the id; the report's
// own name is used only when neither is known.
func vendorName(r *correlate.Report, names map[string]string, id string) string {
	if id == "" {
		return ""
	}
	if n, ok := names[id]; ok && n != "" {
		return n
	}
	if names == nil {
		if v, ok := r.Vendor(id); ok && v.Name != "" {
			return v.Name
		}
	}
	return id
}

// safeName keeps letters, digits and a few punctuation marks. '#' never
// survives, so tmux cannot be made to run #(…) or restyle with #[…], and
// '<' and '&' never survive, so Pango markup in waybar stays inert.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r):
			return r
		case strings.ContainsRune(" .-_()+/", r):
			return r
		}
		return -1
	}, s)
	return termtext.Clip(strings.Join(strings.Fields(s), " "), 24)
}

func staleMark(o LineOptions) string {
	mark := "⌛"
	if o.ASCII {
		mark = "stale"
	}
	return mark + " " + correlate.Span(o.Age)
}
