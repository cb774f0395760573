package autodiff

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor"
)

// Conv2D returns the 2-D cross-correlation of x (N, C, H, W) with the filters w (O, C, KH, KW)
// plus the bias b (O), which may be nil, with the given stride and zero padding on both
// spatial axes. The result is (N, O, OH, OW) with OH = (H + 2·padding − KH)/stride + 1, and
// likewise OW. It runs as one matrix product over an im2col buffer, which the tape keeps for
// the backward pass. With a bias the buffer gets a row of ones and the product runs with
// [W | b], which adds the bias inside the product rather than in a pass of its own and lets the
// backward product yield the bias gradient along with the filters'.
func (tp *Tape) Conv2D(x, w, b *Var, stride, padding int) *Var {
	xs, ws := x.Value.Shape(), w.Value.Shape()
	if len(xs) != 4 || len(ws) != 4 || xs[1] != ws[1] || stride < 1 || padding < 0 ||
		(b != nil && (b.Value.Rank() != 1 || b.Value.Dim(0) != ws[0])) {
		panic(fmt.Sprintf("autodiff: Conv2D: x %v, w %v, bias %v, stride %d, padding %d", xs, ws, biasShape(b), stride, padding))
	}
	g := convGeom{n: xs[0], c: xs[1], h: xs[2], w: xs[3], o: ws[0], kh: ws[2], kw: ws[3], s: stride, p: padding}
	g.oh = (g.h+2*g.p-g.kh)/g.s + 1
	g.ow = (g.w+2*g.p-g.kw)/g.s + 1
	if g.oh < 1 || g.ow < 1 {
		panic(fmt.Sprintf("autodiff: Conv2D: x %v, w %v, stride %d, padding %d: empty output", xs, ws, stride, padding))
	}
	rec := tp.recording(x.RequiresGrad || w.RequiresGrad || (b != nil && b.RequiresGrad))
	out := tp.newVar(tp.buf(g.n, g.o, g.oh, g.ow), rec)
	ckk, np := g.c*g.kh*g.kw, g.n*g.oh*g.ow
	rows := ckk
	if b != nil {
		rows++ // a row of ones, which the bias multiplies
	}
	cols := tp.buf(rows, np)
	wd := w.Value.Data()
	if b != nil {
		// [W | b] (O, C·KH·KW + 1).
		wb := tp.buf(g.o, rows).Data()
		bv := b.Value.Data()
		for o := range g.o {
			copy(wb[o*rows:o*rows+ckk], wd[o*ckk:])
			wb[o*rows+ckk] = bv[o]
		}
		wd = wb
	}
	cw := tp.convWork()
	cw.g, cw.x, cw.cols, cw.bias = g, x.Value.Data(), cols.Data(), b != nil
	tensor.Parallel(g.n, cw.grain(rows), cw.unfold)
	// tmp (O, N·P) = [W | b]·[cols; 1].
	tmp := tp.buf(g.o, np)
	tensor.Gemm(false, false, g.o, np, rows, 1, wd, rows, cols.Data(), np, 0, tmp.Data(), np)
	// (O, N·P) → (N, O, P).
	cw.t, cw.y = tmp.Data(), out.Value.Data()
	tensor.Parallel(g.n, cw.grain(g.o), cw.scatter)
	cw.release()
	if rec {
		r := record{op: opConv2D, out: out, a: x, b: w, c: b, t0: cols}
		r.i = [6]int{stride, padding}
		tp.push(r)
	}
	return out
}

// biasShape returns the shape of the bias b for error messages, nil when there is none.
func biasShape(b *Var) []int {
	if b == nil {
		return nil
	}
	return b.Value.Shape()
}

// The convolution stays here rather than on tensor.Conv2D/Conv2DBackward: those allocate their
// output and im2col buffers on every call and run one small matrix product per image, while
// the tape needs the batch's im2col matrix in its own storage (one product for the whole batch,
// kept for the backward pass) to keep training steps free of allocations.

// convGeom holds the sizes of a 2-D convolution.
type convGeom struct {
	n, c, h, w, o, kh, kw, s, p, oh, ow int
}

// im2col fills the columns of images [n0, n1) of cols (C·KH·KW, N·OH·OW) from x (N, C, H, W):
// row (c, i, j), column (n, oh, ow) holds x[n, c, oh·s − p + i, ow·s − p + j], or 0 in the
// padding.
func im2col(cols, x []float32, g convGeom, n0, n1 int) {
	if g.s == 1 && g.ow == g.w {
		im2colSameWidth(cols, x, g, n0, n1)
		return
	}
	np := g.n * g.oh * g.ow
	for c := range g.c {
		for i := range g.kh {
			for j := range g.kw {
				row := cols[((c*g.kh+i)*g.kw+j)*np:][:np]
				lo, hi := g.validColumns(j)
				k := n0 * g.oh * g.ow
				for n := n0; n < n1; n++ {
					plane := x[(n*g.c+c)*g.h*g.w:][:g.h*g.w]
					for oh := range g.oh {
						out := row[k : k+g.ow]
						k += g.ow
						ih := oh*g.s - g.p + i
						if ih < 0 || ih >= g.h {
							clear(out)
							continue
						}
						line := plane[ih*g.w : (ih+1)*g.w]
						clear(out[:lo])
						if g.s == 1 && hi > lo {
							copy(out[lo:hi], line[lo-g.p+j:])
						} else {
							for ow := lo; ow < hi; ow++ {
								out[ow] = line[ow*g.s-g.p+j]
							}
						}
						clear(out[hi:])
					}
				}
			}
		}
	}
}

// im2colSameWidth is im2col for stride 1 when the output is as wide as the input (KW = 2p+1,
// "same" padding across): then the valid output rows of kernel offset (i, j) read one
// contiguous run of the input plane shifted by j − p, so each (row, image) is one copy, after
// which the columns that the shift wrapped from the neighbouring line are zeroed, along with
// the rows that fall in the padding. The spans depend only on (i, j), so they are worked out
// once per row of cols, which is then written image after image in order.
func im2colSameWidth(cols, x []float32, g convGeom, n0, n1 int) {
	w, hw, p := g.w, g.h*g.w, g.oh*g.ow
	np, chw := g.n*p, g.c*hw
	row := 0
	for c := range g.c {
		for i := range g.kh {
			// Output rows [r0, r1) read input rows r0+i−p … r1−1+i−p.
			r0, r1 := max(0, g.p-i), min(g.oh, g.h+g.p-i)
			for j := range g.kw {
				dst := cols[row*np : (row+1)*np]
				row++
				if r1 <= r0 {
					clear(dst[n0*p : n1*p])
					continue
				}
				lo, hi := r0*w, r1*w // output span; input span is shifted by (i−p)·w + d
				d := j - g.p
				src := lo + (i-g.p)*w + d
				// The first (d < 0) or last (d > 0) elements of the span would read outside
				// the plane; they are wrapped columns, zeroed below.
				a, b := lo, hi
				if src < 0 {
					a -= src
				}
				if end := src + (hi - lo); end > hw {
					b -= end - hw
				}
				off := c*hw + src + (a - lo) // first input element read, in image 0
				for n := n0; n < n1; n++ {
					out := dst[n*p : (n+1)*p]
					if lo > 0 {
						clear(out[:lo])
					}
					if hi < p {
						clear(out[hi:])
					}
					copy(out[a:b], x[n*chw+off:])
					// Zero the wrapped columns: [0, −d) or [w−d, w) of each valid row. A
					// single column (3-wide kernels) is stored directly rather than cleared as
					// a range.
					switch {
					case d == -1:
						for r := lo; r < hi; r += w {
							out[r] = 0
						}
					case d == 1:
						for r := lo + w - 1; r < hi; r += w {
							out[r] = 0
						}
					case d < 0:
						for r := lo; r < hi; r += w {
							clear(out[r : r-d])
						}
					case d > 0:
						for r := lo + w - d; r < hi; r += w {
							clear(out[r : r+d])
						}
					}
				}
			}
		}
	}
}

// validColumns returns the range [lo, hi) of output columns ow whose input column
// ow·s − p + j lies inside the image (lo = hi when none does).
func (g convGeom) validColumns(j int) (lo, hi int) {
	if d := g.p - j; d > 0 {
		lo = (d + g.s - 1) / g.s
	}
	if last := g.w - 1 + g.p - j; last >= 0 {
		hi = min(g.ow, last/g.s+1)
	}
	lo = min(lo, g.ow)
	return lo, max(lo, hi)
}

// col2im adds cols (C·KH·KW, N·OH·OW) back into dx (N, C, H, W): the adjoint of im2col.
func col2im(dx, cols []float32, g convGeom) {
	np := g.n * g.oh * g.ow
	for c := range g.c {
		for i := range g.kh {
			for j := range g.kw {
				row := cols[((c*g.kh+i)*g.kw+j)*np:][:np]
				lo, hi := g.validColumns(j)
				k := 0
				for n := range g.n {
					plane := dx[(n*g.c+c)*g.h*g.w:][:g.h*g.w]
					for oh := range g.oh {
						in := row[k : k+g.ow]
						k += g.ow
						ih := oh*g.s - g.p + i
						if ih < 0 || ih >= g.h {
							continue
						}
						line := plane[ih*g.w : (ih+1)*g.w]
						if g.s == 1 && hi > lo {
							dst := line[lo-g.p+j:][:hi-lo]
							for t, v := range in[lo:hi] {
								dst[t] += v
							}
						} else {
							for ow := lo; ow < hi; ow++ {
								line[ow*g.s-g.p+j] += in[ow]
							}
						}
					}
				}
			}
		}
	}
}

// conv2DBackward computes dW += Σ_n dy[n]·cols[n]ᵀ and db += Σ dy, with dy[n] (O, P) the
// output gradient of image n and cols[n] its columns of the im2col matrix, accumulated in
// [dW | db] storage of the tape's: one product per image reading dy in place when images have
// at least convPerImageMinPixels outputs, else one product over G (O, N·P), dy rearranged.
// With a bias the forward pass appended a row of ones to cols, so db comes out of the same
// products as the last column of [dW | db] = dy[n]·[cols[n]; 1]ᵀ, which is far cheaper than
// summing dy's rows one element at a time. For x it computes dcols = Wᵀ·G and
// dx += col2im(dcols).
func conv2DBackward(tp *Tape, r *record) {
	xs, ws := r.a.Value.Shape(), r.b.Value.Shape()
	g := convGeom{n: xs[0], c: xs[1], h: xs[2], w: xs[3], o: ws[0], kh: ws[2], kw: ws[3], s: r.i[0], p: r.i[1]}
	g.oh = (g.h+2*g.p-g.kh)/g.s + 1
	g.ow = (g.w+2*g.p-g.kw)/g.s + 1
	ckk, p := g.c*g.kh*g.kw, g.oh*g.ow
	np := g.n * p
	dy := r.out.Grad.Data()
	cols := r.t0.Data()
	dw, db, dx := tp.grad(r.b), tp.grad(r.c), tp.grad(r.a)
	perImage := p >= convPerImageMinPixels
	var G []float32
	if dx != nil || !perImage {
		// G (O, N·P): dy rearranged.
		G = tp.buf(g.o, np).Data()
		cw := tp.convWork()
		cw.g, cw.dy, cw.t = g, dy, G
		tensor.Parallel(g.n, cw.grain(g.o), cw.gather)
		cw.release()
	}
	if dw != nil || db != nil {
		k := ckk
		if db != nil {
			k++
		}
		var acc []float32
		if perImage {
			// Groups of images accumulate their own partial [dW | db] at once, added below
			// in group order.
			groups := (g.n + convGradGroup - 1) / convGradGroup
			parts := tp.buf(groups, g.o, k).Data()
			cw := tp.convWork()
			cw.g, cw.cols, cw.dy, cw.acc, cw.k = g, cols, dy, parts, k
			tensor.Parallel(groups, 1, cw.filterGrad)
			cw.release()
			acc = parts[:g.o*k]
			for grp := 1; grp < groups; grp++ {
				tensor.Axpy(1, parts[grp*g.o*k:(grp+1)*g.o*k], acc)
			}
		} else {
			acc = tp.buf(g.o, k).Data()
			filterGradProduct(g.o, k, np, G, np, cols, np, 0, acc)
		}
		for o := range g.o {
			row := acc[o*k : (o+1)*k]
			if dw != nil {
				tensor.Axpy(1, row[:ckk], dw[o*ckk:(o+1)*ckk])
			}
			if db != nil {
				db[o] += row[ckk]
			}
		}
	}
	if dx != nil {
		dcols := tp.buf(ckk, np)
		tensor.Gemm(true, false, ckk, np, g.o, 1, r.b.Value.Data(), ckk, G, np, 0, dcols.Data(), np)
		col2im(dx, dcols.Data(), g)
	}
}

// filterGradProduct sets acc (o×k) = G·colsᵀ + beta·acc, where G holds o rows and cols k rows
// of length np (row strides ldg and ldc): the filter gradient [dW | db] summed over the
// pixels. A small filter (at most convRowDotsMaxOut elements, such as DQN's 16×37) takes
// tensor.RowDots, which skips Gemm's copy of colsᵀ into panels: on the DQN benchmark's batch
// (k = 3200) it took 25 µs where Gemm took 46 on two cores (34 against 68 on one). Larger
// filters take Gemm, whose packed tiles then pay.
func filterGradProduct(o, k, np int, G []float32, ldg int, cols []float32, ldc int, beta float32, acc []float32) {
	if o*k <= convRowDotsMaxOut {
		tensor.RowDots(o, k, np, 1, G, ldg, cols, ldc, beta, acc, k)
		return
	}
	tensor.Gemm(false, true, o, k, np, 1, G, ldg, cols, ldc, beta, acc, k)
}

// convRowDotsMaxOut is the largest filter gradient (output channels × taps, the bias
// included) that filterGradProduct computes with tensor.RowDots.
const convRowDotsMaxOut = 64 * 64

// convPerImageMinPixels is the least number of output pixels per image for which
// conv2DBackward takes the filter gradient one image at a time, reading the output gradient in
// place. Below it one product over the rearranged gradient of the whole batch is cheaper: its
// calls are fewer, and on two cores it splits its k blocks (the images) between them. On the
// DQN benchmark's 10×10 images the batch product made the step 486 → 422 µs at two threads
// (medians of seven) and 595 → 652 µs at one; the per-image products pay on larger images,
// whose rearranged gradient is a larger copy.
const convPerImageMinPixels = 256
