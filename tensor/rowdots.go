package tensor

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// RowDots computes C = alpha·A·Bᵀ + beta·C as m·n dot products of rows: A is m×k with leading
// dimension lda ≥ k, B is n×k with ldb ≥ k, C is m×n with ldc ≥ n, all row-major in plain
// slices. It is Gemm(false, true, …) for few, long rows — a convolution's filter gradient,
// output channels × filter taps summed over every pixel of the batch — where it skips Gemm's
// copy of Bᵀ into panels: on AVX-512 each pair of rows accumulates in one 16-lane vector along
// k, the lanes then added as a tree, and k summed in fixed pieces added in order. So the
// result differs from Gemm's in the last bits, and between instruction-set paths (paths
// without such a kernel compute with Gemm), but not with the number of goroutines.
//
// When beta is zero the old contents of C are ignored. C must not overlap A or B. RowDots
// panics if a dimension is negative, a leading dimension is too small, or a slice is too short
// for the matrix it holds.
func RowDots(m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("tensor: RowDots: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	checkMatrix("RowDots", "A", m, k, a, lda)
	checkMatrix("RowDots", "B", n, k, b, ldb)
	checkMatrix("RowDots", "C", m, n, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	kernel.RowDots(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
