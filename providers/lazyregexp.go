package providers

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles expr on first use. A pattern compiled at package
// level is paid for by every process start (the --tmux widget's too),
// whether the run uses it or not.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
