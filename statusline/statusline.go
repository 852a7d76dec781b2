// Package statusline lays out vendorwatch's one-line status (tmux
// status-right, shell prompts): labelled items, their icons, the width cap
// and the styles. It also keeps the line digest, the few lines beside the
// snapshot that hold the line's items ready to print, and answers
// `vendorwatch --tmux` from it (Answer, which statusline/fastpath calls
// before the rest of the program starts). For that it imports nothing but
// the standard library: what
// the line says about findings and vendors is decided in output, which
// writes the digest.
package statusline

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
)

// Level is how bad an item is, spelled as correlate.Level spells it.
type Level string

// Levels, from the vocabulary of DESIGN §3.
const (
	OK       Level = "ok"
	Warning  Level = "warning"
	Critical Level = "critical"
	Unknown  Level = "unknown"
)

// Item is one entry of the line: its text and that text's width in cells.
type Item struct {
	Level Level
	Text  string
	Width int
}

// iconWidth is the width in cells of every icon: ✖ ▲ ● ? and X ! o are
// all narrow (a test in output measures them).
const iconWidth = 1

// Icon is the marker for a level: ✖ ▲ ● ?, or X ! o ? with ascii. It is
// the one table of level glyphs: the dashboard draws its levels, finding
// severities, states and probe results with it too, so a level looks the
// same in every view.
func Icon(l Level, ascii bool) string {
	switch l {
	case Critical:
		return pick(ascii, "X", "✖")
	case Warning:
		return pick(ascii, "!", "▲")
	case OK:
		return pick(ascii, "o", "●")
	}
	return "?"
}

func pick(ascii bool, a, u string) string {
	if ascii {
		return a
	}
	return u
}

// Labelled is the item "<icon> <label>", where label is labelWidth cells
// wide.
func Labelled(l Level, label string, labelWidth int, ascii bool) Item {
	return Item{Level: l, Text: Icon(l, ascii) + " " + label, Width: iconWidth + 1 + labelWidth}
}

// Fit drops items from the end until the line, with a "+N" item for what
// was dropped, is at most maxWidth cells (0: no cap). It reports false
// when not even the first item fits alone; the caller then cuts that item.
func Fit(items []Item, maxWidth int) ([]Item, bool) {
	if maxWidth <= 0 {
		return items, true
	}
	for n := len(items); n > 0; n-- {
		dropped := len(items) - n
		w := n - 1 // the spaces between items
		for _, it := range items[:n] {
			w += it.Width
		}
		if dropped == 0 {
			if w <= maxWidth {
				return items, true
			}
			continue
		}
		more := "+" + strconv.Itoa(dropped)
		if w+1+len(more) <= maxWidth {
			out := append(make([]Item, 0, n+1), items[:n]...)
			return append(out, Item{Level: Unknown, Text: more, Width: len(more)}), true
		}
	}
	return nil, len(items) == 0
}

// tmuxColour styles each level in tmux's status line.
var tmuxColour = map[Level]string{
	OK:       "green",
	Warning:  "yellow",
	Critical: "red",
	Unknown:  "colour244",
}

// Join puts the items on one line, each in its level's tmux style when
// styled.
func Join(items []Item, styled bool) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		if styled {
			b.WriteString("#[fg=" + tmuxColour[it.Level] + "]" + it.Text + "#[default]")
		} else {
			b.WriteString(it.Text)
		}
	}
	return b.String()
}

// Waybar renders the JSON that waybar's and i3blocks' custom modules read:
// the items as text, a tooltip with one item a line, and the overall level
// as the class for CSS ("" when there is no report yet).
func Waybar(items []Item, overall Level, vendors int) string {
	class, head := "unknown", "vendorwatch: no data yet"
	if overall != "" {
		class, head = string(overall), "vendorwatch: "+string(overall)+", "+strconv.Itoa(vendors)+" vendors"
	}
	lines := []string{head}
	for _, it := range items {
		lines = append(lines, it.Text)
	}
	b, _ := json.Marshal(struct {
		Text    string `json:"text"`
		Tooltip string `json:"tooltip"`
		Class   string `json:"class"`
		Alt     string `json:"alt"`
	}{Join(items, false), strings.Join(lines, "\n"), class, class})
	return string(b)
}

// StateDir is the directory for vendorwatch's state (DESIGN §5): flagValue
// (--state-dir) when set, else $XDG_STATE_HOME/vendorwatch, else
// ~/.local/state/vendorwatch; "" when no home directory can be found. It
// lives here because the status line must find the digest before anything
// else is loaded.
func StateDir(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if x := os.Getenv("XDG_STATE_HOME"); x != "" && isAbs(x) {
		return joinPath(x, "vendorwatch")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return joinPath(home, ".local", "state", "vendorwatch")
}

// joinPath and isAbs do for the state dir what path/filepath would, which
// this package leaves out: its init runs only once every package it
// imports is initialized, and path/filepath is initialized late, after
// much of what the fast path is there to skip.
func joinPath(elem ...string) string {
	return strings.Join(elem, string(os.PathSeparator))
}

func isAbs(p string) bool {
	if os.PathSeparator == '\\' {
		return len(p) > 2 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') || strings.HasPrefix(p, `\\`)
	}
	return strings.HasPrefix(p, "/")
}
