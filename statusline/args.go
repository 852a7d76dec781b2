package statusline

import (
	"strconv"
	"time"
)

// lineArgs are the flags of a --tmux call the fast path reads.
type lineArgs struct {
	tmux     bool
	format   string
	style    string
	maxWidth int
	ascii    bool
	maxAge   time.Duration
	stateDir string
}

// Kinds of flag value parseLineArgs knows.
const (
	boolFlag = iota
	stringFlag
	intFlag
	durationFlag
)

// lineFlags are the long flags a fast --tmux call may hold, with their
// kind. The last four change nothing on the line: the refresh would take
// them on, but a fresh digest needs no refresh.
var lineFlags = map[string]int{
	"tmux": boolFlag, "format": stringFlag, "style": stringFlag, "max-width": intFlag,
	"ascii": boolFlag, "max-age": durationFlag, "state-dir": stringFlag,
	"config": stringFlag, "only": stringFlag, "timeout": durationFlag, "no-color": boolFlag,
}

// parseLineArgs reads a --tmux command line as the whole program's flags
// would read it: "--name value" or "--name=value", a bool flag bare or
// with "=true"/"=false" (strconv.ParseBool), numbers in any base Go
// spells, the last of a repeated flag winning. It does not import package
// flag, which initializes after much of what the fast path is there to
// skip (see text.go). It reports false for anything else — a
// single dash (a shorthand of the real command line), "--", a flag it
// does not know, an argument that is not a flag (a subcommand), a value it
// cannot read — and the whole program then decides.
func parseLineArgs(args []string) (lineArgs, bool) {
	for _, arg := range args {
		// A single dash anywhere, even as a flag's value, means something
		// else to the real command line (shorthands), which then decides.
		if arg == "--" || (hasPrefix(arg, "-") && !hasPrefix(arg, "--")) {
			return lineArgs{}, false
		}
	}
	a := lineArgs{format: string(FormatTmux), style: string(StyleDefault), maxAge: 60 * time.Second}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !hasPrefix(arg, "--") {
			return lineArgs{}, false
		}
		name := arg[2:]
		if name == "" || name[0] == '-' || name[0] == '=' {
			return lineArgs{}, false
		}
		name, value, hasValue := cut(name, '=')
		kind, known := lineFlags[name]
		if !known {
			return lineArgs{}, false
		}
		if kind == boolFlag {
			b := true
			if hasValue {
				var err error
				if b, err = strconv.ParseBool(value); err != nil {
					return lineArgs{}, false
				}
			}
			switch name {
			case "tmux":
				a.tmux = b
			case "ascii":
				a.ascii = b
			}
			continue
		}
		if !hasValue {
			if i+1 == len(args) {
				return lineArgs{}, false
			}
			i++
			value = args[i]
		}
		switch kind {
		case intFlag:
			n, err := strconv.ParseInt(value, 0, strconv.IntSize)
			if err != nil {
				return lineArgs{}, false
			}
			a.maxWidth = int(n)
		case durationFlag:
			d, err := time.ParseDuration(value)
			if err != nil {
				return lineArgs{}, false
			}
			if name == "max-age" {
				a.maxAge = d
			}
		default:
			switch name {
			case "format":
				a.format = value
			case "style":
				a.style = value
			case "state-dir":
				a.stateDir = value
			}
		}
	}
	return a, true
}
