package output

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"github.com/vendorwatch/vendorwatch/correlate"
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

// lineItem is one entry of the status line.
type lineItem struct {
	level correlate.Level
	text  string
}

// Line renders the report as one status line. r may be nil when there is
// no cached report yet: the line then shows a neutral marker.
func Line(r *correlate.Report, o LineOptions) string {
	items, total := lineItems(r, o)
	if o.Stale && r != nil {
		items = append(items, lineItem{level: correlate.LevelUnknown, text: staleMark(o)})
	}
	items = fitWidth(items, o)
	switch o.Format {
	case LineWaybar:
		return waybar(r, items, total)
	case LinePlain:
		return joinItems(items, false)
	}
	return joinItems(items, true)
}

// lineItems lists the worst problems first, one per vendor and label, or a
// single "N ok" item when all is well.
func lineItems(r *correlate.Report, o LineOptions) ([]lineItem, int) {
	icon := icons(o.ASCII)
	if r == nil {
		return []lineItem{{correlate.LevelUnknown, icon[correlate.LevelUnknown] + " vendorwatch"}}, 0
	}
	type key struct{ vendor, label string }
	seen := map[key]int{}
	var items []lineItem
	findings := slices.Clone(r.Findings)
	slices.SortStableFunc(findings, func(a, b correlate.Finding) int { return b.Severity.Rank() - a.Severity.Rank() })
	for _, f := range findings {
		if f.Severity == correlate.SeverityInfo {
			continue
		}
		label := kindLabel(f.Kind)
		vendors := f.Vendors
		if f.Kind == correlate.KindNetworkLocal || len(vendors) == 0 {
			vendors = []string{""}
		}
		for _, id := range vendors {
			k := key{id, label}
			if _, dup := seen[k]; dup {
				continue
			}
			seen[k] = len(items)
			text := strings.TrimSpace(safeName(vendorName(r, o.Names, id)) + " " + label)
			if text == "" {
				text = "problem"
			}
			lvl := f.Severity.Level()
			items = append(items, lineItem{lvl, icon[lvl] + " " + text})
		}
	}
	if len(items) > 0 {
		return items, len(r.Vendors)
	}
	if r.Overall == correlate.LevelUnknown {
		return []lineItem{{correlate.LevelUnknown, icon[correlate.LevelUnknown] + " no data"}}, len(r.Vendors)
	}
	return []lineItem{{correlate.LevelOK, fmt.Sprintf("%s %d ok", icon[correlate.LevelOK], len(r.Vendors))}}, len(r.Vendors)
}

func icons(ascii bool) map[correlate.Level]string {
	if ascii {
		return map[correlate.Level]string{correlate.LevelCritical: "X", correlate.LevelWarning: "!", correlate.LevelOK: "o", correlate.LevelUnknown: "?"}
	}
	return map[correlate.Level]string{correlate.LevelCritical: "✖", correlate.LevelWarning: "▲", correlate.LevelOK: "●", correlate.LevelUnknown: "?"}
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
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 24 {
		s = string(r[:23]) + "…"
	}
	return s
}

func staleMark(o LineOptions) string {
	mark := "⌛"
	if o.ASCII {
		mark = "stale"
	}
	return mark + " " + correlate.Span(o.Age)
}

// fitWidth drops items from the end until the line, with a "+N" marker for
// what was dropped, fits MaxWidth cells.
func fitWidth(items []lineItem, o LineOptions) []lineItem {
	if o.MaxWidth <= 0 {
		return items
	}
	width := func(its []lineItem, dropped int) int {
		w := 0
		for i, it := range its {
			if i > 0 {
				w++
			}
			w += ansi.StringWidth(it.text)
		}
		if dropped > 0 {
			w += 1 + len(fmt.Sprintf("+%d", dropped))
		}
		return w
	}
	for n := len(items); n > 0; n-- {
		if width(items[:n], len(items)-n) <= o.MaxWidth {
			if n == len(items) {
				return items
			}
			return append(slices.Clone(items[:n]), lineItem{correlate.LevelUnknown, fmt.Sprintf("+%d", len(items)-n)})
		}
	}
	// Not even one item fits: cut the first one.
	first := items[0]
	first.text = ansi.Truncate(first.text, o.MaxWidth, "")
	return []lineItem{first}
}

var tmuxColour = map[correlate.Level]string{
	correlate.LevelOK:       "green",
	correlate.LevelWarning:  "yellow",
	correlate.LevelCritical: "red",
	correlate.LevelUnknown:  "colour244",
}

func joinItems(items []lineItem, styled bool) string {
	parts := make([]string, len(items))
	for i, it := range items {
		if styled {
			parts[i] = "#[fg=" + tmuxColour[it.level] + "]" + it.text + "#[default]"
		} else {
			parts[i] = it.text
		}
	}
	return strings.Join(parts, " ")
}

// waybar renders the JSON that waybar's and i3blocks' custom modules read:
// text, a tooltip, and a class for CSS.
func waybar(r *correlate.Report, items []lineItem, total int) string {
	class := "unknown"
	tooltip := "vendorwatch: no data yet"
	if r != nil {
		class = string(r.Overall)
		tooltip = fmt.Sprintf("vendorwatch: %s, %d vendors", r.Overall, total)
	}
	lines := []string{tooltip}
	for _, it := range items {
		lines = append(lines, it.text)
	}
	b, _ := json.Marshal(struct {
		Text    string `json:"text"`
		Tooltip string `json:"tooltip"`
		Class   string `json:"class"`
		Alt     string `json:"alt"`
	}{joinItems(items, false), strings.Join(lines, "\n"), class, class})
	return string(b)
}
