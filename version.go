package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// commit and date are stamped by the release build alongside version:
//
//	-ldflags "-X main.version=v1.2.3 -X main.commit=<sha> -X main.date=<RFC 3339>"
//
// A plain go build or go install leaves them empty, and versionLine falls
// back to the VCS information the go command records in the binary.
var (
	commit = ""
	date   = ""
)

// versionLine is what --version prints after the program's name: the
// version, the commit and the build date, then the Go toolchain and the
// platform. Parts that are not known are left out rather than guessed.
func versionLine() string {
	c, d := commit, date
	if c == "" || d == "" {
		vc, vd, dirty := vcsInfo()
		if c == "" && vc != "" {
			c = vc
			if dirty {
				c += "-dirty"
			}
		}
		if d == "" {
			d = vd
		}
	}
	var parts []string
	if c != "" {
		parts = append(parts, "commit "+c)
	}
	if d != "" {
		parts = append(parts, "built "+d)
	}
	parts = append(parts, fmt.Sprintf("%s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH))
	return versionString() + " (" + strings.Join(parts, ", ") + ")"
}

// vcsInfo reads the revision, the commit time and the modified flag that
// go build records when it runs inside a checkout (-buildvcs).
func vcsInfo() (revision, time string, dirty bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", "", false
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.time":
			time = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	return revision, time, dirty
}
