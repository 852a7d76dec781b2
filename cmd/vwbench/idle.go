package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on
// every Linux build that matters (reading sysconf would need cgo).
const clockTicks = 100

// idleReport is the dashboard's cost at rest.
type idleReport struct {
	CPUPercent float64       // user + system over the window between checks
	Window     time.Duration // how long it was measured
	Echo       time.Duration // median time from a key press to the changed screen
	EchoMax    time.Duration
	// AvgPercent is the CPU over AvgWindow, which spans the dashboard's
	// own checks (every 60 s by default): what it costs to leave running.
	AvgPercent float64
	AvgWindow  time.Duration
}

// tmuxSession runs the dashboard in a detached tmux server of its own.
type tmuxSession struct {
	sock string
	home string
}

func (t tmuxSession) run(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-L", t.sock, "-f", "/dev/null"}, args...)...)
	cmd.Env = env(t.home)
	out, err := cmd.Output()
	return string(out), err
}

// idle starts the dashboard in a 120x40 tmux pane, lets its first check
// finish, then reads its CPU time from /proc over window (which must end
// before the next check, 60 s after the first), times key echoes (a help
// screen toggled open and shut) and, when avg > 0, reads the CPU over avg
// more, checks included.
func idle(bin, home, config, state string, settle, window, avg time.Duration, echoes int) (idleReport, error) {
	if _, err := exec.LookPath("tmux"); err != nil {
		return idleReport{}, errors.New("tmux is not installed")
	}
	t := tmuxSession{sock: fmt.Sprintf("vwbench-%d", os.Getpid()), home: home}
	line := fmt.Sprintf("exec %s --config %s --state-dir %s", quote(bin), quote(config), quote(state))
	if _, err := t.run("new-session", "-d", "-x", "120", "-y", "40", line); err != nil {
		return idleReport{}, fmt.Errorf("tmux new-session: %w", err)
	}
	defer t.run("kill-server")
	out, err := t.run("list-panes", "-F", "#{pane_pid}")
	if err != nil {
		return idleReport{}, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		return idleReport{}, fmt.Errorf("pane pid %q: %w", out, err)
	}
	time.Sleep(settle)
	before, err := cpuTicks(pid)
	if err != nil {
		return idleReport{}, err
	}
	start := time.Now()
	time.Sleep(window)
	after, err := cpuTicks(pid)
	if err != nil {
		return idleReport{}, fmt.Errorf("the dashboard exited while idle: %w", err)
	}
	elapsed := time.Since(start)
	r := idleReport{
		CPUPercent: float64(after-before) / clockTicks / elapsed.Seconds() * 100,
		Window:     elapsed,
	}

	var ds []time.Duration
	for i := range echoes * 2 {
		k := "?"
		if i%2 == 1 {
			k = "Escape"
		}
		d, err := echo(t, k)
		if err != nil {
			return r, err
		}
		ds = append(ds, d)
	}
	r.Echo = median(ds)
	for _, d := range ds {
		r.EchoMax = max(r.EchoMax, d)
	}
	if avg > 0 {
		before, err := cpuTicks(pid)
		if err != nil {
			return r, err
		}
		start := time.Now()
		time.Sleep(avg)
		after, err := cpuTicks(pid)
		if err != nil {
			return r, fmt.Errorf("the dashboard exited: %w", err)
		}
		r.AvgWindow = time.Since(start)
		r.AvgPercent = float64(after-before) / clockTicks / r.AvgWindow.Seconds() * 100
	}
	return r, nil
}

// echo presses a key and waits for the screen to change.
func echo(t tmuxSession, key string) (time.Duration, error) {
	before, err := t.run("capture-pane", "-p")
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := t.run("send-keys", key); err != nil {
		return 0, err
	}
	for time.Since(start) < 5*time.Second {
		now, err := t.run("capture-pane", "-p")
		if err != nil {
			return 0, err
		}
		if now != before {
			return time.Since(start), nil
		}
		time.Sleep(time.Millisecond)
	}
	return 0, fmt.Errorf("the screen did not change within 5s of pressing %s", key)
}

// cpuTicks is a process's user + system time in clock ticks.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; the fields after it do not.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("unreadable /proc stat")
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return u + st, nil
}

// quote makes a path safe in tmux's shell command.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
