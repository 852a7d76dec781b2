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

// LineFormat is the flavour of the one-line status: statusline's formats.
type LineFormat = statusline.Format

// Line formats: tmux status-right with #[…] styles, plain text for shell
// prompts, waybar's JSON, i3blocks' block lines, polybar's %{F…} tags and
// an xbar/SwiftBar plugin's menu.
const (
	LineTmux     = statusline.FormatTmux
	LinePlain    = statusline.FormatPlain
	LineWaybar   = statusline.FormatWaybar
	LineI3blocks = statusline.FormatI3blocks
	LinePolybar  = statusline.FormatPolybar
	LineXbar     = statusline.FormatXbar
)

// LineOptions tunes the status line.
type LineOptions struct {
	Format LineFormat
	// Style is the kind of bar the line is drawn on (default, dark,
	// light), which picks its colours.
	Style statusline.Style
	// ASCII uses X ! o ? instead of ✖ ▲ ● ?.
	ASCII bool
	// MaxWidth caps the visible width in cells (0: no cap). Items that do
	// not fit are dropped whole and replaced by "+N".
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
func Line(r *correlate.Report, o LineOptions) string { return LineOutput(r, o).Text }

// LineOutput is Line with the exit code its format asks for (i3blocks
// reads 33 as urgent). An unknown format renders as tmux.
func LineOutput(r *correlate.Report, o LineOptions) statusline.Output {
	entries := lineEntries(r, o.Names)
	items := make([]statusline.Item, len(entries))
	for i, e := range entries {
		items[i] = statusline.Labelled(e.Level, e.Label, e.Width, o.ASCII)
	}
	if o.Stale && r != nil {
		mark := staleMark(o)
		items = append(items, statusline.Item{Level: statusline.Unknown, Text: mark, Width: ansi.StringWidth(mark)})
	}
	line := statusline.Line{Items: statusline.Fit(items, o.MaxWidth), Style: o.Style}
	if r != nil {
		line.Overall, line.Vendors = statusline.Level(r.Overall), len(r.Vendors)
	}
	if out, ok := statusline.Render(o.Format, line); ok {
		return out
	}
	out, _ := statusline.Render(LineTmux, line)
	return out
}

// LineDigest is what `vendorwatch --tmux` prints of r, ready for its fast
// path (statusline.Answer): the items of the line without their icons,
// with the names r carries, which for the local history's snapshot come
// from the local config.
func LineDigest(r correlate.Report) ([]byte, error) {
	return statusline.Digest{GeneratedAt: r.GeneratedAt, Overall: statusline.Level(r.Overall), Vendors: len(r.Vendors),
		Entries: lineEntries(&r, nil)}.Encode()
}

// lineEntries lists the worst problems first, one per vendor,
// then those still confirming, or a single "N ok" entry when all is well.
func lineEntries(r *correlate.Report, names map[string]string) []statusline.Entry {
	entry := func(l correlate.Level, label string) statusline.Entry {
		return statusline.Entry{Level: statusline.Level(l), Label: label, Width: ansi.StringWidth(label)}
	}
	if r == nil {
		return []statusline.Entry{entry(correlate.LevelUnknown, "vendorwatch")}
	}
	// One item per vendor: its worst finding's (they come worst first).
	// A vendor with an outage and a dead key, or with a confirming and an
	// open finding, is one item, not two; findings of no vendor (our
	// network, Prometheus) are one item per label. Two vendors the config
	// names alike are one item too: the line could not tell them apart.
	type key struct{ vendor, label string }
	seen := map[key]bool{}
	shown := map[string]bool{}
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
			k := key{vendor: id}
			if id == "" {
				k.label = label
			}
			if seen[k] {
				continue
			}
			seen[k] = true
			text := strings.TrimSpace(safeName(vendorName(r, names, id)) + " " + label)
			if text == "" {
				text = "problem"
			}
			if shown[text] {
				continue
			}
			shown[text] = true
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
