//go:build !unix

package lm

import "time"

// processCPUTime is unavailable here; benchmarks then skip their CPU-time metric.
func processCPUTime() time.Duration { return 0 }
