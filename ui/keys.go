package ui

import "charm.land/bubbles/v2/key"

// keyMap is every binding of the dashboard. Binding strings are Bubble Tea
// v2 key strings ("space", "pgdown").
type keyMap struct {
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
	Enter, Back                             key.Binding
	Filter, Timeline, TimelineVendor, Sort  key.Binding
	Maintenances                            key.Binding
	Refresh, Open, Copy                     key.Binding
	Findings, Silence                       key.Binding
	Help, Quit                              key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Up:             key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:           key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Top:            key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "top")),
		Bottom:         key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),
		PageUp:         key.NewBinding(key.WithKeys("pgup", "b", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:       key.NewBinding(key.WithKeys("pgdown", "space", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Enter:          key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		Back:           key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
		Filter:         key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Timeline:       key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "timeline")),
		TimelineVendor: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "this vendor/all")),
		Maintenances:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "maintenances")),
		Sort:           key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Refresh:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check now")),
		Open:           key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open page")),
		Copy:           key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy report")),
		Findings:       key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "vendors/findings")),
		Silence:        key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "silence finding")),
		Help:           key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:           key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// hint is one entry of the key-hint bar.
type hint struct{ key, desc string }

// hints are the key-hint bar of a view, most useful first: a narrow bar
// drops from the end, but always keeps help and quit.
func hints(v view) []hint {
	switch v {
	case viewDetail:
		return []hint{{"esc", "back"}, {"j/k", "scroll"}, {"o", "open page"}, {"t", "timeline"}, {"c", "copy report"}, {"r", "check now"}, {"g/G", "top/end"}}
	case viewTimeline:
		return []hint{{"esc", "back"}, {"v", "vendor/all"}, {"j/k", "scroll"}, {"c", "copy report"}, {"r", "check now"}, {"g/G", "top/end"}}
	case viewHelp:
		return []hint{{"esc", "back"}, {"j/k", "scroll"}}
	case viewMaintenances:
		return []hint{{"esc", "back"}, {"j/k", "scroll"}, {"r", "check now"}, {"g/G", "top/end"}}
	}
	return []hint{{"j/k", "move"}, {"enter", "details"}, {"t", "timeline"}, {"/", "filter"}, {"r", "check"}, {"o", "open"}, {"c", "copy"}, {"s", "sort"}, {"tab", "findings"}, {"a", "silence"}}
}

// viewKeys are the bindings that work in one view, in the help screen's
// groups. It implements help.KeyMap.
type viewKeys [][]key.Binding

// ShortHelp implements help.KeyMap: the first group.
func (g viewKeys) ShortHelp() []key.Binding {
	if len(g) == 0 {
		return nil
	}
	return g[0]
}

// FullHelp implements help.KeyMap: every group.
func (g viewKeys) FullHelp() [][]key.Binding { return g }

// scrollKeys are the keys of every view that scrolls text (the detail,
// the timeline, the maintenances and the help screen).
func (k keyMap) scrollKeys() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}
}

// inView lists exactly the keys that do something in view v; the help
// screen opened from v shows them, and a test presses each one there.
// esc on the main view is left out: it only clears a filter, which the
// filter line itself says.
func (k keyMap) inView(v view) viewKeys {
	scroll := k.scrollKeys()
	switch v {
	case viewDetail:
		return viewKeys{scroll, {k.Back, k.Timeline, k.Open, k.Copy, k.Refresh}, {k.Help, k.Quit}}
	case viewTimeline:
		return viewKeys{scroll, {k.Back, k.TimelineVendor, k.Open, k.Copy, k.Refresh}, {k.Help, k.Quit}}
	case viewMaintenances:
		return viewKeys{scroll, {k.Back, k.Open, k.Copy, k.Refresh}, {k.Help, k.Quit}}
	case viewHelp:
		return viewKeys{scroll, {k.Back, k.Help, k.Quit}}
	}
	return viewKeys{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
		{k.Enter, k.Findings, k.Silence, k.Filter, k.Sort, k.Timeline},
		{k.Maintenances, k.Refresh, k.Open, k.Copy, k.Help, k.Quit},
	}
}
