package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// palette holds the semantic colour tokens. Every colour on screen comes
// from here; nil means "the terminal's own colour". Plain text is always
// in the terminal's own colour.
type palette struct {
	ok, warning, critical, unknown, info color.Color
	muted, subtle, accent                color.Color
	// selected is the background of the selected row; nil selects with
	// reverse video instead (16 colours and no colour).
	selected color.Color
}

var (
	// darkPalette and lightPalette are for true-colour terminals.
	darkPalette = palette{
		ok: lipgloss.Color("#3FB950"), warning: lipgloss.Color("#D29922"), critical: lipgloss.Color("#F85149"),
		unknown: lipgloss.Color("#8B949E"), info: lipgloss.Color("#58A6FF"),
		muted: lipgloss.Color("#8B949E"), subtle: lipgloss.Color("#3D444D"), accent: lipgloss.Color("#BC8CFF"),
		selected: lipgloss.Color("#2D333B"),
	}
	lightPalette = palette{
		ok: lipgloss.Color("#1A7F37"), warning: lipgloss.Color("#9A6700"), critical: lipgloss.Color("#CF222E"),
		unknown: lipgloss.Color("#6E7781"), info: lipgloss.Color("#0969DA"),
		muted: lipgloss.Color("#6E7781"), subtle: lipgloss.Color("#D0D7DE"), accent: lipgloss.Color("#8250DF"),
		selected: lipgloss.Color("#E7ECF0"),
	}
	// dark256 and light256 are picked by hand for 256-colour terminals
	// (tmux's default): automatic downsampling turns the dark grey of the
	// selected row into teal.
	dark256 = palette{
		ok: lipgloss.Color("71"), warning: lipgloss.Color("178"), critical: lipgloss.Color("203"),
		unknown: lipgloss.Color("245"), info: lipgloss.Color("75"),
		muted: lipgloss.Color("245"), subtle: lipgloss.Color("239"), accent: lipgloss.Color("141"),
		selected: lipgloss.Color("237"),
	}
	light256 = palette{
		ok: lipgloss.Color("28"), warning: lipgloss.Color("130"), critical: lipgloss.Color("160"),
		unknown: lipgloss.Color("243"), info: lipgloss.Color("25"),
		muted: lipgloss.Color("243"), subtle: lipgloss.Color("251"), accent: lipgloss.Color("91"),
		selected: lipgloss.Color("254"),
	}
	// ansiPalette uses the 16 colours the user's terminal theme defines, so
	// it suits light and dark backgrounds alike.
	ansiPalette = palette{
		ok: lipgloss.Green, warning: lipgloss.Yellow, critical: lipgloss.Red,
		unknown: lipgloss.BrightBlack, info: lipgloss.Blue,
		muted: lipgloss.BrightBlack, subtle: lipgloss.BrightBlack, accent: lipgloss.Magenta,
	}
)

// theme is the set of styles the views use, built from a palette. With no
// colour every meaning is still carried by a glyph or a word, never by
// colour alone.
type theme struct {
	ok, warning, critical, unknown, info lipgloss.Style
	muted, subtle, accent, text          lipgloss.Style
	bold, heading, link, key             lipgloss.Style
	// selected styles the selected row; sel is its background (nil with
	// reverse video).
	selected lipgloss.Style
	sel      color.Color
	help     help.Styles
}

// newTheme picks the palette for a background and colour profile.
func newTheme(dark bool, p colorprofile.Profile) theme {
	switch {
	case p <= colorprofile.Ascii:
		return buildTheme(palette{})
	case p == colorprofile.ANSI:
		return buildTheme(ansiPalette)
	case p == colorprofile.ANSI256 && dark:
		return buildTheme(dark256)
	case p == colorprofile.ANSI256:
		return buildTheme(light256)
	case dark:
		return buildTheme(darkPalette)
	}
	return buildTheme(lightPalette)
}

func buildTheme(p palette) theme {
	fg := func(c color.Color) lipgloss.Style {
		s := lipgloss.NewStyle()
		if c != nil {
			s = s.Foreground(c)
		}
		return s
	}
	t := theme{
		ok: fg(p.ok), warning: fg(p.warning), critical: fg(p.critical).Bold(true),
		unknown: fg(p.unknown), info: fg(p.info),
		muted: fg(p.muted), subtle: fg(p.subtle), accent: fg(p.accent).Bold(true), text: lipgloss.NewStyle(),
		bold: lipgloss.NewStyle().Bold(true), heading: fg(p.accent).Bold(true),
		link: fg(p.info), key: fg(p.accent).Bold(true),
		sel: p.selected,
	}
	if p.muted == nil {
		// No colour: muted text is faint, so the eye still finds the
		// important line.
		t.muted = t.muted.Faint(true)
		t.subtle = t.subtle.Faint(true)
	}
	if p.selected != nil {
		t.selected = lipgloss.NewStyle().Background(p.selected).Bold(true)
	} else {
		t.selected = lipgloss.NewStyle().Reverse(true)
	}
	t.help = help.Styles{
		Ellipsis: t.muted, ShortKey: t.key, ShortDesc: t.muted, ShortSeparator: t.subtle,
		FullKey: t.key, FullDesc: t.text, FullSeparator: t.subtle,
	}
	return t
}

// glyph is a level's marker: ✖ ▲ ● ?. It is statusline.Icon, the one
// table of level glyphs, so the dashboard and the tmux line draw a level
// alike.
func glyph(l correlate.Level) string { return statusline.Icon(statusline.Level(l), false) }

// level returns the style and glyph of a level.
func (t theme) level(l correlate.Level) (lipgloss.Style, string) {
	switch l {
	case correlate.LevelOK:
		return t.ok, glyph(l)
	case correlate.LevelWarning:
		return t.warning, glyph(l)
	case correlate.LevelCritical:
		return t.critical, glyph(l)
	}
	return t.unknown, glyph(correlate.LevelUnknown)
}

// phaseGlyph marks what is confirming or recovering: not yet (or no
// longer) counted, not healthy either.
const phaseGlyph = "◌"

// phase returns the style and glyph of trouble whose level does not count
// it yet: confirming (pending) in the warning colour, recovering
// (closing) in the ok colour. ok is false for any other state.
func (t theme) phase(s correlate.State) (st lipgloss.Style, g string, ok bool) {
	switch s {
	case correlate.StatePending:
		return t.warning, phaseGlyph, true
	case correlate.StateClosing:
		return t.ok, phaseGlyph, true
	}
	return t.text, "", false
}

// severity returns the style and glyph of a finding severity: a warning
// or critical finding looks like its level; info has its own • .
func (t theme) severity(s correlate.Severity) (lipgloss.Style, string) {
	switch s {
	case correlate.SeverityCritical, correlate.SeverityWarning:
		return t.level(s.Level())
	}
	return t.info, "•"
}

// state returns the style and glyph of a status page state: its level's,
// except maintenance, which has its own ◆ .
func (t theme) state(s observe.State) (lipgloss.Style, string) {
	switch s {
	case observe.Operational:
		return t.level(correlate.LevelOK)
	case observe.UnderMaintenance:
		return t.info, "◆"
	case observe.Degraded:
		return t.level(correlate.LevelWarning)
	case observe.PartialOutage, observe.MajorOutage:
		return t.level(correlate.LevelCritical)
	}
	return t.level(correlate.LevelUnknown)
}

// result returns the style and glyph of a key probe or reachability
// result: its level in correlate's results table.
func (t theme) result(r observe.Result) (lipgloss.Style, string) {
	return t.level(correlate.ResultLevel(r))
}
