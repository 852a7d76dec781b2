package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// watchPeak polls the child's VmHWM, the high-water mark of its own
// memory, until stop is called, and returns the highest seen in bytes.
//
// wait4's ru_maxrss cannot be used for a child of vwbench: Go starts a
// child with vfork, so until exec the child runs in vwbench's memory, and
// Linux keeps that memory's high-water mark in the child's maxrss across
// the exec. Every child would then peak at least as high as vwbench with
// its thousands of fake hosts. VmHWM belongs to the memory exec gave the
// child, and only rises, so a poll misses only growth in the last few
// milliseconds of its life.
func watchPeak(pid int) (stop func() int64) {
	path := fmt.Sprintf("/proc/%d/status", pid)
	done := make(chan struct{})
	result := make(chan int64, 1)
	go func() {
		var peak int64
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			if n := readHWM(path); n > peak {
				peak = n
			}
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		return <-result
	}
}

// readHWM reads VmHWM from a /proc status file (0 when gone).
func readHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	_, rest, ok := bytes.Cut(b, []byte("VmHWM:"))
	if !ok {
		return 0
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(line), []byte("kB")))), 10, 64)
	if err != nil {
		return 0
	}
	return kb * 1024
}
