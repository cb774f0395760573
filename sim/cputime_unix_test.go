//go:build unix

package sim

import (
	"syscall"
	"time"
)

// processCPU returns the user+system CPU time of the process, so that benchmarks can report
// throughput per CPU-second on a shared machine where wall time is noisy.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
