package kernel

const (
	// gemvParallelWork is the k·(outputs) above which a matrix–vector product is split over
	// goroutines.
	gemvParallelWork = 32 * 1024
	// gemvAxpyUnit and gemvDotUnit are the granules of a split: columns for the axpy form, rows
	// for the dot form.
	gemvAxpyUnit = 64
	gemvDotUnit  = 4
	// gemvRowChunk is the number of rows of M per part when the axpy form is split by rows
	// (see gemvRows); the split depends only on the shape.
	gemvRowChunk = 128
	// gemvAccRowsMin is the width from which the axpy form sweeps rows across a scratch row of
	// sums instead of holding column blocks in registers.
	gemvAccRowsMin = 512
)

// gemvScratch keeps rows of sums for the axpy form between calls.
var gemvScratch = newFreeList(8, func() *[]float32 { return new([]float32) })

// getGemvScratch returns scratch of at least n floats.
func getGemvScratch(n int) *[]float32 {
	s := gemvScratch.get()
	if cap(*s) < n {
		*s = make([]float32, n)
	}
	return s
}

func putGemvScratch(s *[]float32) { gemvScratch.put(s) }

// gemvArgs is one matrix–vector product y = alpha·(M·x or xᵀ·M) + beta·y over plain slices.
type gemvArgs struct {
	g     *gemmKernel
	dot   bool // y[i] = x·M[i, :] for i < n (else y[j] = Σ_p x[p]·M[p, j] for j < n)
	k, n  int
	x     []float32 // k values
	mat   []float32
	ld    int
	y     []float32
	ys    int // stride of y (dot form; the axpy form writes y contiguously)
	alpha float32
	beta  float32
}

// gemvBuf holds gathered copies of strided vectors.
type gemvBuf struct{ x, y []float32 }

// gemvBufs keeps gather buffers between calls.
var gemvBufs = newFreeList(8, func() *gemvBuf { return new(gemvBuf) })

func getGemvBuf() *gemvBuf { return gemvBufs.get() }

func putGemvBuf(b *gemvBuf) { gemvBufs.put(b) }

// gemv handles m == 1 or n == 1.
func gemv(g *gemmKernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	var buf *gemvBuf
	gather := func(s []float32, stride int) []float32 {
		if stride == 1 {
			return s[:k]
		}
		if buf == nil {
			buf = getGemvBuf()
		}
		if cap(buf.x) < k {
			buf.x = make([]float32, k)
		}
		x := buf.x[:k]
		for p := range x {
			x[p] = s[p*stride]
		}
		return x
	}
	gv := gemvArgs{g: g, k: k, alpha: alpha, beta: beta}
	var scatter []float32 // axpy result to copy back to a strided column of C
	if m == 1 {
		// Row vector x = op(A)[0, :] times op(B).
		if transA {
			gv.x = gather(a, lda)
		} else {
			gv.x = a[:k]
		}
		gv.n, gv.y, gv.ys = n, c, 1
		gv.dot, gv.mat, gv.ld = transB, b, ldb // transB: y[j] = x·b[j, :]
	} else {
		// op(A) times column vector x = op(B)[:, 0].
		if transB {
			gv.x = b[:k]
		} else {
			gv.x = gather(b, ldb)
		}
		gv.n, gv.y, gv.ys = m, c, ldc
		gv.dot, gv.mat, gv.ld = !transA, a, lda // transA: y[i] = Σ_p x[p]·a[p, i]
		if transA && ldc != 1 {
			if buf == nil {
				buf = getGemvBuf()
			}
			if cap(buf.y) < m {
				buf.y = make([]float32, m)
			}
			gv.y = buf.y[:m]
			if beta != 0 {
				for i := range gv.y {
					gv.y[i] = c[i*ldc]
				}
			}
			scatter = gv.y
		}
	}
	unit := gemvAxpyUnit
	if gv.dot {
		unit = gemvDotUnit
	}
	if !gv.dot && k*gv.n >= gemvParallelWork && k >= 2*gemvRowChunk {
		gemvRows(&gv)
	} else {
		gemvCols(&gv, unit)
	}
	for i, v := range scatter {
		c[i*ldc] = v
	}
	if buf != nil {
		putGemvBuf(buf)
	}
}

// gemvCols computes gv whole, or split by outputs (columns of the axpy form, rows of the dot
// form) over goroutines when it is large.
func gemvCols(gv *gemvArgs, unit int) {
	k := gv.k
	units := (gv.n + unit - 1) / unit
	w := 1
	if k*gv.n >= gemvParallelWork {
		w = min(procs(), units, gemmMaxParts)
	}
	if w <= 1 {
		gv.run(0, gv.n)
		return
	}
	job := getGemmJob()
	job.kind, job.gv, job.parts, job.tiles = gemmJobGemv, *gv, w, units
	job.run()
	job.gv = gemvArgs{}
	putGemmJob(job)
}

// gemvRows computes a large axpy-form product y = alpha·xᵀ·M + beta·y by blocks of
// gemvRowChunk rows of M: part c sums its rows into its own row of partial sums, and the
// partial rows are then added in order. Each goroutine streams whole rows of M, which are
// contiguous in memory; a split by columns would have every goroutine read short pieces of
// every row, which the hardware prefetchers follow poorly, and two goroutines then ran slower
// than one. The blocks depend only on k, so the result does not depend on the number of
// goroutines.
func gemvRows(gv *gemvArgs) {
	k, n := gv.k, gv.n
	parts := (k + gemvRowChunk - 1) / gemvRowChunk
	s := getGemvScratch(parts * n)
	partial := (*s)[:parts*n]
	job := getGemmJob()
	job.kind, job.gv, job.parts, job.tiles = gemmJobGemvRows, *gv, parts, parts
	job.gv.y = partial
	job.run()
	job.gv = gemvArgs{}
	putGemmJob(job)
	acc := partial[:n]
	for c := 1; c < parts; c++ {
		Add(acc, acc, partial[c*n:(c+1)*n])
	}
	gemmWriteBack(1, n, acc, n, gv.y, n, gv.alpha, gv.beta)
	putGemvScratch(s)
}

// gemvRowsPart computes block part of a gemvRows product into its row of partial sums.
func (j *gemmJob) gemvRowsPart(part int) {
	gv := &j.gv
	p0, p1 := part*gemvRowChunk, min((part+1)*gemvRowChunk, gv.k)
	gv.g.axpy(p1-p0, gv.x[p0:p1], gv.mat[p0*gv.ld:], gv.ld, gv.y[part*gv.n:(part+1)*gv.n], gv.n, 1, 0)
}

// gemvPart computes the part-th of parts slices of y.
func (j *gemmJob) gemvPart(part int) {
	gv := &j.gv
	unit := gemvAxpyUnit
	if gv.dot {
		unit = gemvDotUnit
	}
	lo, hi := part*j.tiles/j.parts*unit, min((part+1)*j.tiles/j.parts*unit, gv.n)
	gv.run(lo, hi)
}

// run computes outputs [lo, hi).
func (gv *gemvArgs) run(lo, hi int) {
	if !gv.dot {
		gv.g.axpy(gv.k, gv.x, gv.mat[lo:], gv.ld, gv.y[lo:hi], hi-lo, gv.alpha, gv.beta)
		return
	}
	k, ld := gv.k, gv.ld
	x := gv.x[:k]
	var out [4]float32
	for i := lo; i < hi; i += 4 {
		// A short last group repeats its last row so every row goes through the same code.
		r0 := gv.mat[i*ld : i*ld+k]
		i1, i2, i3 := min(i+1, hi-1), min(i+2, hi-1), min(i+3, hi-1)
		r1 := gv.mat[i1*ld : i1*ld+k]
		r2 := gv.mat[i2*ld : i2*ld+k]
		r3 := gv.mat[i3*ld : i3*ld+k]
		out[0], out[1], out[2], out[3] = gv.g.dot4(k, x, r0, r1, r2, r3)
		for r := 0; r < 4 && i+r < hi; r++ {
			idx := (i + r) * gv.ys
			if gv.beta == 0 {
				gv.y[idx] = gv.alpha * out[r]
			} else {
				gv.y[idx] = float32(gv.alpha*out[r]) + float32(gv.beta*gv.y[idx])
			}
		}
	}
}
