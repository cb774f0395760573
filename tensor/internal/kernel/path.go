package kernel

import "fmt"

// Path names one family of kernel implementations.
type Path uint8

const (
	// Generic is portable Go, the oracle for the other paths.
	Generic Path = iota
	// AVX2 is amd64 assembly using AVX2 and FMA3 (256-bit vectors).
	AVX2
	// AVX512 is amd64 assembly using AVX-512F (512-bit vectors).
	AVX512
	numPaths
)

// String returns the path's name.
func (p Path) String() string {
	switch p {
	case Generic:
		return "generic"
	case AVX2:
		return "avx2"
	case AVX512:
		return "avx512"
	}
	return fmt.Sprintf("Path(%d)", uint8(p))
}

// supported[p] reports whether this build and processor can run path p; set by the
// architecture files at package initialisation.
var supported = [numPaths]bool{Generic: true}

// active is the path every kernel dispatches to.
var active = best()

func best() Path {
	for p := numPaths - 1; p > Generic; p-- {
		if supported[p] {
			return p
		}
	}
	return Generic
}

// Supported reports whether this build and processor can run path p.
func Supported(p Path) bool { return p < numPaths && supported[p] }

// Paths returns the supported paths, slowest first.
func Paths() []Path {
	var ps []Path
	for p := Generic; p < numPaths; p++ {
		if supported[p] {
			ps = append(ps, p)
		}
	}
	return ps
}

// Active returns the path the kernels currently use.
func Active() Path { return active }

// Use makes every kernel use path p and returns a function that restores the previous path.
// It panics if p is not supported. Use is meant for tests and benchmarks: it must not be called
// while kernels run on other goroutines.
func Use(p Path) (restore func()) {
	if !Supported(p) {
		panic(fmt.Sprintf("kernel: path %v is not supported on this processor or build", p))
	}
	prev := active
	active = p
	return func() { active = prev }
}
