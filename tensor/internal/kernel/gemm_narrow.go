package kernel

// Narrow products, with many rows and few columns (2 ≤ n ≤ gemmNarrowMaxN: a layer's output of
// ten logits or six action values, and the gradient of its weight), waste most of a packed
// micro-kernel tile, which is gemmKernel.nr columns wide. They are computed transposed instead,
// Cᵀ = op(B)ᵀ·op(A)ᵀ, on the small-m path, whose kernels take a few rows: Cᵀ goes to a scratch
// matrix (holding the old Cᵀ when beta ≠ 0) and is copied back. Every element is the chain of
// multiply-adds it is on the packed path, over the same k blocks (the original product's, see
// gemmKBlock), so the result has the same bits either way.

// gemmNarrowMaxN is the largest n that takes the narrow path.
const gemmNarrowMaxN = 16

// gemmNarrow computes C = alpha·op(A)·op(B) + beta·C for m > gemmSmallMaxM, 2 ≤ n ≤
// gemmNarrowMaxN, through the transposed product on the small-m path.
func gemmNarrow(g *gemmKernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	buf := getGemvBuf()
	if cap(buf.y) < n*m {
		buf.y = make([]float32, n*m)
	}
	ct := buf.y[:n*m]
	if beta != 0 {
		for i := range m {
			for j, v := range c[i*ldc : i*ldc+n] {
				ct[j*m+i] = v
			}
		}
	}
	// op(B)ᵀ is B itself when B is stored transposed (n×k), else B read as transposed; likewise
	// op(A)ᵀ.
	gemmSmall(g, !transB, !transA, n, m, k, gemmKBlock(g, n, k, transB), alpha, b, ldb, a, lda, beta, ct, m)
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			row[j] = ct[j*m+i]
		}
	}
	putGemvBuf(buf)
}
