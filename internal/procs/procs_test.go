package procs

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestOneShot(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"--once"}, true},
		{[]string{"--config", "c.yaml", "--once", "--json"}, true},
		{[]string{"--once=true"}, true},
		{[]string{"--tmux-refresh", "--state-dir", "s"}, true},
		{nil, false},                // the dashboard
		{[]string{"--tmux"}, false}, // the widget: the fast path answers most calls
		{[]string{"serve", "--listen", ":9090"}, false}, // a daemon
		{[]string{"--once=false"}, false},               // said, but no
		{[]string{"report", "--", "--once"}, false},     // an argument, not a flag
		{[]string{"--config", "once.yaml", "--demo"}, false},
	} {
		if got := oneShot(tc.args); got != tc.want {
			t.Errorf("oneShot(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestHoldAndRelease(t *testing.T) {
	t.Setenv("GOMAXPROCS", "")
	before := runtime.GOMAXPROCS(0)
	if before < 2 {
		t.Skipf("GOMAXPROCS is %d here: nothing to hold", before)
	}
	Hold()
	if !Held() || runtime.GOMAXPROCS(0) != 1 {
		t.Fatalf("after Hold: held %v, GOMAXPROCS %d; want one processor", Held(), runtime.GOMAXPROCS(0))
	}
	Hold() // a second hold (the init's, then OneShotProcs') changes nothing
	Release()
	if Held() || runtime.GOMAXPROCS(0) != before {
		t.Fatalf("after Release: held %v, GOMAXPROCS %d; want %d back", Held(), runtime.GOMAXPROCS(0), before)
	}
	Release() // nothing held: nothing changes
	if runtime.GOMAXPROCS(0) != before {
		t.Fatalf("a second Release changed GOMAXPROCS to %d", runtime.GOMAXPROCS(0))
	}
}

func TestHoldLeavesTheEnvironmentsGOMAXPROCS(t *testing.T) {
	t.Setenv("GOMAXPROCS", "2")
	before := runtime.GOMAXPROCS(0)
	Hold()
	if Held() || runtime.GOMAXPROCS(0) != before {
		t.Errorf("GOMAXPROCS=2 in the environment: held %v, GOMAXPROCS %d (was %d)", Held(), runtime.GOMAXPROCS(0), before)
	}
}

// TestInitHoldsAOneShotProcess runs this test binary again with --once
// among its arguments (after one the flag parser stops at, so the testing
// package leaves it alone): the child's init must have held it to one
// processor before any test ran.
func TestInitHoldsAOneShotProcess(t *testing.T) {
	if os.Getenv("PROCS_TEST_CHILD") == "1" {
		fmt.Printf("held=%v procs=%d\n", Held(), runtime.GOMAXPROCS(0))
		return
	}
	if runtime.GOMAXPROCS(0) < 2 || os.Getenv("GOMAXPROCS") != "" {
		t.Skip("one processor here, or GOMAXPROCS set: nothing to hold")
	}
	for args, want := range map[string]string{
		"--once": "held=true procs=1\n",
		"--tmux": "held=false procs=" + strconv.Itoa(runtime.GOMAXPROCS(0)) + "\n",
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestInitHoldsAOneShotProcess$", "child", args)
		cmd.Env = append(os.Environ(), "PROCS_TEST_CHILD=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("child %s: %v\n%s", args, err, out)
		}
		if got, _, _ := strings.Cut(string(out), "PASS"); got != want {
			t.Errorf("child %s printed %q, want %q", args, got, want)
		}
	}
}
