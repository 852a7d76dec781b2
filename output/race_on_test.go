//go:build race

package output

// raceEnabled says the race detector instruments this test binary, which
// changes what allocations cost.
const raceEnabled = true
