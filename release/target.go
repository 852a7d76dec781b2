package main

import (
	"fmt"
	"slices"
	"strings"
)

// target is one platform the program is built for.
type target struct {
	os, arch string
}

func (t target) String() string { return t.os + "/" + t.arch }

// exe is the binary's file name on the target.
func (t target) exe() string {
	if t.os == "windows" {
		return "vendorwatch.exe"
	}
	return "vendorwatch"
}

// defaultTargets are the platforms of a release.
var defaultTargets = []string{
	"linux/amd64", "linux/arm64",
	"darwin/amd64", "darwin/arm64",
	"windows/amd64", "windows/arm64",
}

func parseTargets(s string) ([]target, error) {
	var ts []target
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !slices.Contains(defaultTargets, p) {
			return nil, fmt.Errorf("--targets: %q is not a release platform (%s)", p, strings.Join(defaultTargets, ", "))
		}
		goos, goarch, _ := strings.Cut(p, "/")
		t := target{goos, goarch}
		if !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		return nil, fmt.Errorf("--targets: no platform given")
	}
	return ts, nil
}
