package kernel

// RowDots computes C = alpha·A·Bᵀ + beta·C as m·n dot products of rows: A is m×k, B is n×k,
// both with their rows contiguous. Gemm's micro-kernels broadcast one operand along k, so
// they must first copy Bᵀ into k-major panels; when m and n are small and k is long (the
// filter gradient of a convolution: output channels × filter taps over every pixel of the
// batch) that copy, and a tile mostly wasted on a few columns, cost several times the
// arithmetic. The vector paths here instead run a block of rows of A against a block of rows
// of B, each pair accumulating in one vector register along k.
//
// The order of each sum is fixed per path: on AVX-512, k is cut into pieces (see
// rowDotsKChunk); within a piece, lane l of a 16-lane accumulator sums the products at
// p ≡ l (mod 16) in order of p, and the lanes are then added as a tree (8+8, 4+4, 2+2, 1+1);
// the pieces' sums are added in order. The result differs in the last bits from Gemm's (one
// chain along k), and between paths; it does not depend on the number of goroutines, since
// every piece of every element is computed whole by one of them. Paths without a row-dot
// kernel (the generic and AVX2 ones) compute with Gemm.
//
// On DQN's filter gradient (16×37 over k = 3200) RowDots took 32–34 µs on one core where
// Gemm took 68, and 23–25 against 46 on two; in the DQN training step the convolution's
// backward pass went from 58–62 to 44–45 µs on two cores.

const (
	// rowDotsR×rowDotsS is the block of rows of A × rows of B one kernel call computes.
	rowDotsR = 4
	rowDotsS = 6
	// k is summed in pieces of at least rowDotsKChunk, as many as a power of two allows, the
	// pieces equal but for rounding: a split fixed by k alone, so that the result does not
	// depend on how many goroutines run, and into halves (and quarters…) of k, so that two
	// goroutines each take the pieces of the images whose data they wrote.
	rowDotsKChunk = 1024
	// rowDotsParallelWork is the m·n·k from which the work is split over goroutines.
	rowDotsParallelWork = 1 << 18
)

// rowDotsPaths[p] reports whether path p has a row-dot kernel: rowDots4x6AVX512, which sets
// out[r*rowDotsS+s] = Σ_p a[r][p]·b[s][p] for r < rowDotsR, s < rowDotsS, p < k (k ≥ 1; every
// row has at least k elements). It is called directly rather than through a function value,
// so that its arguments stay on the stack.
var rowDotsPaths [numPaths]bool

// rowDotsJob is one RowDots call: units of one block over one piece of k, each writing its
// sums to its own part of sums, claimed by the shared workers (pool.go).
type rowDotsJob struct {
	m, n, k       int
	a, b          []float32
	lda, ldb      int
	bj, blocks    int // blocks along n, blocks in all
	pieces, chunk int // pieces of k, units per claimed chunk
	units         int
	sums          []float32 // unit u's sums at [u*rowDotsR*rowDotsS:]
	claims
}

var rowDotsJobs = newFreeList(8, func() *rowDotsJob { return &rowDotsJob{claims: newClaims()} })

func (j *rowDotsJob) work(gen uint32, top bool) { j.claims.work(gen, top, j.runChunk) }

func (j *rowDotsJob) runChunk(part int) {
	j.run(part*j.chunk, min((part+1)*j.chunk, j.units))
}

// run computes units [lo, hi): unit u is block u mod blocks over piece u / blocks of k.
func (j *rowDotsJob) run(lo, hi int) {
	var (
		ra [rowDotsR][]float32
		rb [rowDotsS][]float32
	)
	const outLen = rowDotsR * rowDotsS
	for u := lo; u < hi; u++ {
		piece, blk := u/j.blocks, u%j.blocks
		p0, p1 := piece*j.k/j.pieces, (piece+1)*j.k/j.pieces
		i0, j0 := blk/j.bj*rowDotsR, blk%j.bj*rowDotsS
		// Rows past the end of A or B repeat the last one; their sums are dropped.
		mr, nr := min(rowDotsR, j.m-i0), min(rowDotsS, j.n-j0)
		for r := range ra {
			ra[r] = j.a[(i0+min(r, mr-1))*j.lda+p0 : (i0+min(r, mr-1))*j.lda+p1]
		}
		for s := range rb {
			rb[s] = j.b[(j0+min(s, nr-1))*j.ldb+p0 : (j0+min(s, nr-1))*j.ldb+p1]
		}
		rowDots4x6AVX512(p1-p0, &ra, &rb, (*[outLen]float32)(j.sums[u*outLen:]))
	}
}

// RowDots sets c[i*ldc+j] = alpha·Σ_p a[i*lda+p]·b[j*ldb+p] (+ beta·c[i*ldc+j] unless beta is
// zero) for i < m, j < n, p < k. The order of the sums is the path's (see above), the pieces
// of k added in order; the write-back rounds as Gemm's. It may use up to GOMAXPROCS
// goroutines; the result does not depend on how many.
func RowDots(m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	if !rowDotsPaths[active] || k <= 0 || alpha == 0 {
		Gemm(false, true, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	_ = a[(m-1)*lda+k-1]
	_ = b[(n-1)*ldb+k-1]
	_ = c[(m-1)*ldc+n-1]
	j := rowDotsJobs.get()
	j.m, j.n, j.k, j.a, j.b, j.lda, j.ldb = m, n, k, a, b, lda, ldb
	j.bj = (n + rowDotsS - 1) / rowDotsS
	j.blocks = (m + rowDotsR - 1) / rowDotsR * j.bj
	j.pieces = 1
	for 2*j.pieces*rowDotsKChunk <= k {
		j.pieces *= 2
	}
	j.units = j.pieces * j.blocks
	const outLen = rowDotsR * rowDotsS
	if cap(j.sums) < j.units*outLen {
		j.sums = make([]float32, j.units*outLen)
	}
	j.sums = j.sums[:j.units*outLen]
	workers := 1
	if m*n*k >= rowDotsParallelWork {
		workers = min(procs(), j.units)
	}
	if workers <= 1 {
		j.run(0, j.units)
	} else {
		j.chunk = (j.units + workers - 1) / workers
		j.claims.run(j, (j.units+j.chunk-1)/j.chunk)
	}
	// C = alpha·(pieces added in order) + beta·C.
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		ib := i / rowDotsR * j.bj
		for jj := range row {
			off := (ib+jj/rowDotsS)*outLen + i%rowDotsR*rowDotsS + jj%rowDotsS
			sum := j.sums[off]
			for piece := 1; piece < j.pieces; piece++ {
				sum += j.sums[piece*j.blocks*outLen+off]
			}
			if beta == 0 {
				row[jj] = alpha * sum
			} else {
				row[jj] = float32(alpha*sum) + float32(beta*row[jj])
			}
		}
	}
	j.a, j.b = nil, nil
	rowDotsJobs.put(j)
}
