//go:build unix

package report

import "syscall"

// CPUSeconds returns the user plus system CPU time the process has used, in seconds. On a
// shared machine it measures the work done where wall time does not; it is 0 where the
// platform does not report it.
func CPUSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
