package fileperm

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestAccess(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name                 string
		a                    Access
		private, othersWrite bool
		describe             []string
	}{
		{"owner only", Access{Mode: 0o600, Owner: 1000, Self: 1000, POSIX: true}, true, false, nil},
		{"readable", Access{Mode: 0o644, Owner: 1000, Self: 1000, POSIX: true}, false, false, []string{"mode 0644: group r--, others r--"}},
		{"group-writable", Access{Mode: 0o664, Owner: 1000, Self: 1000, POSIX: true}, false, true, []string{"mode 0664: group rw-, others r--"}},
		{"world-writable", Access{Mode: 0o606, Owner: 1000, Self: 1000, POSIX: true}, false, true, []string{"others rw-"}},
		{"another user's", Access{Mode: 0o600, Owner: 1001, Self: 1000, POSIX: true}, false, true, []string{"owned by", "uid 1001", "runs as", "uid 1000"}},
		{"root's", Access{Mode: 0o600, Owner: 0, Self: 1000, POSIX: true}, true, false, nil},
		{"windows", Access{Mode: 0o666, Owner: -1, Self: -1}, false, false, []string{"mode 0666"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := c.a.Private(); got != c.private {
				t.Errorf("Private() = %v, want %v", got, c.private)
			}
			if got := c.a.OthersWrite(); got != c.othersWrite {
				t.Errorf("OthersWrite() = %v, want %v", got, c.othersWrite)
			}
			d := c.a.Describe()
			if len(c.describe) == 0 && d != "" {
				t.Errorf("Describe() = %q, want nothing", d)
			}
			for _, w := range c.describe {
				if !strings.Contains(d, w) {
					t.Errorf("Describe() = %q, want it to say %q", d, w)
				}
			}
		})
	}
}

// Of reads a real file's mode and owner.
func TestOfRealFile(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX owner")
	}
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o620); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	a := Of(info)
	if a.Mode != 0o620 || a.Owner != os.Geteuid() || a.Self != os.Geteuid() || !a.POSIX {
		t.Errorf("Of = %+v", a)
	}
	if !a.OthersWrite() || a.Private() {
		t.Errorf("a group-writable file: OthersWrite %v, Private %v", a.OthersWrite(), a.Private())
	}
}
