// Package correlate turns observations into findings: what the status
// pages, keyless reachability, our key probes and the admin APIs mean
// together, and how bad it is. It is pure: a snapshot and the memory of
// earlier checks in (streaks, open findings), findings, levels and the
// next memory out. It also defines the timeline's plain types, which
// history records and the renderers read.
package correlate

import (
	"fmt"
	"time"
)

// Level is the overall verdict of a vendor or of everything, and the exit
// code of --once.
type Level string

// The levels of DESIGN §3.
const (
	LevelOK       Level = "ok"
	LevelWarning  Level = "warning"
	LevelCritical Level = "critical"
	LevelUnknown  Level = "unknown"
)

// ExitCode is the --once exit code for the level.
func (l Level) ExitCode() int {
	switch l {
	case LevelOK:
		return 0
	case LevelWarning:
		return 1
	case LevelCritical:
		return 2
	}
	return 3
}

// rank orders ok < warning < critical; unknown is not ranked.
func (l Level) rank() int {
	switch l {
	case LevelOK:
		return 0
	case LevelWarning:
		return 1
	case LevelCritical:
		return 2
	}
	return -1
}

// Worse returns the more severe of two levels; unknown loses to any known
// level.
func Worse(a, b Level) Level {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Severity grades a finding.
type Severity string

// Finding severities.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// Level is the level a finding of this severity raises its vendor to.
func (s Severity) Level() Level {
	switch s {
	case SeverityCritical:
		return LevelCritical
	case SeverityWarning:
		return LevelWarning
	}
	return LevelOK
}

// Rank orders info < warning < critical.
func (s Severity) Rank() int {
	switch s {
	case SeverityCritical:
		return 2
	case SeverityWarning:
		return 1
	}
	return 0
}

// Span formats a duration for people, compactly and to the minute:
// "45s", "12m", "2h05m", "2d3h". Every output of vendorwatch writes
// durations this way.
func Span(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}

// OverallLevel is the overall level of a report with these vendors and
// findings, as Assess computes it; for clients that narrow a report down
// (--only over --remote).
func OverallLevel(vs []VendorReport, fs []Finding) Level { return overallLevel(vs, fs) }
