package tensor

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// Gemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices held in plain slices, in
// the manner of BLAS sgemm:
//
//   - op(A) is m×k. A is stored m×k with leading dimension lda ≥ k, or, when transA is true,
//     k×m with lda ≥ m.
//   - op(B) is k×n. B is stored k×n with ldb ≥ n, or, when transB is true, n×k with ldb ≥ k.
//   - C is m×n with ldc ≥ n.
//
// When beta is zero the old contents of C are ignored, NaN and Inf included. C must not overlap
// A or B. Gemm may use up to GOMAXPROCS goroutines (single-threaded means GOMAXPROCS=1); the
// value of every element of C is the same whatever the number of goroutines.
//
// Gemm panics if a dimension is negative, a leading dimension is too small, or a slice is too
// short for the matrix it holds.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("tensor: Gemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("Gemm", "A", ar, ac, a, lda)
	checkMatrix("Gemm", "B", br, bc, b, ldb)
	checkMatrix("Gemm", "C", m, n, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	kernel.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// checkMatrix panics, naming op, unless s holds a rows×cols row-major matrix with leading
// dimension ld.
func checkMatrix(op, name string, rows, cols int, s []float32, ld int) {
	if ld < max(cols, 1) {
		panic(fmt.Sprintf("tensor: %s: %s is %d×%d but its leading dimension is %d", op, name, rows, cols, ld))
	}
	if rows > 0 && cols > 0 && len(s) < (rows-1)*ld+cols {
		panic(fmt.Sprintf("tensor: %s: %s is %d×%d with leading dimension %d but holds only %d values", op, name, rows, cols, ld, len(s)))
	}
}
