package kernel

// Gemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, where op(A) is m×k and
// op(B) is k×n. A is stored m×k (lda ≥ k), or k×m (lda ≥ m) when transA; B is stored k×n
// (ldb ≥ n), or n×k (ldb ≥ k) when transB; C is m×n with ldc ≥ n. When beta is zero the old
// contents of C are ignored, NaN included. C must not overlap A or B. The arguments are not
// checked.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmNaive(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmNaive is the textbook triple loop.
func gemmNaive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := range m {
		for j := range n {
			var s float32
			for p := range k {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}
