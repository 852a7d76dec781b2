// Package lazyregexp compiles regular expressions on first use. A pattern
// compiled at package level is paid for by every process start (the tmux
// widget's too), whether the run uses it or not.
package lazyregexp

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr the first time it is called
// and returns the same *regexp.Regexp from then on. expr must compile.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
