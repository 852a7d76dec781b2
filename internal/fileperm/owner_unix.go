//go:build unix

package fileperm

import (
	"io/fs"
	"os"
	"syscall"
)

func fill(a *Access, info fs.FileInfo) {
	a.POSIX = true
	a.Self = os.Geteuid()
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		a.Owner = int(st.Uid)
	}
}
