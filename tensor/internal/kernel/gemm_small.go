package kernel

// Products with few rows (2 ≤ m ≤ gemmSmallMaxM), such as verifying a few speculated tokens or
// decoding a handful of sequences against large weight matrices, are bound by reading B. They
// skip the packing of gemmPacked (which copies all of B for every call) and read B once.
//
// Untransposed B: C is computed in strips of gemmSmallCols columns; for each strip and k block,
// groups of up to gemmSmallNRows rows of A run down B in place (the first group reads the
// strip from memory, the others from cache).
//
// Transposed B (n×k), and untransposed B on paths whose kernel cannot stream strided rows well
// (smallPackB): each strip is copied, one k block at a time, into small k-major panels that
// stay in cache while every group of rows of A runs down them; B is still read once.
//
// The k blocks are gemmPacked's, and every element is computed as there: one chain of
// multiply-adds over each k block in order, written back with alpha and beta the same way. So a
// row of C has the same bits whether it is computed with few rows or many (callers such as a
// key/value cache rely on it). The work is split over goroutines by columns, in whole strips,
// or, for products too narrow for that, by whole k blocks added into C in block order (see
// splitKPart), so the result does not depend on the number of goroutines either.

const (
	// gemmSmallMaxM is the largest m that takes the small-m path.
	gemmSmallMaxM = 16
	// gemmSmallNRows is the most rows of A per kernel call, gemmSmallCols the most columns of
	// C (and the granule of the split over goroutines).
	gemmSmallNRows = 8
	gemmSmallCols  = 64
	// gemmSmallParallelWork is the k·n above which the product is split over goroutines (as
	// it is from gemmParallelWork multiply-adds): the size from which matrix–vector products
	// split too, as reading B bounds both.
	gemmSmallParallelWork = 32 * 1024
)

// gemmSmallNFunc computes, for r < rows (1 ≤ rows ≤ gemmSmallNRows) and j < cols (1 ≤ cols ≤
// gemmSmallCols), c[r*ldc+j] = alpha·Σ_p a[r*lda+p]·b[p*ldb+j] (+ beta·c[r*ldc+j] unless beta
// is zero), each sum taken in order of p (k ≥ 1), the write-back rounded as gemmWriteBack.
type gemmSmallNFunc func(k, rows int, a []float32, lda int, b []float32, ldb int, c []float32, ldc, cols int, alpha, beta float32)

// gemmSmall handles 2 ≤ m ≤ gemmSmallMaxM when the path has small-m kernels, with k blocks of
// kc (see gemmKBlock).
func gemmSmall(g *gemmKernel, transA, transB bool, m, n, k, kc int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	var buf *gemvBuf
	if transA {
		// Gather op(A) into rows (it is small: m×k).
		buf = getGemvBuf()
		if cap(buf.x) < m*k {
			buf.x = make([]float32, m*k)
		}
		at := buf.x[:m*k]
		for p := range k {
			src := a[p*lda : p*lda+m]
			for i, v := range src {
				at[i*k+p] = v
			}
		}
		a, lda = at, k
	}
	job := getGemmJob()
	job.args = gemmArgs{
		g: g, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, b: b, c: c, lda: lda, ldb: ldb, ldc: ldc, kc: kc,
	}
	units := (n + gemmSmallCols - 1) / gemmSmallCols
	w := 1
	if k*n >= gemmSmallParallelWork || m*n*k >= gemmParallelWork {
		w = min(procs(), units, gemmMaxParts)
	}
	job.kind, job.parts, job.tiles, job.splitK = gemmJobSmall, w, units, false
	// A product too narrow to split by columns over every goroutine (the filter gradient of a
	// small convolution: 16×36 from k = 3200) splits its k blocks instead, as gemmPacked does.
	// So does one of at most two strips with a k block for every goroutine (a few tokens
	// through a 512→128 projection): each goroutine then streams whole rows of B instead of
	// a strided half of every row (verifying 4–8 tokens on a 4×128 model: 5–8% faster).
	kBlocks := (k + kc - 1) / kc
	narrow := w < procs() && m*n*k >= gemmParallelWork
	twoStrips := w > 1 && n <= 2*gemmSmallCols && kBlocks >= procs()
	if (narrow || twoStrips) && kBlocks > 1 && m*n <= gemmSplitKMaxC {
		job.splitOverK(kBlocks, min(procs(), kBlocks, gemmMaxParts))
	}
	job.run()
	job.args = gemmArgs{}
	putGemmJob(job)
	if buf != nil {
		putGemvBuf(buf)
	}
}

// smallPart computes the part-th of parts slices of the columns of C or, when the product
// splits k, of its k blocks (see packedPart).
func (j *gemmJob) smallPart(part int) {
	p := &j.args
	if j.splitK {
		j.splitKPart(part, func(k0, k1 int, c []float32, ldc int, beta float32) { p.small(0, p.n, k0, k1, c, ldc, beta) })
		return
	}
	lo, hi := part*j.tiles/j.parts*gemmSmallCols, min((part+1)*j.tiles/j.parts*gemmSmallCols, p.n)
	p.small(lo, hi, 0, p.k, p.c, p.ldc, p.beta)
}

// small computes columns [lo, hi) of C over the k range [k0, k1) (whole k blocks) into c (row
// stride ldc, indexed like C): the first block with beta0, the others accumulating. The k blocks
// are those of gemmPacked and each element is computed as there (one chain of multiply-adds per
// k block, written back with alpha and beta the same way), so a row of C does not depend on m
// whichever path computes it.
func (p *gemmArgs) small(lo, hi, k0, k1 int, c []float32, ldc int, beta0 float32) {
	g, m, k := p.g, p.m, p.k
	a, lda := p.a, p.lda
	kc := p.kc
	if !p.transB && !g.smallPackB {
		for j := lo; j < hi; j += gemmSmallCols {
			cols := min(gemmSmallCols, hi-j)
			for pc := k0; pc < k1; pc += kc {
				kb := min(kc, k-pc)
				beta := beta0
				if pc > k0 {
					beta = 1
				}
				for i := 0; i < m; i += gemmSmallNRows {
					rows := min(gemmSmallNRows, m-i)
					g.smallN(kb, rows, a[i*lda+pc:], lda, p.b[pc*p.ldb+j:], p.ldb, c[i*ldc+j:], ldc, cols, p.alpha, beta)
				}
			}
		}
		return
	}
	// Transposed B (or a path that wants it): each strip of op(B) is copied into small k-major
	// panels of nr columns (in cache) used at once by every row of A.
	nr := g.nr
	pack := g.pack
	if pack == nil {
		pack = gemmPackRows
	}
	s := getGemvScratch(kc * gemmSmallCols)
	d := (*s)[:kc*gemmSmallCols]
	for j := lo; j < hi; j += gemmSmallCols {
		cols := min(gemmSmallCols, hi-j)
		for pc := k0; pc < k1; pc += kc {
			kb := min(kc, k-pc)
			if p.transB {
				for jr := 0; jr < cols; jr += nr {
					pack(d[jr*kb:(jr+nr)*kb], nr, p.b[(j+jr)*p.ldb+pc:], p.ldb, min(nr, cols-jr), kb)
				}
			} else {
				gemmPackBRows(d, nr, p.b, p.ldb, pc, kb, j, cols)
			}
			beta := beta0
			if pc > k0 {
				beta = 1
			}
			for jr := 0; jr < cols; jr += nr {
				nn := min(nr, cols-jr)
				panel := d[jr*kb : (jr+nr)*kb]
				for i := 0; i < m; i += gemmSmallNRows {
					rows := min(gemmSmallNRows, m-i)
					g.smallN(kb, rows, a[i*lda+pc:], lda, panel, nr, c[i*ldc+j+jr:], ldc, nn, p.alpha, beta)
				}
			}
		}
	}
	putGemvScratch(s)
}

// gemmSmallNGeneric is the generic gemmSmallNFunc: the generic 1×8 micro-kernel on each row
// of A in place, eight columns at a time (a last partial group through a scratch tile when B
// is a padded panel, else one column at a time).
func gemmSmallNGeneric(k, rows int, a []float32, lda int, b []float32, ldb int, c []float32, ldc, cols int, alpha, beta float32) {
	full := cols / 8 * 8
	padded := full < cols && ldb >= full+8 && len(b) >= (k-1)*ldb+full+8
	for r := range rows {
		ar := a[r*lda : r*lda+k]
		cr := c[r*ldc : r*ldc+cols]
		for j := 0; j < full; j += 8 {
			gemmMicroGeneric1x8(k, ar, b[j:], ldb, cr[j:], ldc, alpha, beta)
		}
		if full == cols {
			continue
		}
		if padded {
			var t [8]float32
			gemmMicroGeneric1x8(k, ar, b[full:], ldb, t[:], 8, 1, 0)
			gemmWriteBack(1, cols-full, t[:], 8, cr[full:], ldc, alpha, beta)
			continue
		}
		for j := full; j < cols; j++ {
			var s float32
			for p, av := range ar {
				s += av * b[p*ldb+j]
			}
			if beta == 0 {
				cr[j] = alpha * s
			} else {
				cr[j] = float32(alpha*s) + float32(beta*cr[j])
			}
		}
	}
}
