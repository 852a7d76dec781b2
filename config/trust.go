package config

import (
	"fmt"

	"github.com/vendorwatch/vendorwatch/internal/fileperm"
)

// trust is what a config file may hold, given who besides the process's
// user may read or change it. A literal secret is as private as the file
// it sits in; a cmd: secret or a command notifier runs as the user who
// holds every key, so whoever may change the file chooses what runs.
// env: and file: references are allowed anywhere.
type trust struct {
	// file names the config in messages.
	file   string
	access fileperm.Access
}

// literalOK reports whether the file may hold literal secrets.
func (t trust) literalOK() bool { return t.access.Private() }

// commandsOK reports whether the file may name commands to run.
func (t trust) commandsOK() bool { return !t.access.OthersWrite() }

// refuseLiteral is the message for a literal secret in a file others can
// read.
func (t trust) refuseLiteral(what string) string {
	return fmt.Sprintf("%s is refused in %s, which others can read (%s): write env:NAME, file:PATH or cmd:COMMAND instead, or %s",
		what, t.file, t.access.Describe(), t.fix())
}

// refuseCommand is the message for a command in a file others can change.
func (t trust) refuseCommand(what string) string {
	return fmt.Sprintf("%s runs a command as you and is refused in %s, which others can change (%s): %s, or use env:NAME or file:PATH",
		what, t.file, t.access.Describe(), t.fix())
}

// fix is the command that makes the file the user's alone.
func (t trust) fix() string {
	if t.access.OtherOwner() {
		return fmt.Sprintf("make it yours (copy it, or as root: chown %d %s) and chmod 600 %s", t.access.Self, t.file, t.file)
	}
	return "chmod 600 " + t.file
}
