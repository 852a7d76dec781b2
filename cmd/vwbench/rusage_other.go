//go:build !linux && !darwin

package main

import "os"

// maxRSS is unknown on this system.
func maxRSS(*os.ProcessState) int64 { return 0 }

// writtenBytes is unknown on this system.
func writtenBytes(*os.ProcessState) int64 { return 0 }

// minorFaults is unknown on this system.
func minorFaults(*os.ProcessState) int64 { return 0 }
