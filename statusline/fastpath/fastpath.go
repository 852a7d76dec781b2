// Package fastpath answers `vendorwatch --tmux` from the status line's
// digest before the rest of the program starts, and ends the process
// there. It is all init; only the command (package main) imports it.
package fastpath

import (
	"os"
	"time"

	"github.com/vendorwatch/vendorwatch/statusline"
)

// The widget's fast path. tmux runs `vendorwatch --tmux` every few seconds,
// and most of such a call would be spent initializing packages it does not
// use (SQLite, the dashboard, Prometheus, the feed and HTML parsers). Go
// initializes a package once every package it imports is initialized,
// taking the ready ones in import-path order; this one imports only
// statusline and the few standard packages that are ready early (os,
// time, strconv, unicode: statusline/text.go says why not strings), so its
// init runs after little more than those. When the call is one Answer can
// take, it prints the line and ends the process there, with the exit code
// the line's format asks for (i3blocks' 33, urgent). Anything else —
// another mode, a flag it does not know, a stale or missing digest,
// --remote — falls through to the whole program, which behaves the same
// with or without this. TestTmuxFastPathSkipsTheHeavyPackages checks
// which packages initialize before it.
func init() {
	ok, code, err := statusline.Answer(os.Args[1:], os.Stdout, time.Now())
	if !ok {
		return
	}
	if err != nil {
		os.Stderr.WriteString("vendorwatch: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Exit(code)
}
