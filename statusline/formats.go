package statusline

import (
	"strconv"
	"unicode/utf8"
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
	return join(texts, " ")
}

// tmux puts each item in its level's #[…] style for the bar, reset to the
// bar's own style after it.
func tmux(items []Item, s Style) string {
	var b []byte
	for i, it := range items {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, "#["+tmuxStyle(s, it.Level)+"]"+it.Text+"#[default]"...)
	}
	return string(b)
}

// polybar colours each item with polybar's foreground tag, %{F#RRGGBB},
// closed by %{F-}. Item texts hold no '%' or '{' (validEntry, safeName),
// so no text can open a tag of its own.
func polybar(items []Item, s Style) string {
	var b []byte
	for i, it := range items {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, "%{F"+hexColour(s, it.Level)+"}"+it.Text+"%{F-}"...)
	}
	return string(b)
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
	title := short(l.Items)
	if title == "" {
		title = "vendorwatch"
	}
	b := []byte(title)
	if w := Worst(l.Items); w != OK {
		b = append(b, " | color="+hexColour(l.Style, w)...)
	}
	b = append(b, "\n---\n"+headline(l.Overall, l.Vendors)+"\n"...)
	for _, it := range l.Items {
		b = append(b, it.Text+" | color="+hexColour(l.Style, it.Level)+"\n"...)
	}
	b = append(b, "---\nRefresh | refresh=true"...)
	return string(b)
}

// headline says the report's overall level and how many vendors it covers.
func headline(overall Level, vendors int) string {
	if overall == "" {
		return "vendorwatch: no data yet"
	}
	return "vendorwatch: " + string(Known(overall)) + ", " + strconv.Itoa(vendors) + " vendors"
}

// waybar renders the JSON that waybar's custom module reads: the items as
// text, a tooltip with one item a line, and the overall level as the class
// for CSS ("unknown" when there is no report yet).
func waybar(l Line) string {
	class := "unknown"
	if l.Overall != "" {
		class = string(Known(l.Overall))
	}
	lines := []string{headline(l.Overall, l.Vendors)}
	for _, it := range l.Items {
		lines = append(lines, it.Text)
	}
	b := []byte(`{"text":`)
	b = appendJSONString(b, Plain(l.Items))
	b = append(b, `,"tooltip":`...)
	b = appendJSONString(b, join(lines, "\n"))
	b = append(b, `,"class":`...)
	b = appendJSONString(b, class)
	b = append(b, `,"alt":`...)
	b = appendJSONString(b, class)
	return string(append(b, '}'))
}

// appendJSONString appends s as a JSON string exactly as encoding/json
// would (a test holds the two together): the short escapes, \u00XX for
// other control characters, '<', '>' and '&' escaped for HTML, U+2028 and
// U+2029 escaped for JavaScript, and each byte of invalid UTF-8 as
// U+FFFD. The line is encoded by hand because encoding/json, with the
// reflection it needs, initializes after much of what the fast path is
// there to skip (see text.go).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, `\u00`...)
				b = append(b, hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
