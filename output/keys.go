package output

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// keyRow is one probed key with the vendor it belongs to.
type keyRow struct {
	vendor string
	key    observe.KeyResult
}

// renderKeys is the table's keys section: one row per probed key with its
// fingerprint (never more), result, HTTP status, vendor code, streak and
// what the vendor said. It is empty when no key is configured.
func renderKeys(r correlate.Report) string {
	var keys []keyRow
	for _, v := range r.Vendors {
		for _, k := range v.Keys {
			keys = append(keys, keyRow{v.Name, k})
		}
	}
	if len(keys) == 0 {
		return ""
	}
	rows := make([][]string, 0, len(keys))
	for _, kr := range keys {
		k := kr.key
		name := k.Name
		if k.Canary {
			name += " (canary)"
		}
		rows = append(rows, []string{kr.vendor, name, orDash(k.Fingerprint), correlate.ResultWord(k.Result), statusText(k.HTTPStatus),
			orDash(termtext.Clip(k.Code, 24)), streakText(k, r), orDash(termtext.Clip(keyNote(k), 60))})
	}
	t := table.New().
		Border(lipgloss.HiddenBorder()).BorderTop(false).BorderBottom(false).BorderLeft(false).
		BorderRight(false).BorderHeader(false).BorderColumn(true).
		Headers("VENDOR", "KEY", "FINGERPRINT", "RESULT", "HTTP", "CODE", "STREAK", "NOTE").
		Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			if row == table.HeaderRow {
				return styleHeader
			}
			if col == 3 {
				return resultStyle(keys[row].key.Result)
			}
			return lipgloss.NewStyle()
		})
	return "\n" + styleHeader.Render("Keys") + "\n" + t.Render() + "\n"
}

// resultStyle colours a key result by its level in correlate's results
// table: green when the key works, red when the key or account is dead,
// yellow for everything that needs a look.
func resultStyle(res observe.Result) lipgloss.Style {
	return levelStyle(correlate.ResultLevel(res))
}

func statusText(code int) string {
	if code == 0 {
		return "-"
	}
	return strconv.Itoa(code)
}

// streakText says how long the key has had its result: "×3 since 10:57".
func streakText(k observe.KeyResult, r correlate.Report) string {
	if k.Consecutive == 0 {
		return "-"
	}
	s := fmt.Sprintf("×%d", k.Consecutive)
	if !k.Since.IsZero() {
		layout := "15:04"
		if y, m, d := k.Since.Local().Date(); y != r.GeneratedAt.Local().Year() || m != r.GeneratedAt.Local().Month() || d != r.GeneratedAt.Local().Day() {
			layout = "2006-01-02 15:04"
		}
		s += " since " + k.Since.Local().Format(layout)
	}
	return s
}

// keyNote is the vendor's message, or our hint when there is no message.
// Both were scrubbed when the probe ran; they are cleaned again here
// because a report may come from elsewhere (--remote, a saved snapshot).
func keyNote(k observe.KeyResult) string {
	note := k.Message
	if note == "" {
		note = k.Hint
	}
	return termtext.Line(note)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
