package autodiff

// convWork runs the per-image loops of a convolution over goroutines with tensor.Parallel:
// unfolding images into the im2col matrix, scattering the product into the (N, O, P) output,
// and the groups of per-image filter-gradient products. A range of images goes to one
// goroutine, as the column ranges of the products over the im2col matrix do, so each core
// touches the columns it will multiply. The fields describe the current call; the range
// functions are bound once per tape, so that a call allocates nothing.
type convWork struct {
	g                 convGeom
	x, cols, t, y, dy []float32
	acc               []float32 // partial [dW | db] per group of images, (groups, O, k)
	k                 int       // columns of [dW | db]
	bias              bool      // cols has a row of ones after the C·KH·KW rows
	unfold, scatter   func(lo, hi int)
	gather            func(lo, hi int)
	filterGrad        func(lo, hi int)
}

// convGradGroup is the number of images whose filter-gradient products accumulate into one
// partial gradient. It is fixed, so the sums, and the results, do not depend on the number of
// goroutines.
const convGradGroup = 8

// convParallelMin is the least number of elements a goroutine writes in the image loops.
const convParallelMin = 16 * 1024

// convWork returns the tape's convolution work, making it on first use (a nil tape gets a new
// one each call).
func (tp *Tape) convWork() *convWork {
	if tp != nil && tp.conv != nil {
		return tp.conv
	}
	cw := &convWork{}
	cw.unfold = cw.unfoldImages
	cw.scatter = cw.scatterImages
	cw.gather = cw.gatherImages
	cw.filterGrad = cw.filterGradGroups
	if tp != nil {
		tp.conv = cw
	}
	return cw
}

// release drops the call's slices so the tape does not keep them reachable.
func (cw *convWork) release() {
	cw.x, cw.cols, cw.t, cw.y, cw.dy, cw.acc = nil, nil, nil, nil, nil, nil
}

// grain returns the number of images per goroutine for loops writing rows·P elements per image.
func (cw *convWork) grain(rows int) int {
	return max(1, convParallelMin/max(1, rows*cw.g.oh*cw.g.ow))
}

// unfoldImages fills the im2col columns of images [lo, hi), and their row of ones under a bias.
func (cw *convWork) unfoldImages(lo, hi int) {
	g := cw.g
	im2col(cw.cols, cw.x, g, lo, hi)
	if cw.bias {
		p := g.oh * g.ow
		ones := cw.cols[g.c*g.kh*g.kw*g.n*p:]
		fillRows(ones[lo*p:hi*p], []float32{1})
	}
}

// scatterImages copies images [lo, hi) of the product t (O, N·P) to the output y (N, O, P).
func (cw *convWork) scatterImages(lo, hi int) { moveImages(cw.g, cw.y, cw.t, lo, hi, false) }

// gatherImages copies images [lo, hi) of the output gradient dy (N, O, P) to t (O, N·P), the
// layout of the product's output.
func (cw *convWork) gatherImages(lo, hi int) { moveImages(cw.g, cw.dy, cw.t, lo, hi, true) }

// moveImages copies images [lo, hi) between nop, laid out (N, O, P), and onp, laid out
// (O, N·P) as the products over the im2col matrix are: into onp when toProduct, else into nop.
func moveImages(g convGeom, nop, onp []float32, lo, hi int, toProduct bool) {
	p := g.oh * g.ow
	np := g.n * p
	for n := lo; n < hi; n++ {
		for o := range g.o {
			a, b := nop[(n*g.o+o)*p:(n*g.o+o+1)*p], onp[o*np+n*p:o*np+(n+1)*p]
			if toProduct {
				copy(b, a)
			} else {
				copy(a, b)
			}
		}
	}
}

// filterGradGroups computes, for each group of images in [lo, hi), its partial [dW | db] =
// Σ_n dy[n]·[cols[n]; 1]ᵀ over the group's images in order, reading dy in place.
func (cw *convWork) filterGradGroups(lo, hi int) {
	g, k := cw.g, cw.k
	p := g.oh * g.ow
	np, op := g.n*p, g.o*p
	for grp := lo; grp < hi; grp++ {
		acc := cw.acc[grp*g.o*k : (grp+1)*g.o*k]
		for n := grp * convGradGroup; n < min(g.n, (grp+1)*convGradGroup); n++ {
			var beta float32
			if n > grp*convGradGroup {
				beta = 1
			}
			filterGradProduct(g.o, k, p, cw.dy[n*op:(n+1)*op], p, cw.cols[n*p:], np, beta, acc)
		}
	}
}
