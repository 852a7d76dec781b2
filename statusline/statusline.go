// Package statusline lays out vendorwatch's one-line status (tmux
// status-right, shell prompts, i3blocks, polybar, waybar, xbar): labelled
// items, their icons, the width cap, the styles and the formats. It also keeps the line digest, the few lines beside the
// snapshot that hold the line's items ready to print, and answers
// `vendorwatch --tmux` from it (Answer, which statusline/fastpath calls
// before the rest of the program starts). For that it imports nothing but
// the few standard packages that initialize early (text.go): what
// the line says about findings and vendors is decided in output, which
// writes the digest.
package statusline

import (
	"os"
	"strconv"
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

// Known is l when it is one of the four levels, else Unknown. A report
// read from a snapshot, a digest or a --remote server may say anything;
// only a level of the vocabulary reaches a bar's text or CSS class.
func Known(l Level) Level {
	switch l {
	case OK, Warning, Critical, Unknown:
		return l
	}
	return Unknown
}

// Item is one entry of the line: its text and that text's width in cells.
// More is how many items a "+N" item stands for (0 for any other item).
type Item struct {
	Level Level
	Text  string
	Width int
	More  int
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

// Fit drops whole items from the end until the line, with a "+N" item for
// what was dropped, is at most maxWidth cells (0: no cap). No item is ever
// cut: when not even the first fits beside its "+N", the line is "+N" alone,
// and when not even that fits, it is empty. The "+N" item takes the level
// of the worst item it stands for, so a dropped problem keeps its colour.
func Fit(items []Item, maxWidth int) []Item {
	if maxWidth <= 0 || width(items) <= maxWidth {
		return items
	}
	for n := len(items) - 1; n >= 0; n-- {
		more := moreItem(items[n:])
		kept := append(append(make([]Item, 0, n+1), items[:n]...), more)
		if width(kept) <= maxWidth {
			return kept
		}
	}
	return nil
}

// width is the cells the items take on one line, a space between each two.
func width(items []Item) int {
	w := max(len(items)-1, 0)
	for _, it := range items {
		w += it.Width
	}
	return w
}

// moreItem is the "+N" item standing for the dropped items, at the level
// of the worst of them.
func moreItem(dropped []Item) Item {
	text := "+" + strconv.Itoa(len(dropped))
	return Item{Level: Worst(dropped), Text: text, Width: len(text), More: len(dropped)}
}

// Worst is the most urgent level among the items: critical, then warning,
// then unknown, then ok; unknown when there are none.
func Worst(items []Item) Level {
	worst, rank := Unknown, -1
	for _, it := range items {
		if r := urgency(it.Level); r > rank {
			worst, rank = it.Level, r
		}
	}
	return worst
}

// urgency orders levels for Worst and for a bar's single colour.
func urgency(l Level) int {
	switch l {
	case Critical:
		return 3
	case Warning:
		return 2
	case Unknown:
		return 1
	case OK:
		return 0
	}
	return 1
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
	return join(elem, string(os.PathSeparator))
}

func isAbs(p string) bool {
	if os.PathSeparator == '\\' {
		return len(p) > 2 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') || hasPrefix(p, `\\`)
	}
	return hasPrefix(p, "/")
}
