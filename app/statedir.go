package app

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/vendorwatch/vendorwatch/internal/fileperm"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// StateDirProblem says what is wrong with the state dir dir ("is open to
// others (mode 0755: ...): ...; chmod 700 DIR"), or "" when nothing is: a dir its group or others may enter or another user owns
// exposes the history (findings, key names and fingerprints, vendor
// messages, the notifications waiting to be sent), and the snapshot. A
// missing dir is no problem: it is made private when first needed.
//
// A dir that exists is never changed: the user made it, and may share it
// on purpose. The message says how to tighten it.
func StateDirProblem(dir string) string {
	if dir == "" {
		return ""
	}
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ""
	case err != nil:
		return "cannot be read: " + termtext.Line(err.Error())
	case !info.IsDir():
		return "is not a directory"
	}
	a := fileperm.Of(info)
	if !a.POSIX || a.Private() {
		return ""
	}
	fix := "chmod 700 " + dir
	if a.OtherOwner() {
		fix = "use a state dir of your own (--state-dir DIR)"
	}
	return fmt.Sprintf("is open to others (%s): they can read its history of findings, key names and fingerprints; %s", a.Describe(), fix)
}

// WarnStateDir warns on stderr when the state dir is open to others
// (StateDirProblem). --once, the dashboard, serve and the tmux refresh
// call it as they open the history, which makes a missing dir readable by
// the user alone (0700).
func WarnStateDir(dir string, stderr io.Writer) {
	if p := StateDirProblem(dir); p != "" {
		fmt.Fprintf(stderr, "vendorwatch: warning: the state dir %s %s\n", dir, p)
	}
}

// stateDirLine is check-config's line about the state dir. It creates
// nothing.
func stateDirLine(dir string) string {
	if dir == "" {
		return "state dir: none (no home directory and no --state-dir): nothing is remembered between runs"
	}
	if p := StateDirProblem(dir); p != "" {
		return "state dir: " + dir + ", WARNING: it " + p
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return "state dir: " + Tildify(dir) + " (not made yet; it will be readable by you alone, 0700)"
	}
	return "state dir: " + Tildify(dir) + " (readable by you alone)"
}
