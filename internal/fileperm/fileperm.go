// Package fileperm says who besides the process's user may read or change
// a file or directory: its group and other permission bits, and its
// owner. The config loader asks it before it accepts literal secrets or
// runs a config's commands, and the state dir is checked with it.
package fileperm

import (
	"fmt"
	"io/fs"
	"os/user"
	"strconv"
	"strings"
)

// Access is what a file's mode and owner say about who else may use it.
type Access struct {
	// Mode holds the permission bits.
	Mode fs.FileMode
	// Owner is the uid of the file's owner, -1 where the platform has none.
	Owner int
	// Self is the process's effective uid, -1 where the platform has none.
	Self int
	// POSIX is true where the permission bits and the owner mean what they
	// say (not on Windows, whose bits are made up from a read-only flag).
	POSIX bool
}

// Of is the access of a file from its FileInfo, as seen by this process.
func Of(info fs.FileInfo) Access {
	a := Access{Mode: info.Mode().Perm(), Owner: -1, Self: -1}
	fill(&a, info)
	return a
}

// OtherOwner reports whether the file belongs to another user than the
// process's. A file of root's counts as the process's own: root may change
// any file anyway.
func (a Access) OtherOwner() bool {
	return a.POSIX && a.Owner >= 0 && a.Self >= 0 && a.Owner != a.Self && a.Owner != 0
}

// Private reports whether nobody but the process's user (and root) may
// read, change or, for a directory, enter it.
func (a Access) Private() bool { return a.Mode&0o077 == 0 && !a.OtherOwner() }

// OthersWrite reports whether someone besides the process's user (and
// root) may change the file: its group, others, or its owner.
func (a Access) OthersWrite() bool {
	return a.POSIX && (a.Mode&0o022 != 0 || a.OtherOwner())
}

// Describe says in a few words what makes the file less than private:
// "mode 0664: group rw-, others r--", "owned by alice (uid 1001) while
// vendorwatch runs as bob (uid 1002)". It is "" for a private file.
func (a Access) Describe() string {
	var parts []string
	if a.Mode&0o077 != 0 {
		parts = append(parts, fmt.Sprintf("mode %04o: group %s, others %s", uint32(a.Mode), rwx(a.Mode>>3), rwx(a.Mode)))
	}
	if a.OtherOwner() {
		parts = append(parts, fmt.Sprintf("owned by %s while vendorwatch runs as %s", userName(a.Owner), userName(a.Self)))
	}
	return strings.Join(parts, ", ")
}

// rwx spells the low three permission bits of m the way ls does.
func rwx(m fs.FileMode) string {
	b := []byte("---")
	for i, c := range "rwx" {
		if m&(4>>i) != 0 {
			b[i] = byte(c)
		}
	}
	return string(b)
}

// userName is "alice (uid 1001)", or "uid 1001" when the name is unknown.
func userName(uid int) string {
	id := strconv.Itoa(uid)
	if u, err := user.LookupId(id); err == nil && u.Username != "" {
		return u.Username + " (uid " + id + ")"
	}
	return "uid " + id
}
