package kernel

import (
	"unsafe"
)

const (
	// gemmParallelWork is the m·n·k above which Gemm splits the work over goroutines.
	gemmParallelWork = 96 * 96 * 96
	// gemmDirectB is the largest k·n for which an untransposed B is read in place instead of
	// being packed (it fits in L1/L2 and its rows are close together). B is also read in place
	// when A has a single row panel: each B panel is then used once, and packing it would only
	// add a pass over memory.
	gemmDirectB = 64 * 128
	// With at most gemmDirectBRows row panels of A, B is also read in place when it has at most
	// gemmDirectBFew elements (it stays in L2 across the panels): packing it would cost as much
	// as the few panels' arithmetic (the products of small-batch training steps). Larger B
	// (beyond L2) is packed: read in place, its rows would miss the TLB and L1 sets.
	gemmDirectBRows = 5
	gemmDirectBFew  = 256 * 1024
	// gemmDirectA is the largest m·n·k for which A is read in place (when the path can), and
	// gemmDirectAN the largest n: with few column panels packing A does not pay for itself (at
	// n = 256 reading A in place made the MLP's 64×256×784 product 93 → 86 µs on two cores).
	gemmDirectA  = 128 * 128 * 128
	gemmDirectAN = 256
	// A transposed A with at most gemmDirectATK rows of k and gemmDirectATM columns or more (the
	// input of a wide layer's weight gradient Xᵀ·G over a small batch) is read in place too:
	// each k step then reads mr adjacent values of one of its rows, where packing copied all
	// of Xᵀ in runs of mr values (the DQN fc1 weight gradient 1600×128×32: 52 → 46 µs on two
	// cores; at m = 256 packing was still faster).
	gemmDirectATK = 64
	gemmDirectATM = 512
)

// gemmArgs is one matrix product, shared read-only by the goroutines working on it.
type gemmArgs struct {
	g              *gemmKernel
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
	directB        bool
	directA        bool
	kc             int // k block size
}

// gemmBuf holds one goroutine's packing buffers.
type gemmBuf struct {
	a, b []float32
	t    [gemmMaxTile]float32 // scratch tile for partial tiles
}

// gemmBufs keeps packing buffers between calls; it holds at most a few.
var gemmBufs = newFreeList(8, func() *gemmBuf { return new(gemmBuf) })

func getGemmBuf() *gemmBuf { return gemmBufs.get() }

func putGemmBuf(b *gemmBuf) { gemmBufs.put(b) }

// gemmAligned returns a slice of n float32s starting on a 64-byte boundary, reusing s when it is
// large enough.
func gemmAligned(s []float32, n int) []float32 {
	if cap(s) >= n {
		if off := uintptr(unsafe.Pointer(unsafe.SliceData(s))) % 64; off == 0 {
			return s[:n]
		}
	}
	s = make([]float32, n+16)
	off := int((64 - uintptr(unsafe.Pointer(unsafe.SliceData(s)))%64) % 64 / 4)
	return s[off : off+n : off+n]
}

// gemmPacked multiplies with packed panels, splitting the rows, the columns or the k blocks of
// the product over goroutines when it is large enough.
func gemmPacked(g *gemmKernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	job := newPackedJob(g, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	job.run()
	job.args = gemmArgs{}
	putGemmJob(job)
}

// newPackedJob sets up gemmPacked's job: its arguments and how it splits over goroutines.
func newPackedJob(g *gemmKernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) *gemmJob {
	job := getGemmJob()
	job.args = gemmArgs{
		g: g, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, b: b, c: c, lda: lda, ldb: ldb, ldc: ldc,
		directB: !transB && (k*n <= gemmDirectB || m <= g.mr || m <= gemmDirectBRows*g.mr && k*n <= gemmDirectBFew),
		directA: g.microA != nil && (m*n*k <= gemmDirectA || n <= gemmDirectAN && !transA || transA && k <= gemmDirectATK && m >= gemmDirectATM),
		kc:      gemmKBlock(g, n, k, transB),
	}
	tilesM := (m + g.mr - 1) / g.mr
	tilesN := (n + g.nr - 1) / g.nr
	w := 1
	if m*n*k >= gemmParallelWork {
		w = min(procs(), gemmMaxParts)
	}
	job.kind = gemmJobPacked
	job.splitN, job.splitK = tilesN >= tilesM, false
	tiles := tilesM
	if job.splitN {
		tiles = tilesN
	}
	job.parts, job.tiles = min(w, tiles), tiles
	if kBlocks := (k + job.args.kc - 1) / job.args.kc; w > 1 && gemmSplitsK(m, n, k, transB) && kBlocks > 1 {
		job.splitOverK(kBlocks, min(w, kBlocks))
	}
	return job
}

// gemmSplitsK reports whether a product splits its k blocks, rather than the rows or columns of
// C, over goroutines: when B is an untransposed matrix much taller than the few rows of A (the
// weight of a layer applied to a small batch) and C is small. Each goroutine then reads one
// contiguous range of B's rows, the same rows that the products of the backward pass (dB = Aᵀ·G
// split by rows of dB, dA = G·Bᵀ split by columns of dA) and an optimizer split by contiguous
// ranges give it, so that the weight, its gradient and the optimizer's state stay in one core's
// cache from kernel to kernel. Splitting columns instead moved half the weight between the
// cores' caches twice per training step. The k blocks are the ones every product uses, so the
// result is unchanged (see addKBlocks); the price is a pass over the small C per block added at
// the end. Only products with at least two k blocks can split this way.
func gemmSplitsK(m, n, k int, transB bool) bool {
	return !transB && k >= gemmSplitKMinK && k >= 4*m && m*n <= gemmSplitKMaxC
}

const (
	// gemmSplitKMinK is the smallest k whose blocks are split over goroutines.
	gemmSplitKMinK = 128
	// gemmSplitKMaxC is the most elements of C for which k blocks are split.
	gemmSplitKMaxC = 32 * 1024
)

// gemmKBlock returns the size of the k blocks of a product: the fewest blocks of at most kc,
// except that an untransposed B of more than kc rows (a layer's weight) takes an even number of
// blocks, so that a product that splits its k blocks between two goroutines (gemmSplitsK) gives
// each the same number of rows of B: a 1600-row weight four blocks of 400 rather than seven of
// 229. Such a B with at most 256 columns takes blocks of up to 1.6·kc rows: its products have
// few column panels, so the longer chains pay for the A panel's larger share of L1 (the MLP's
// 64×256×784 product 101 → 88 µs, DQN's 32×128×1600 58 → 51 µs on two cores); wider B keeps
// kc. Such a B of 2·gemmSplitKMinK to kc rows takes two blocks too, so that a small batch
// through a 256×256 weight splits its k blocks like the larger layers: in the MLP's training
// step on two cores that product took 38 µs instead of 52, and Adam was faster as well, since
// the weight's rows now stay in the core that updates them (256³ products are about 2% slower).
// A wider B of at most kc rows stays one block. The size depends only on n, k and the layout
// of B, never on m or on the number of goroutines, so neither do the results (a row of C has
// the same bits on the small-m path and the packed path).
func gemmKBlock(g *gemmKernel, n, k int, transB bool) int {
	if transB || k < 2*gemmSplitKMinK || n > 256 && k <= g.kc {
		return gemmBlockSize(k, g.kc, 1)
	}
	span := g.kc
	if n <= 256 {
		span = g.kc * 8 / 5
	}
	blocks := (k + span - 1) / span
	blocks += blocks % 2
	return (k + blocks - 1) / blocks
}

// packedPart computes the part-th of parts slices of C: a range of its rows or columns, or, when
// the product splits k, a range of k blocks (splitKPart).
func (j *gemmJob) packedPart(part int) {
	p := &j.args
	lo, hi := part*j.tiles/j.parts, (part+1)*j.tiles/j.parts
	buf := getGemmBuf()
	switch {
	case j.splitK:
		j.splitKPart(part, func(k0, k1 int, c []float32, ldc int, beta float32) {
			p.block(0, p.m, 0, p.n, k0, k1, c, ldc, beta, buf)
		})
	case j.splitN:
		p.block(0, p.m, lo*p.g.nr, min(hi*p.g.nr, p.n), 0, p.k, p.c, p.ldc, p.beta, buf)
	default:
		i0, i1 := lo*p.g.mr, min(hi*p.g.mr, p.m)
		p.block(i0, i1, 0, p.n, 0, p.k, p.c, p.ldc, p.beta, buf)
		if j.tc != nil {
			// The rows just computed are columns of the product the caller wants.
			p.g.transposer()(j.tc[i0:], j.tldc, p.c[i0*p.ldc:], p.ldc, i1-i0, p.n)
		}
	}
	putGemmBuf(buf)
}

// addKBlocks adds the scratch products of the k blocks after the first part's into C, in block
// order. Each block's scratch holds alpha·acc rounded once, so C = C + scratch rounds exactly
// as the micro-kernel's C = alpha·acc + C does: the result equals that of one goroutine
// running all the blocks in order.
func (j *gemmJob) addKBlocks() {
	p := &j.args
	add := addImpl[active]
	first, mn := j.tiles/j.parts, p.m*p.n
	for kb := first; kb < j.tiles; kb++ {
		t := j.scratch[(kb-first)*mn : (kb-first+1)*mn]
		for i := range p.m {
			row := p.c[i*p.ldc : i*p.ldc+p.n]
			add(row, row, t[i*p.n:(i+1)*p.n])
		}
	}
}

// block computes C[i0:i1, j0:j1] over the k range [k0, k1) (whole k blocks) into c (row stride
// ldc, indexed like C): the first block as alpha·acc + beta·c, the others as alpha·acc + c.
func (p *gemmArgs) block(i0, i1, j0, j1, k0, k1 int, c []float32, ldc int, beta float32, buf *gemmBuf) {
	g := p.g
	mr, nr := g.mr, g.nr
	kc := p.kc
	mc := gemmBlockSize(i1-i0, g.mc, mr)
	nc := gemmBlockSize(j1-j0, g.nc, nr)
	pack := g.pack
	if pack == nil {
		pack = gemmPackRows
	}
	buf.a = gemmAligned(buf.a, (mc+mr-1)/mr*mr*kc)
	buf.b = gemmAligned(buf.b, (nc+nr-1)/nr*nr*kc)
	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := k0; pc < k1; pc += kc {
			kb := min(kc, k1-pc)
			beta := beta
			if pc > k0 {
				beta = 1
			}
			if p.directB {
				// Only a partial last panel needs packing (the kernel reads whole panels).
				if full := nb / nr * nr; full < nb {
					gemmPackB(pack, buf.b[full*kb:], nr, p.b, p.ldb, false, pc, kb, jc+full, nb-full)
				}
			} else {
				gemmPackB(pack, buf.b, nr, p.b, p.ldb, p.transB, pc, kb, jc, nb)
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				if !p.directA {
					gemmPackA(pack, buf.a, mr, p.a, p.lda, p.transA, ic, mb, pc, kb)
				} else if full := mb / mr * mr; full < mb {
					// Only a partial last panel needs packing (the kernel reads whole panels).
					gemmPackA(pack, buf.a[full*kb:], mr, p.a, p.lda, p.transA, ic+full, mb-full, pc, kb)
				}
				p.macro(buf, mb, nb, kb, ic, pc, jc, c[ic*ldc+jc:], ldc, beta)
			}
		}
	}
}

// macro runs the micro-kernel over an mb×nb block of C from packed A (buf.a) and packed or
// in-place B.
func (p *gemmArgs) macro(buf *gemmBuf, mb, nb, kb, ic, pc, jc int, c []float32, ldc int, beta float32) {
	g := p.g
	mr, nr := g.mr, g.nr
	micro := g.micro
	alpha := p.alpha
	for ir := 0; ir < mb; ir += mr {
		mm := min(mr, mb-ir)
		ap := buf.a[ir*kb : (ir+mr)*kb]
		for jr := 0; jr < nb; jr += nr {
			nn := min(nr, nb-jr)
			bp, bs := buf.b[jr*kb:(jr+nr)*kb], nr
			if p.directB && nn == nr {
				bp, bs = p.b[pc*p.ldb+jc+jr:], p.ldb
			}
			if p.directA && mm == mr {
				// A in place: row stride and step stride depend on the layout.
				var as []float32
				ars, aps := p.lda, 1
				if p.transA {
					as, ars, aps = p.a[pc*p.lda+ic+ir:], 1, p.lda
				} else {
					as = p.a[(ic+ir)*p.lda+pc:]
				}
				if nn == nr {
					g.microA(kb, as, ars, aps, bp, bs, c[ir*ldc+jr:], ldc, alpha, beta)
					continue
				}
				t := buf.t[:mr*nr]
				g.microA(kb, as, ars, aps, bp, bs, t, nr, 1, 0)
				gemmWriteBack(mm, nn, t, nr, c[ir*ldc+jr:], ldc, alpha, beta)
				continue
			}
			if mm == mr && nn == nr {
				micro(kb, ap, bp, bs, c[ir*ldc+jr:], ldc, alpha, beta)
				continue
			}
			if mm <= 8 && g.micro8 != nil {
				if mm == 8 && nn == nr {
					g.micro8(kb, ap, bp, bs, c[ir*ldc+jr:], ldc, alpha, beta)
					continue
				}
				t := buf.t[:8*nr]
				g.micro8(kb, ap, bp, bs, t, nr, 1, 0)
				gemmWriteBack(mm, nn, t, nr, c[ir*ldc+jr:], ldc, alpha, beta)
				continue
			}
			t := buf.t[:mr*nr]
			micro(kb, ap, bp, bs, t, nr, 1, 0)
			gemmWriteBack(mm, nn, t, nr, c[ir*ldc+jr:], ldc, alpha, beta)
		}
	}
}

// gemmPackA copies op(A)[i0:i0+mb, p0:p0+kb] into dst as consecutive mr-row panels, each stored
// k-major (mr values per k), zero-padding the last panel.
func gemmPackA(pack gemmPackFunc, dst []float32, mr int, a []float32, lda int, trans bool, i0, mb, p0, kb int) {
	if trans {
		// op(A)[i][p] = a[p*lda+i]: for each p the block's rows are adjacent in memory. Going
		// through a in order (each of its rows once, all panels at a time) keeps the reads
		// sequential for the prefetcher, which matters when A is not in cache.
		full := mb / mr * mr
		for p := range kb {
			src := a[(p0+p)*lda+i0:][:mb]
			for ir := 0; ir < full; ir += mr {
				copy(dst[ir*kb+p*mr:][:mr], src[ir:ir+mr])
			}
			if full < mb {
				dp := dst[full*kb+p*mr:][:mr]
				copy(dp, src[full:])
				clear(dp[mb-full:])
			}
		}
		return
	}
	for ir := 0; ir < mb; ir += mr {
		mm := min(mr, mb-ir)
		d := dst[ir*kb : (ir+mr)*kb]
		if trans {
			// op(A)[i][p] = a[p*lda+i]: for each p the panel's rows are adjacent in memory.
			for p := range kb {
				dp := d[p*mr : p*mr+mr]
				copy(dp, a[(p0+p)*lda+i0+ir:][:mm])
				clear(dp[mm:])
			}
			continue
		}
		pack(d, mr, a[(i0+ir)*lda+p0:], lda, mm, kb)
	}
}

// gemmPackFunc interleaves rows r < mm of src (row stride ld, kb values each) into d:
// d[p*mr+r] = src[r*ld+p] for p < kb, zero for mm ≤ r < mr.
type gemmPackFunc = func(d []float32, mr int, src []float32, ld, mm, kb int)

// gemmPackRows is the generic gemmPackFunc.
func gemmPackRows(d []float32, mr int, src []float32, ld, mm, kb int) {
	if mm < mr {
		clear(d[:mr*kb])
	}
	r := 0
	// Four rows at a time: four sequential reads, one 16-byte write per step.
	for ; r+4 <= mm; r += 4 {
		s0 := src[r*ld : r*ld+kb]
		s1 := src[(r+1)*ld : (r+1)*ld+kb]
		s2 := src[(r+2)*ld : (r+2)*ld+kb]
		s3 := src[(r+3)*ld : (r+3)*ld+kb]
		s1, s2, s3 = s1[:len(s0)], s2[:len(s0)], s3[:len(s0)]
		dd := d[r:]
		for p := range s0 {
			q := (*[4]float32)(dd[p*mr:])
			q[0], q[1], q[2], q[3] = s0[p], s1[p], s2[p], s3[p]
		}
	}
	if r+2 <= mm {
		s0 := src[r*ld : r*ld+kb]
		s1 := src[(r+1)*ld : (r+1)*ld+kb][:len(s0)]
		dd := d[r:]
		for p := range s0 {
			q := (*[2]float32)(dd[p*mr:])
			q[0], q[1] = s0[p], s1[p]
		}
		r += 2
	}
	for ; r < mm; r++ {
		s := src[r*ld : r*ld+kb]
		dd := d[r:]
		for p, v := range s {
			dd[p*mr] = v
		}
	}
}

// gemmPackB copies op(B)[p0:p0+kb, j0:j0+nb] into dst as consecutive nr-column panels, each stored
// k-major (nr values per k), zero-padding the last panel.
func gemmPackB(pack gemmPackFunc, dst []float32, nr int, b []float32, ldb int, trans bool, p0, kb, j0, nb int) {
	if !trans {
		gemmPackBRows(dst, nr, b, ldb, p0, kb, j0, nb)
		return
	}
	for jr := 0; jr < nb; jr += nr {
		// op(B)[p][j] = b[j*ldb+p]: column j of the panel is a row of b.
		nn := min(nr, nb-jr)
		pack(dst[jr*kb:(jr+nr)*kb], nr, b[(j0+jr)*ldb+p0:], ldb, nn, kb)
	}
}

// gemmPackBRows packs an untransposed B block row by row: each row of B is read once, in
// order, and cut into the panels (sequential reads suit the prefetchers and the TLB better
// than walking down one panel at a time).
func gemmPackBRows(dst []float32, nr int, b []float32, ldb, p0, kb, j0, nb int) {
	full := nb / nr * nr
	panel := nr * kb // floats per panel
	for p := range kb {
		src := b[(p0+p)*ldb+j0:][:nb]
		d := dst[p*nr:]
		switch nr {
		case 32:
			for q := 0; q < full; q += 32 {
				*(*[32]float32)(d[q*kb:]) = *(*[32]float32)(src[q:])
			}
		case 16:
			for q := 0; q < full; q += 16 {
				*(*[16]float32)(d[q*kb:]) = *(*[16]float32)(src[q:])
			}
		case 8:
			for q := 0; q < full; q += 8 {
				*(*[8]float32)(d[q*kb:]) = *(*[8]float32)(src[q:])
			}
		case 4:
			for q := 0; q < full; q += 4 {
				*(*[4]float32)(d[q*kb:]) = *(*[4]float32)(src[q:])
			}
		case 2:
			for q := 0; q < full; q += 2 {
				*(*[2]float32)(d[q*kb:]) = *(*[2]float32)(src[q:])
			}
		default:
			for q := 0; q < full; q += nr {
				copy(d[q*kb:q*kb+nr], src[q:q+nr])
			}
		}
		if full < nb {
			dp := d[full/nr*panel:][:nr]
			copy(dp, src[full:])
			clear(dp[nb-full:])
		}
	}
}
