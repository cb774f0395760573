//go:build !race

package nn_test

// raceEnabled reports whether the race detector is on; it adds allocations of its own.
const raceEnabled = false
