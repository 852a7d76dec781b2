package output

import (
	"fmt"
	"io"
	"os"
	"strings"

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

// levelStyle is the colour of a level.
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

// cellStyle colours a vendor cell that needs a look in its level's colour;
// a cell that is fine, or says nothing, stays plain.
func cellStyle(l correlate.Level) lipgloss.Style {
	if l == correlate.LevelWarning || l == correlate.LevelCritical {
		return levelStyle(l)
	}
	return lipgloss.NewStyle()
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
	b.WriteString(verdictLine(r))
	rows := make([][]string, 0, len(r.Vendors))
	// styles colours the cells of each row: LEVEL in its level's colour,
	// REACH, KEYS, SOURCE and TRAFFIC only when they need a look.
	styles := make([][]lipgloss.Style, 0, len(r.Vendors))
	down := r.NetworkDown()
	traffic := hasTraffic(r)
	plain := lipgloss.NewStyle()
	for _, v := range r.Vendors {
		level, levelLevel := levelText(&r, v)
		_, reach := correlate.ReachCell(v.Reachability)
		keys, keysLevel := correlate.KeysCell(v.Keys, down)
		source, sourceLevel := correlate.SourceCell(v.Status)
		row := []string{
			v.Name, level, correlate.StateWords(v.Status.State), incidentsText(v.Status),
			reachText(v.Reachability), keys, source,
		}
		st := []lipgloss.Style{plain, levelStyle(levelLevel), plain, plain, cellStyle(reach), cellStyle(keysLevel), cellStyle(sourceLevel)}
		if traffic {
			text, style := trafficText(&r, v)
			row = append(row, text)
			st = append(st, style)
		}
		rows = append(rows, row)
		styles = append(styles, st)
	}
	headers := []string{"VENDOR", "LEVEL", "STATUS", "INCIDENTS", "REACH", "KEYS", "SOURCE"}
	if traffic {
		headers = append(headers, "TRAFFIC")
	}
	t := table.New().
		Border(lipgloss.HiddenBorder()).BorderTop(false).BorderBottom(false).BorderLeft(false).
		BorderRight(false).BorderHeader(false).BorderColumn(true).
		Headers(headers...).
		Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			if row == table.HeaderRow {
				return styleHeader
			}
			return styles[row][col]
		})
	b.WriteString(t.Render())
	b.WriteString("\n")
	b.WriteString(omittedNotes(r))
	b.WriteString(renderKeys(r))
	b.WriteString(renderRotations(r.Rotations))
	if len(r.Findings) == 0 {
		switch {
		case len(r.Vendors) == 0:
			// Nothing checked is not healthy.
			b.WriteString("\n" + styleMuted.Render("No vendors were checked.") + "\n")
		case r.Overall == correlate.LevelOK:
			b.WriteString("\n" + styleOK.Render("No findings: every vendor looks healthy.") + "\n")
		}
		return b.String()
	}
	b.WriteString("\n" + styleHeader.Render("Findings") + "\n")
	for _, f := range r.Findings {
		title := termtext.Line(f.Title)
		if w := f.State.Word(); w != "" {
			title = styleMuted.Render(w+":") + " " + title
		}
		if f.Silenced != nil {
			// Dimmed whole: it counts toward nothing until the silence ends.
			fmt.Fprintf(&b, "%s %s\n", styleMuted.Render(fmt.Sprintf("%-8s", f.Severity)), styleMuted.Render(termtext.Line(f.Title)))
			fmt.Fprintf(&b, "         %s\n", styleMuted.Render(SilencedText(*f.Silenced)))
			continue
		}
		fmt.Fprintf(&b, "%s %s\n", severityStyle(f.Severity).Render(fmt.Sprintf("%-8s", f.Severity)), title)
		if f.Detail != "" {
			fmt.Fprintf(&b, "         %s\n", styleMuted.Render(f.Detail))
		}
		if len(f.Advice) > 0 {
			fmt.Fprintf(&b, "         → %s\n", f.Advice[0])
		}
	}
	return b.String()
}

// hasTraffic reports whether any vendor has a traffic source: the
// TRAFFIC column is shown only then.
func hasTraffic(r correlate.Report) bool {
	for _, v := range r.Vendors {
		if v.Traffic != nil {
			return true
		}
	}
	return false
}

// trafficText is the TRAFFIC cell with our request rate beside the error
// %: "38% of 3.2/s"; coloured by the vendor's traffic findings.
func trafficText(r *correlate.Report, v correlate.VendorReport) (string, lipgloss.Style) {
	text, ok := correlate.TrafficCell(v.Traffic)
	if !ok {
		if v.Traffic != nil && v.Traffic.Result != observe.ResultOK {
			return text, styleMuted
		}
		return text, lipgloss.NewStyle()
	}
	text += " of " + correlate.RequestRate(v.Traffic.Rate)
	if s, found := r.TrafficSeverity(v.ID); found {
		return text, cellStyle(s.Level())
	}
	return text, lipgloss.NewStyle()
}

// omittedNotes says, under the table, which status pages the size caps
// cut and by how much.
func omittedNotes(r correlate.Report) string {
	var b strings.Builder
	for _, v := range r.Vendors {
		if note := v.Status.OmittedNote(); note != "" {
			fmt.Fprintf(&b, "%s\n", styleMuted.Render(termtext.Line(v.Name)+": "+note))
		}
	}
	return b.String()
}

// verdictLine is the head of the table: the answer in words, the level
// (the exit code) and when the check ran.
func verdictLine(r correlate.Report) string {
	v := r.Verdict
	st := levelStyle(r.Overall).Bold(true)
	if v.State == correlate.StatePending {
		st = styleWarning
	}
	return fmt.Sprintf("%s %s\n%s %s  %s\n\n", styleHeader.Render("Verdict:"), st.Render(termtext.Line(v.String())),
		styleHeader.Render("Overall:"), levelStyle(r.Overall).Render(strings.ToUpper(string(r.Overall))),
		styleMuted.Render("checked "+r.GeneratedAt.Local().Format("2006-01-02 15:04:05 MST")))
}

// levelText is the LEVEL cell: the vendor's level, or, while that level
// does not count it yet, "confirming" (a vendor failing once is not
// healthy) or "recovering".
func levelText(r *correlate.Report, v correlate.VendorReport) (string, correlate.Level) {
	switch r.Phase(v) {
	case correlate.StatePending:
		return "confirming", correlate.LevelWarning
	case correlate.StateClosing:
		return "recovering", correlate.LevelOK
	}
	return string(v.Level), v.Level
}

func incidentsText(s observe.Status) string {
	open := s.Open()
	if len(open) == 0 && correlate.Unread(s) {
		return "page not read"
	}
	switch len(open) {
	case 0:
		return "-"
	case 1:
		return termtext.Clip(open[0].Title, 40)
	}
	return fmt.Sprintf("%d open: %s", len(open), termtext.Clip(open[0].Title, 30))
}

// reachText is the REACH cell in correlate's words, with the answer time
// when the vendor answered: "ok 90ms", "vendor error".
func reachText(r *observe.Reachability) string {
	text, _ := correlate.ReachCell(r)
	if r != nil && r.Result == observe.ResultReachable {
		text += " " + correlate.Latency(r.LatencyMS)
	}
	return text
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
