//go:build !unix

package report

// CPUSeconds returns 0: the process's CPU time is not measured on this platform.
func CPUSeconds() float64 { return 0 }
