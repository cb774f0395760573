package kernel

// A product with a transposed B and a few dozen rows, C = A·Bᵀ with B stored n×k (the input
// gradient of a layer, dX = dY·Wᵀ, over a small batch), would pack all of Bᵀ (n·k values
// moved through a transpose) to use a fraction of it per row of A. It is computed transposed
// instead: Cᵀ = B·Aᵀ reads B in place as the row operand and packs only Aᵀ (m·k values), and
// Cᵀ (m·n values) is transposed into C. Every element is the chain of multiply-adds it is on
// the other paths, over the same k blocks (those of a transposed B, see gemmKBlock) and written
// back with alpha and beta the same way, so the result has the same bits either way.

const (
	// gemmTransposedMaxM is the most rows of A for which a product with a transposed B is
	// computed transposed. Fewer than gemmSmallMaxM take the small-m path, which reads B once.
	gemmTransposedMaxM = 64
)

// gemmTransposedPays reports whether C = op(A)·Bᵀ is computed as Cᵀ = B·op(A)ᵀ: A is not
// transposed and has a few dozen rows, B has at least eight times as many rows as A and k is
// at least 2m, so that moving Aᵀ and Cᵀ costs well under packing Bᵀ. (The DQN fc1 input
// gradient, 32×1600×128: 67 → 54 µs on two cores. At four times as many rows, the MLP's
// 64×256×256, the transposed product was 7% slower.)
func gemmTransposedPays(transA, transB bool, m, n, k int) bool {
	return transB && !transA && m > gemmSmallMaxM && m <= gemmTransposedMaxM && n >= 8*m && k >= 2*m
}

// gemmTransposed computes C = alpha·A·Bᵀ + beta·C (A m×k, B n×k) as Cᵀ = B·Aᵀ into a scratch
// matrix (holding the old Cᵀ when beta ≠ 0), then transposes Cᵀ into C.
func gemmTransposed(g *gemmKernel, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	buf := getGemvBuf()
	if cap(buf.y) < n*m {
		buf.y = make([]float32, n*m)
	}
	ct := buf.y[:n*m]
	if beta != 0 {
		g.transposer()(ct, m, c, ldc, m, n)
	}
	// Cᵀ has n ≥ 8m rows and m ≤ 64 columns and its B is transposed, so the job splits its
	// rows, never its columns or k blocks, and each part transposes the rows it computed.
	job := newPackedJob(g, false, true, n, m, k, alpha, b, ldb, a, lda, beta, ct, m)
	if job.splitN || job.splitK {
		panic("kernel: gemmTransposed: the product of Cᵀ is not split by rows")
	}
	job.tc, job.tldc = c, ldc
	job.run()
	job.args, job.tc = gemmArgs{}, nil
	putGemmJob(job)
	putGemvBuf(buf)
}

// transposer returns the path's transpose, or transposeGeneric.
func (g *gemmKernel) transposer() func(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	if g.transpose != nil {
		return g.transpose
	}
	return transposeGeneric
}

// transposeGeneric sets dst[p*ldd+r] = src[r*lds+p] for r < rows, p < cols, in 16×16 tiles.
func transposeGeneric(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	const t = 16
	for r0 := 0; r0 < rows; r0 += t {
		r1 := min(r0+t, rows)
		for p0 := 0; p0 < cols; p0 += t {
			p1 := min(p0+t, cols)
			for r := r0; r < r1; r++ {
				s := src[r*lds+p0 : r*lds+p1]
				for i, v := range s {
					dst[(p0+i)*ldd+r] = v
				}
			}
		}
	}
}
