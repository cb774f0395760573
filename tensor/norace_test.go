//go:build !race

package tensor

// raceEnabled reports whether the race detector is on: it makes sync.Pool drop values at
// random, so allocation counts are not meaningful under it.
const raceEnabled = false
