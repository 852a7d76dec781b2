package output

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/colorprofile"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// TableOptions tunes the text table.
type TableOptions struct {
	// NoColor forces plain text even on a colour terminal. Colour is also
	// off when w is not a terminal or NO_COLOR is set.
	NoColor bool
	// Env is the environment used to detect colour support (os.Environ()
	// when nil).
	Env []string
}

var (
	styleOK       = lipgloss.NewStyle().Foreground(lipgloss.Green)
	styleWarning  = lipgloss.NewStyle().Foreground(lipgloss.Yellow)
	styleCritical = lipgloss.NewStyle().Foreground(lipgloss.Red).Bold(true)
	styleMuted    = lipgloss.NewStyle().Foreground(lipgloss.BrightBlack)
	styleHeader   = lipgloss.NewStyle().Bold(true)
)

// LevelStyle is the colour of a level.
func levelStyle(l correlate.Level) lipgloss.Style {
	switch l {
	case correlate.LevelOK:
		return styleOK
	case correlate.LevelWarning:
		return styleWarning
	case correlate.LevelCritical:
		return styleCritical
	}
	return styleMuted
}

func severityStyle(s correlate.Severity) lipgloss.Style {
	return levelStyle(s.Level())
}

// WriteTable writes the human summary of --once: one row per vendor, then
// the findings with their first piece of advice.
func WriteTable(w io.Writer, r correlate.Report, o TableOptions) error {
	env := o.Env
	if env == nil {
		env = os.Environ()
	}
	cw := colorprofile.NewWriter(w, env)
	if o.NoColor || noColorEnv(env) {
		cw.Profile = colorprofile.NoTTY // plain text: no colour, no bold
	}
	_, err := io.WriteString(cw, renderTable(r))
	return err
}

func renderTable(r correlate.Report) string {
	var b strings.Builder
	rows := make([][]string, 0, len(r.Vendors))
	for _, v := range r.Vendors {
		rows = append(rows, []string{
			v.Name, string(v.Level), stateText(v.Status.State), incidentsText(v.Status),
			reachText(v.Reachability), keysText(v.Keys), sourceText(v.Status),
		})
	}
	t := table.New().
		Border(lipgloss.HiddenBorder()).BorderTop(false).BorderBottom(false).BorderLeft(false).
		BorderRight(false).BorderHeader(false).BorderColumn(true).
		Headers("VENDOR", "LEVEL", "STATUS", "INCIDENTS", "REACH", "KEYS", "SOURCE").
		Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			s := lipgloss.NewStyle()
			if row == table.HeaderRow {
				return styleHeader
			}
			if col == 1 {
				return levelStyle(r.Vendors[row].Level)
			}
			if col == 6 && !sourcesOK(r.Vendors[row].Status) {
				return styleWarning
			}
			return s
		})
	b.WriteString(t.Render())
	b.WriteString("\n")
	b.WriteString(renderKeys(r))
	fmt.Fprintf(&b, "\n%s %s", styleHeader.Render("Overall:"), levelStyle(r.Overall).Render(strings.ToUpper(string(r.Overall))))
	fmt.Fprintf(&b, "  %s\n", styleMuted.Render("checked "+r.GeneratedAt.Local().Format("2006-01-02 15:04:05 MST")))
	if len(r.Findings) == 0 {
		b.WriteString(styleOK.Render("No findings: every vendor looks healthy.") + "\n")
		return b.String()
	}
	b.WriteString("\n" + styleHeader.Render("Findings") + "\n")
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s %s\n", severityStyle(f.Severity).Render(fmt.Sprintf("%-8s", f.Severity)), f.Title)
		if f.Detail != "" {
			fmt.Fprintf(&b, "         %s\n", styleMuted.Render(f.Detail))
		}
		if len(f.Advice) > 0 {
			fmt.Fprintf(&b, "         → %s\n", f.Advice[0])
		}
	}
	return b.String()
}

func stateText(s observe.State) string {
	return strings.ReplaceAll(string(s), "_", " ")
}

func incidentsText(s observe.Status) string {
	open := s.Open()
	switch len(open) {
	case 0:
		return "-"
	case 1:
		return termtext.Clip(open[0].Title, 40)
	}
	return fmt.Sprintf("%d open: %s", len(open), termtext.Clip(open[0].Title, 30))
}

func reachText(r *observe.Reachability) string {
	if r == nil {
		return "-"
	}
	if r.Result == observe.ResultReachable {
		return fmt.Sprintf("ok %dms", r.LatencyMS)
	}
	return string(r.Result)
}

func keysText(keys []observe.KeyResult) string {
	if len(keys) == 0 {
		return "-"
	}
	ok := 0
	for _, k := range keys {
		if k.Result == observe.ResultOK {
			ok++
		}
	}
	if ok == len(keys) {
		return fmt.Sprintf("%d ok", ok)
	}
	return fmt.Sprintf("%d/%d failing", len(keys)-ok, len(keys))
}

func sourcesOK(s observe.Status) bool {
	for _, src := range s.Sources {
		if !src.OK {
			return false
		}
	}
	return true
}

func sourceText(s observe.Status) string {
	if len(s.Sources) == 0 {
		return "-"
	}
	src := s.Sources[0]
	for _, x := range s.Sources {
		if !x.OK {
			src = x
			break
		}
	}
	if !src.OK {
		return "error: " + termtext.Clip(src.Error, 40)
	}
	txt := fmt.Sprintf("%s %s", src.Format, (time.Duration(src.LatencyMS) * time.Millisecond).String())
	if src.Detected {
		txt += " (detected)"
	}
	return txt
}

// noColorEnv reports whether NO_COLOR is set to anything (no-color.org).
func noColorEnv(env []string) bool {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			return true
		}
	}
	return false
}
