package tensor

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// convGeom holds the sizes of a 2-D convolution.
type convGeom struct {
	n, c, h, w      int // input (N,C,H,W)
	f, kh, kw       int // filters (F,C,KH,KW)
	oh, ow          int // output spatial size
	stride, padding int
}

// k returns the length of one im2col column, C·KH·KW.
func (g *convGeom) k() int { return g.c * g.kh * g.kw }

// p returns the number of output positions per image, OH·OW.
func (g *convGeom) p() int { return g.oh * g.ow }

func convShapes(op string, x, w, b *Tensor, stride, padding int) convGeom {
	if x.Rank() != 4 || w.Rank() != 4 || x.shape[1] != w.shape[1] {
		panic(fmt.Sprintf("tensor: %s: x %v and w %v: want x (N,C,H,W) and w (F,C,KH,KW) with equal C", op, x.shape, w.shape))
	}
	if stride < 1 || padding < 0 {
		panic(fmt.Sprintf("tensor: %s: stride %d, padding %d", op, stride, padding))
	}
	g := convGeom{n: x.shape[0], c: x.shape[1], h: x.shape[2], w: x.shape[3],
		f: w.shape[0], kh: w.shape[2], kw: w.shape[3], stride: stride, padding: padding}
	if g.h+2*padding < g.kh || g.w+2*padding < g.kw || g.kh == 0 || g.kw == 0 {
		panic(fmt.Sprintf("tensor: %s: kernel %d×%d larger than input %d×%d with padding %d", op, g.kh, g.kw, g.h, g.w, padding))
	}
	g.oh = (g.h+2*padding-g.kh)/stride + 1
	g.ow = (g.w+2*padding-g.kw)/stride + 1
	if b != nil && (b.Rank() != 1 || b.shape[0] != g.f) {
		panic(fmt.Sprintf("tensor: %s: bias %v for w %v (want [%d])", op, b.shape, w.shape, g.f))
	}
	return g
}

// direct reports whether the im2col matrix of an image is the image itself (1×1 kernel,
// stride 1, no padding).
func (g *convGeom) direct() bool {
	return g.kh == 1 && g.kw == 1 && g.stride == 1 && g.padding == 0
}

// im2col fills col, (C·KH·KW, OH·OW), with the input patches of one image x (C,H,W): row
// (c,kh,kw) holds, for every output position, the input pixel under kernel tap (kh,kw) of
// channel c, or 0 in the padding.
func (g *convGeom) im2col(col, x []float32) {
	p := g.p()
	for c := range g.c {
		plane := x[c*g.h*g.w : (c+1)*g.h*g.w]
		for kh := range g.kh {
			for kw := range g.kw {
				row := col[((c*g.kh+kh)*g.kw+kw)*p:][:p]
				for oh := range g.oh {
					dst := row[oh*g.ow : (oh+1)*g.ow]
					ih := oh*g.stride - g.padding + kh
					if ih < 0 || ih >= g.h {
						clear(dst)
						continue
					}
					src := plane[ih*g.w : (ih+1)*g.w]
					iw := kw - g.padding
					for ow := range dst {
						if iw >= 0 && iw < g.w {
							dst[ow] = src[iw]
						} else {
							dst[ow] = 0
						}
						iw += g.stride
					}
				}
			}
		}
	}
}

// col2im adds the columns of col, (C·KH·KW, OH·OW), back onto the pixels of one image dx
// (C,H,W) they were taken from: the adjoint of im2col.
func (g *convGeom) col2im(dx, col []float32) {
	p := g.p()
	for c := range g.c {
		plane := dx[c*g.h*g.w : (c+1)*g.h*g.w]
		for kh := range g.kh {
			for kw := range g.kw {
				row := col[((c*g.kh+kh)*g.kw+kw)*p:][:p]
				for oh := range g.oh {
					ih := oh*g.stride - g.padding + kh
					if ih < 0 || ih >= g.h {
						continue
					}
					dst := plane[ih*g.w : (ih+1)*g.w]
					iw := kw - g.padding
					for _, v := range row[oh*g.ow : (oh+1)*g.ow] {
						if iw >= 0 && iw < g.w {
							dst[iw] += v
						}
						iw += g.stride
					}
				}
			}
		}
	}
}

// Conv2D returns the 2-D cross-correlation of x with the filters w plus the bias b, in NCHW
// layout as torch.nn.functional.conv2d:
//
//	x is (N,C,H,W), w is (F,C,KH,KW), b is (F) or nil, the result is (N,F,OH,OW) with
//	OH = (H+2·padding−KH)/stride+1 and OW = (W+2·padding−KW)/stride+1,
//	y[n,f,oh,ow] = b[f] + Σ_{c,kh,kw} w[f,c,kh,kw]·x[n,c,oh·stride−padding+kh,ow·stride−padding+kw],
//
// with zero padding. It runs as im2col followed by Gemm, one image per goroutine. It panics on
// mismatched shapes, stride < 1, padding < 0 or a kernel larger than the padded input.
func Conv2D(x, w, b *Tensor, stride, padding int) *Tensor {
	g := convShapes("Conv2D", x, w, b, stride, padding)
	out := New(g.n, g.f, g.oh, g.ow)
	k, p := g.k(), g.p()
	kernel.Parallel(g.n, 1, func(lo, hi int) {
		var col []float32
		if !g.direct() {
			col = make([]float32, k*p)
		}
		for n := lo; n < hi; n++ {
			xn := x.data[n*g.c*g.h*g.w : (n+1)*g.c*g.h*g.w]
			yn := out.data[n*g.f*p : (n+1)*g.f*p]
			src := xn
			if col != nil {
				g.im2col(col, xn)
				src = col
			}
			Gemm(false, false, g.f, p, k, 1, w.data, k, src, p, 0, yn, p)
			if b != nil {
				for f, bv := range b.data {
					row := yn[f*p : (f+1)*p]
					for i := range row {
						row[i] += bv
					}
				}
			}
		}
	})
	return out
}

// Conv2DBackward accumulates the gradients of Conv2D(x, w, b, stride, padding) given dy, the
// gradient of its output (N,F,OH,OW):
//
//	dx (N,C,H,W) += the transposed convolution of dy with w (Wᵀ·dy per image, then col2im),
//	dw (F,C,KH,KW) += Σ_n dy_n·im2col(x_n)ᵀ,
//	db (F) += Σ_{n,oh,ow} dy[n,·,oh,ow].
//
// Each of dx, dw and db may be nil when not needed. dx is computed one image per goroutine;
// dw and db sum over the batch in a fixed order, so results do not depend on GOMAXPROCS.
func Conv2DBackward(x, w, dy *Tensor, stride, padding int, dx, dw, db *Tensor) {
	const op = "Conv2DBackward"
	g := convShapes(op, x, w, nil, stride, padding)
	k, p := g.k(), g.p()
	if dy.Rank() != 4 || dy.shape[0] != g.n || dy.shape[1] != g.f || dy.shape[2] != g.oh || dy.shape[3] != g.ow {
		panic(fmt.Sprintf("tensor: %s: dy %v, want [%d %d %d %d]", op, dy.shape, g.n, g.f, g.oh, g.ow))
	}
	if dx != nil {
		mustSameShape(op, dx, x)
	}
	if dw != nil {
		mustSameShape(op, dw, w)
	}
	if db != nil && (db.Rank() != 1 || db.shape[0] != g.f) {
		panic(fmt.Sprintf("tensor: %s: db %v, want [%d]", op, db.shape, g.f))
	}
	if db != nil {
		for f := range g.f {
			var s float64
			for n := range g.n {
				for _, v := range dy.data[(n*g.f+f)*p : (n*g.f+f+1)*p] {
					s += float64(v)
				}
			}
			db.data[f] += float32(s)
		}
	}
	if dw != nil {
		var col []float32
		if !g.direct() {
			col = make([]float32, k*p)
		}
		for n := range g.n {
			src := x.data[n*g.c*g.h*g.w : (n+1)*g.c*g.h*g.w]
			if col != nil {
				g.im2col(col, src)
				src = col
			}
			Gemm(false, true, g.f, k, p, 1, dy.data[n*g.f*p:(n+1)*g.f*p], p, src, p, 1, dw.data, k)
		}
	}
	if dx != nil {
		kernel.Parallel(g.n, 1, func(lo, hi int) {
			var dcol []float32
			if !g.direct() {
				dcol = make([]float32, k*p)
			}
			for n := lo; n < hi; n++ {
				dxn := dx.data[n*g.c*g.h*g.w : (n+1)*g.c*g.h*g.w]
				dyn := dy.data[n*g.f*p : (n+1)*g.f*p]
				if dcol == nil {
					Gemm(true, false, k, p, g.f, 1, w.data, k, dyn, p, 1, dxn, p)
					continue
				}
				Gemm(true, false, k, p, g.f, 1, w.data, k, dyn, p, 0, dcol, p)
				g.col2im(dxn, dcol)
			}
		})
	}
}
