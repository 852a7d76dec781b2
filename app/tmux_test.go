package app

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The background refresh gets every flag that decides what is checked,
// with paths made absolute: it runs in the state dir, where a relative
// --state-dir or --config would name something else.
func TestRefreshArgs(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	o := Options{ConfigPath: "conf.yaml", Only: []string{"openai", "vapi"}, Timeout: 5 * time.Second, Remote: "https://vw.internal"}
	got := refreshArgs(o, "state")
	want := []string{"--tmux-refresh", "--state-dir", filepath.Join(wd, "state"), "--config", filepath.Join(wd, "conf.yaml"),
		"--only", "openai,vapi", "--timeout", "5s", "--remote", "https://vw.internal"}
	if !slices.Equal(got, want) {
		t.Errorf("refreshArgs = %q\nwant %q", got, want)
	}
}
