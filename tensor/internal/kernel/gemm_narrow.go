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

// gemmNarrowDirect computes C = alpha·op(A)·B + beta·C for an untransposed B of at most 16
// columns and a product too small to split over goroutines (the logits of a classifier over a
// small batch, and the gradient of its weight), with the path's narrow kernel: tiles of mr rows
// read A in place and B's rows under a column mask, so nothing is transposed or packed. The k
// blocks, the chains and the write-back are gemmPacked's, so the bits are those of every other
// path to the product. Rows left over after the whole tiles are computed by one more tile over
// the last mr rows of A (m > mr), into a scratch tile holding those rows of C, from which only
// the left-over rows are copied back.
func gemmNarrowDirect(g *gemmKernel, transA bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	kc := gemmKBlock(g, n, k, false)
	mr := g.mr
	ars, aps := lda, 1
	if transA {
		ars, aps = 1, lda
	}
	tile := func(i0 int, c []float32, ldc int) {
		for pc := 0; pc < k; pc += kc {
			beta1 := beta
			if pc > 0 {
				beta1 = 1
			}
			g.narrow(min(kc, k-pc), a[i0*ars+pc*aps:], ars, aps, b[pc*ldb:], ldb, c, ldc, alpha, beta1, n)
		}
	}
	full := m / mr * mr
	for i0 := 0; i0 < full; i0 += mr {
		tile(i0, c[i0*ldc:], ldc)
	}
	if full == m {
		return
	}
	buf := getGemvBuf()
	if cap(buf.y) < mr*gemmNarrowMaxN {
		buf.y = make([]float32, mr*gemmNarrowMaxN)
	}
	ct := buf.y[:mr*gemmNarrowMaxN]
	clear(ct)
	first := m - mr // the last tile's first row; rows below full are computed again and dropped
	for i := full; i < m; i++ {
		copy(ct[(i-first)*gemmNarrowMaxN:][:n], c[i*ldc:i*ldc+n])
	}
	tile(first, ct, gemmNarrowMaxN)
	for i := full; i < m; i++ {
		copy(c[i*ldc:i*ldc+n], ct[(i-first)*gemmNarrowMaxN:][:n])
	}
	putGemvBuf(buf)
}
