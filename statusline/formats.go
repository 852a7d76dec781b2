package statusline

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Format is a flavour of the line: the program that reads it.
type Format string

// Formats of the line.
const (
	// FormatTmux is tmux's status-right, with #[…] styles.
	FormatTmux Format = "tmux"
	// FormatPlain is bare text, for shell prompts.
	FormatPlain Format = "plain"
	// FormatWaybar is the JSON of waybar's custom module.
	FormatWaybar Format = "waybar"
	// FormatI3blocks is i3blocks' raw block output: full_text, short_text
	// and color, one a line, and exit code 33 for urgent.
	FormatI3blocks Format = "i3blocks"
	// FormatPolybar is one line with polybar's %{F#RRGGBB}…%{F-} tags, for
	// a custom/script module.
	FormatPolybar Format = "polybar"
	// FormatXbar is an xbar or SwiftBar plugin's output: the menu bar
	// title, "---", then one line per item with its colour.
	FormatXbar Format = "xbar"
)

// Line is what every format renders: the items that fit, the report's
// overall level and vendor count (Overall "" when there is no report yet)
// and the kind of bar it is drawn on.
type Line struct {
	Items   []Item
	Overall Level
	Vendors int
	Style   Style
}

// Output is a rendered line: the text to print, without its final
// newline, and the exit code the bar reads (i3blocks takes 33 as urgent;
// every other format exits 0).
type Output struct {
	Text string
	Exit int
}

// I3blocksUrgent is the exit code with which i3blocks marks a block urgent.
const I3blocksUrgent = 33

// renderers is the one table of formats: the fast path and the whole
// program both render through it.
var renderers = map[Format]func(Line) Output{
	FormatTmux:     func(l Line) Output { return Output{Text: tmux(l.Items, l.Style)} },
	FormatPlain:    func(l Line) Output { return Output{Text: Plain(l.Items)} },
	FormatWaybar:   func(l Line) Output { return Output{Text: waybar(l)} },
	FormatI3blocks: i3blocks,
	FormatPolybar:  func(l Line) Output { return Output{Text: polybar(l.Items, l.Style)} },
	FormatXbar:     func(l Line) Output { return Output{Text: xbar(l)} },
}

// Formats lists the formats in the order help text gives them.
var Formats = []Format{FormatTmux, FormatPlain, FormatWaybar, FormatI3blocks, FormatPolybar, FormatXbar}

// Render renders l in format f; false when f is no format of the line.
func Render(f Format, l Line) (Output, bool) {
	r, ok := renderers[f]
	if !ok {
		return Output{}, false
	}
	return r(l), true
}

// Plain puts the items on one line, a space between each two.
func Plain(items []Item) string {
	texts := make([]string, len(items))
	for i, it := range items {
		texts[i] = it.Text
	}
	return strings.Join(texts, " ")
}

// tmux puts each item in its level's #[…] style for the bar, reset to the
// bar's own style after it.
func tmux(items []Item, s Style) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("#[" + tmuxStyle(s, it.Level) + "]" + it.Text + "#[default]")
	}
	return b.String()
}

// polybar colours each item with polybar's foreground tag, %{F#RRGGBB},
// closed by %{F-}. Item texts hold no '%' or '{' (validEntry, safeName),
// so no text can open a tag of its own.
func polybar(items []Item, s Style) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("%{F" + hexColour(s, it.Level) + "}" + it.Text + "%{F-}")
	}
	return b.String()
}

// i3blocks is the block's raw output, as i3blocks reads a command's
// lines: full_text (every item), short_text (the first item and how many
// more, for a crowded bar) and color (the worst item's). A critical item
// makes the block urgent, which i3blocks reads from exit code 33. With no
// item the full_text is empty, and i3blocks then leaves the block out.
func i3blocks(l Line) Output {
	worst := Worst(l.Items)
	out := Output{Text: Plain(l.Items) + "\n" + short(l.Items) + "\n" + hexColour(l.Style, worst)}
	if worst == Critical {
		out.Exit = I3blocksUrgent
	}
	return out
}

// short is the first item and, when there are more, "+N" for them.
func short(items []Item) string {
	if len(items) == 0 {
		return ""
	}
	more := 0
	for _, it := range items[1:] {
		more += max(it.More, 1)
	}
	if more == 0 {
		return items[0].Text
	}
	return items[0].Text + " +" + strconv.Itoa(more)
}

// xbar is an xbar (and SwiftBar) plugin's output: the menu bar title (the
// first item and how many more), "---", then the dropdown: the report's
// overall level, one line per item in its colour, and a refresh item.
// Everything after a '|' is parameters to xbar; item texts hold no '|'
// (validEntry, safeName), so no text can add one.
func xbar(l Line) string {
	var b strings.Builder
	title := short(l.Items)
	if title == "" {
		title = "vendorwatch"
	}
	b.WriteString(title)
	if w := Worst(l.Items); w != OK {
		b.WriteString(" | color=" + hexColour(l.Style, w))
	}
	b.WriteString("\n---\n" + headline(l.Overall, l.Vendors) + "\n")
	for _, it := range l.Items {
		b.WriteString(it.Text + " | color=" + hexColour(l.Style, it.Level) + "\n")
	}
	b.WriteString("---\nRefresh | refresh=true")
	return b.String()
}

// headline says the report's overall level and how many vendors it covers.
func headline(overall Level, vendors int) string {
	if overall == "" {
		return "vendorwatch: no data yet"
	}
	return "vendorwatch: " + string(overall) + ", " + strconv.Itoa(vendors) + " vendors"
}

// waybar renders the JSON that waybar's custom module reads: the items as
// text, a tooltip with one item a line, and the overall level as the class
// for CSS ("unknown" when there is no report yet).
func waybar(l Line) string {
	class := "unknown"
	if l.Overall != "" {
		class = string(l.Overall)
	}
	lines := []string{headline(l.Overall, l.Vendors)}
	for _, it := range l.Items {
		lines = append(lines, it.Text)
	}
	b, _ := json.Marshal(struct {
		Text    string `json:"text"`
		Tooltip string `json:"tooltip"`
		Class   string `json:"class"`
		Alt     string `json:"alt"`
	}{Plain(l.Items), strings.Join(lines, "\n"), class, class})
	return string(b)
}
