// Package kernel holds the numeric kernels under package tensor: matrix multiplication and the
// vector operations (dot products, axpy, elementwise arithmetic, reductions, exp and the
// activations built on it) on plain float32 slices.
//
// Each kernel has up to three implementations, called paths: a generic pure-Go one, one in
// amd64 assembly with AVX2 and FMA, and one in amd64 assembly with AVX-512F. The fastest path
// the processor supports is chosen once at start-up; the purego build tag, or a non-amd64
// target, leaves only the generic path. Tests and benchmarks switch paths with Use.
//
// The kernels trust their callers: slices are assumed long enough and shapes consistent.
// Package tensor checks its inputs and panics with a message naming the operation before it
// calls in here.
package kernel
