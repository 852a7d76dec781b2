package statusline

// Style is the kind of bar the line is drawn on, which decides its
// colours: every level must stay readable on that bar's background.
type Style string

// Styles. StyleDefault suits each bar as it comes out of the box: tmux's
// green status bar (black text), and the dark bars of i3bar, polybar and
// waybar. StyleDark and StyleLight are for bars a user has made dark or
// light.
const (
	StyleDefault Style = "default"
	StyleDark    Style = "dark"
	StyleLight   Style = "light"
)

// Styles lists the styles in the order help text gives them.
var Styles = []Style{StyleDefault, StyleDark, StyleLight}

// KnownStyle reports whether s is one of Styles.
func KnownStyle(s Style) bool {
	for _, k := range Styles {
		if s == k {
			return true
		}
	}
	return false
}

// tmuxStyles are the #[…] attributes of each level on each kind of tmux
// bar. tmux's default bar is black on green, where red or yellow text is
// hard to read: there a problem gets its own background (white on red,
// black on amber, black on grey) and what is well stays black on the bar's
// green. On a dark or light bar, text colours chosen for that background
// are enough. The numbers are xterm's 256 colours, the same in every
// terminal theme, unlike tmux's "red" or "green", which each theme redefines.
var tmuxStyles = map[Style]map[Level]string{
	StyleDefault: {
		Critical: "fg=colour231,bg=colour160,bold",
		Warning:  "fg=colour16,bg=colour220",
		OK:       "fg=colour16",
		Unknown:  "fg=colour16,bg=colour250",
	},
	StyleDark: {
		Critical: "fg=colour203,bold",
		Warning:  "fg=colour221",
		OK:       "fg=colour114",
		Unknown:  "fg=colour245",
	},
	StyleLight: {
		Critical: "fg=colour160,bold",
		Warning:  "fg=colour130",
		OK:       "fg=colour28",
		Unknown:  "fg=colour241",
	},
}

// hexColours are each level's text colour as #RRGGBB, for the bars that
// take one (i3blocks, polybar, xbar): the same colours as tmuxStyles' dark
// and light text. The bars those formats serve are dark out of the box, so
// StyleDefault takes the dark bar's colours.
var hexColours = map[Style]map[Level]string{
	StyleDark: {
		Critical: "#FF5F5F",
		Warning:  "#FFD75F",
		OK:       "#87D787",
		Unknown:  "#8A8A8A",
	},
	StyleLight: {
		Critical: "#D70000",
		Warning:  "#AF5F00",
		OK:       "#008700",
		Unknown:  "#626262",
	},
}

// tmuxStyle is the #[…] attributes of a level on a style's bar; an unknown
// style or level is drawn as the default style's unknown.
func tmuxStyle(s Style, l Level) string {
	if a, ok := tmuxStyles[s][l]; ok {
		return a
	}
	if a, ok := tmuxStyles[StyleDefault][l]; ok {
		return a
	}
	return tmuxStyles[StyleDefault][Unknown]
}

// hexColour is a level's #RRGGBB on a style's bar.
func hexColour(s Style, l Level) string {
	palette, ok := hexColours[s]
	if !ok {
		palette = hexColours[StyleDark]
	}
	if c, ok := palette[l]; ok {
		return c
	}
	return palette[Unknown]
}
