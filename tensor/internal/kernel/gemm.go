package kernel

// Matrix multiplication, organised as in the Goto/BLIS scheme:
//
//	for jc over columns in blocks of nc:
//	  for pc over k in blocks of kc:           (k order is fixed: results never depend on workers)
//	    pack op(B)[pc:pc+kc, jc:jc+nc] into nr-column panels   (the block stays in L2)
//	    for ic over rows in blocks of mc:
//	      pack op(A)[ic:ic+mc, pc:pc+kc] into mr-row panels
//	      for each mr-row panel of A:          (stays in L1 while the B panels stream past)
//	        for each nr-column panel of B:
//	          micro-kernel: an mr×nr tile of C held in registers, kc rank-1 updates
//
// Transposes are absorbed by the packing routines. Each path supplies a micro-kernel and its
// tile and block sizes (gemmKernel); the driver here is shared. Every element of C is computed
// the same way wherever its tile falls: a chain of multiply-adds over one k block, in order,
// from zero; then C = alpha·acc + beta·C for the first k block and C = alpha·acc + C for the
// others. Partial tiles run the same micro-kernel into a scratch tile and are written back
// with the same rounding (a last panel of eight rows or fewer runs an eight-row kernel,
// micro8), so the result does not depend on how the work is split. The k blocks depend only on
// n, k and B's layout (gemmKBlock).
//
// Small products skip packing: B is read in place when it is untransposed and small (or used
// once), A in place when the path has a micro-kernel for strided A (microA) and the product is
// small or narrow. Matrix–vector products (m = 1 or n = 1) have their own memory-bound
// kernels, and so do products with a few rows (gemmSmall) and with a few columns: those too
// large to split run transposed on the few-row kernels (gemmNarrow), the others, with an
// untransposed B, on a narrow tile kernel (gemmNarrowDirect). A few dozen rows against a tall
// transposed B run transposed, Cᵀ = B·Aᵀ, so that only A is copied (gemmTransposed).
//
// Over goroutines, a product splits the rows or the columns of C, or, for a small batch times
// a tall weight, the k blocks (gemmSplitsK), so that each core reads the same rows of a weight
// in the forward pass as in the backward pass and the optimizer.

// gemmMicro computes the mr×nr tile acc = Σ_p a[p*mr : p*mr+mr] ⊗ b[p*bs : p*bs+nr] for
// p < k (k ≥ 1), then c[i*ldc+j] = alpha·acc[i][j] (+ beta·c[i*ldc+j] unless beta == 0),
// each product and the sum rounded separately.
type gemmMicro func(k int, a, b []float32, bs int, c []float32, ldc int, alpha, beta float32)

// gemmKernel is one path's set of matrix-multiply building blocks.
type gemmKernel struct {
	mr, nr     int // register tile
	kc, mc, nc int // cache blocks; mc is a multiple of mr, nc of nr
	micro      gemmMicro
	// micro8, if not nil, is micro for the first eight rows of a packed panel (mr > 8): the
	// last panel of a product with eight rows or fewer left, which micro would compute in
	// full.
	micro8 gemmMicro
	// microA, if not nil, is micro reading A in place: the value of tile row r at step p is
	// a[r*ars+p*aps]. Small products use it to skip packing A.
	microA func(k int, a []float32, ars, aps int, b []float32, bs int, c []float32, ldc int, alpha, beta float32)
	// pack interleaves rows (see gemmPackRows); nil means gemmPackRows.
	pack gemmPackFunc
	// narrow, if not nil, is microA for a B of at most 16 columns: the tile's first cols
	// columns, B's rows read under a mask (see gemmNarrowDirect).
	narrow func(k int, a []float32, ars, aps int, b []float32, bs int, c []float32, ldc int, alpha, beta float32, cols int)
	// transpose sets dst[p*ldd+r] = src[r*lds+p] for r < rows, p < cols; nil means
	// transposeGeneric (see transposer).
	transpose func(dst []float32, ldd int, src []float32, lds, rows, cols int)
	// dot4 returns Σ_p x[p]·rows[r][p] for p < k, for four rows; every row is reduced in the
	// same order.
	dot4 func(k int, x, r0, r1, r2, r3 []float32) (s0, s1, s2, s3 float32)
	// axpy sets y[j] = alpha·Σ_p x[p]·m[p*ldm+j] (+ beta·y[j] unless beta == 0) for j < n, each
	// sum taken in order of p.
	axpy func(k int, x, m []float32, ldm int, y []float32, n int, alpha, beta float32)
	// smallN, if not nil, is the small-m kernel (see gemmSmall); smallPackB makes it read
	// untransposed B from packed panels too (for kernels that cannot stream strided rows well).
	smallN     gemmSmallNFunc
	smallPackB bool
}

// gemmKernels holds the building blocks of every path; paths the build does not provide are nil.
var gemmKernels = [numPaths]*gemmKernel{Generic: &gemmGeneric}

// gemmMaxTile bounds mr·nr over all paths (size of the scratch tile for partial tiles).
const gemmMaxTile = 16 * 32

// Gemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, where op(A) is m×k and
// op(B) is k×n. A is stored m×k (lda ≥ k), or k×m (lda ≥ m) when transA; B is stored k×n
// (ldb ≥ n), or n×k (ldb ≥ k) when transB; C is m×n with ldc ≥ n. When beta is zero the old
// contents of C are ignored, NaN included. C must not overlap A or B. The arguments are not
// checked.
//
// Gemm may use up to GOMAXPROCS goroutines. Each element of the result is the same whatever
// the number of goroutines.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 || alpha == 0 {
		gemmScale(m, n, beta, c, ldc)
		return
	}
	g := gemmKernels[active]
	if g == nil {
		g = gemmKernels[Generic]
	}
	if m == 1 || n == 1 {
		gemv(g, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m <= gemmSmallMaxM && g.smallN != nil {
		gemmSmall(g, transA, transB, m, n, k, gemmKBlock(g, n, k, transB), alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if gemmTransposedPays(transA, transB, m, n, k) {
		gemmTransposed(g, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if n <= gemmNarrowMaxN && !transB && g.narrow != nil && m > g.mr && m*n*k < gemmParallelWork {
		gemmNarrowDirect(g, transA, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if n <= gemmNarrowMaxN && g.smallN != nil {
		gemmNarrow(g, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemmPacked(g, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmScale sets C = beta·C (zero when beta is zero, whatever C held).
func gemmScale(m, n int, beta float32, c []float32, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		if beta == 1 {
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// gemmWriteBack sets c[i*ldc+j] = alpha·t[i*ldt+j] (+ beta·c[i*ldc+j] unless beta == 0) for an
// mm×nn tile, with the rounding of the micro-kernels: the two products and their sum are each
// rounded to float32 (no fused multiply-add).
func gemmWriteBack(mm, nn int, t []float32, ldt int, c []float32, ldc int, alpha, beta float32) {
	for i := range mm {
		src := t[i*ldt : i*ldt+nn]
		dst := c[i*ldc : i*ldc+nn]
		if beta == 0 {
			for j, v := range src {
				dst[j] = alpha * v
			}
			continue
		}
		for j, v := range src {
			dst[j] = float32(alpha*v) + float32(beta*dst[j])
		}
	}
}

// gemmBlockSize splits n into the fewest blocks of at most max and returns the (equal, rounded up
// to a multiple of unit) block size. It depends only on its arguments.
func gemmBlockSize(n, max, unit int) int {
	if n <= max {
		return n
	}
	blocks := (n + max - 1) / max
	bs := (n + blocks - 1) / blocks
	return (bs + unit - 1) / unit * unit
}
