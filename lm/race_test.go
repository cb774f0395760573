//go:build race

package lm

// raceEnabled reports whether the race detector is on (sync.Pool then drops items, so
// allocation counts are not meaningful).
const raceEnabled = true
