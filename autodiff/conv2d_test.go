package autodiff

import (
	"fmt"
	"math"
	"testing"

	"github.com/tenet-ml/tenet/tensor"
)

// naiveIm2col is im2col written from its definition, the oracle of the fast paths.
func naiveIm2col(x []float32, g convGeom) []float32 {
	np := g.n * g.oh * g.ow
	cols := make([]float32, g.c*g.kh*g.kw*np)
	for c := range g.c {
		for i := range g.kh {
			for j := range g.kw {
				for n := range g.n {
					for oh := range g.oh {
						for ow := range g.ow {
							ih, iw := oh*g.s-g.p+i, ow*g.s-g.p+j
							var v float32
							if ih >= 0 && ih < g.h && iw >= 0 && iw < g.w {
								v = x[((n*g.c+c)*g.h+ih)*g.w+iw]
							}
							cols[((c*g.kh+i)*g.kw+j)*np+(n*g.oh+oh)*g.ow+ow] = v
						}
					}
				}
			}
		}
	}
	return cols
}

// TestIm2col compares im2col with its definition for strides 1 and 2, paddings wider than
// the kernel's reach, inputs narrower than the kernel, and the DQN benchmark's geometry.
func TestIm2col(t *testing.T) {
	rng := newRNG(40)
	for _, g := range []convGeom{
		{n: 2, c: 3, h: 5, w: 6, kh: 3, kw: 3, s: 1, p: 0},
		{n: 2, c: 3, h: 5, w: 6, kh: 3, kw: 3, s: 1, p: 1},
		{n: 1, c: 2, h: 2, w: 2, kh: 5, kw: 5, s: 1, p: 3},
		{n: 2, c: 1, h: 7, w: 4, kh: 3, kw: 2, s: 2, p: 1},
		{n: 32, c: 4, h: 10, w: 10, kh: 3, kw: 3, s: 1, p: 0},
		{n: 8, c: 8, h: 16, w: 16, kh: 3, kw: 3, s: 1, p: 1},
		{n: 1, c: 1, h: 2, w: 2, kh: 3, kw: 3, s: 1, p: 6},
		{n: 2, c: 2, h: 9, w: 8, kh: 4, kw: 3, s: 3, p: 2},
		{n: 32, c: 4, h: 10, w: 10, kh: 3, kw: 3, s: 1, p: 1},
		{n: 3, c: 2, h: 7, w: 9, kh: 5, kw: 5, s: 1, p: 2},
		{n: 2, c: 2, h: 4, w: 5, kh: 2, kw: 1, s: 1, p: 0},
		{n: 2, c: 1, h: 3, w: 4, kh: 5, kw: 3, s: 1, p: 1},
		{n: 1, c: 1, h: 1, w: 1, kh: 3, kw: 3, s: 1, p: 1},
	} {
		t.Run(fmt.Sprintf("%+v", g), func(t *testing.T) {
			g.oh = (g.h+2*g.p-g.kh)/g.s + 1
			g.ow = (g.w+2*g.p-g.kw)/g.s + 1
			x := randVar(rng, -1, 1, g.n, g.c, g.h, g.w).Value.Data()
			want := naiveIm2col(x, g)
			got := make([]float32, len(want))
			for i := range got {
				got[i] = 99 // every element must be written
			}
			im2col(got, x, g, 0, g.n)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("element %d: %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}

// naiveConv2D returns, from the definition in float64, the convolution y (N, O, OH, OW) of x
// with w and the bias b (nil for none) and, for the output gradient dy, the gradients with
// respect to x, w and b.
func naiveConv2D(x, w, b, dy []float32, g convGeom) (y, dx, dw, db []float64) {
	y = make([]float64, g.n*g.o*g.oh*g.ow)
	dx, dw, db = make([]float64, len(x)), make([]float64, len(w)), make([]float64, g.o)
	for n := range g.n {
		for o := range g.o {
			for oh := range g.oh {
				for ow := range g.ow {
					yi := ((n*g.o+o)*g.oh+oh)*g.ow + ow
					var s float64
					if b != nil {
						s = float64(b[o])
					}
					d := float64(dy[yi])
					db[o] += d
					for c := range g.c {
						for i := range g.kh {
							for j := range g.kw {
								ih, iw := oh*g.s-g.p+i, ow*g.s-g.p+j
								if ih < 0 || ih >= g.h || iw < 0 || iw >= g.w {
									continue
								}
								xi, wi := ((n*g.c+c)*g.h+ih)*g.w+iw, ((o*g.c+c)*g.kh+i)*g.kw+j
								s += float64(x[xi]) * float64(w[wi])
								dx[xi] += d * float64(w[wi])
								dw[wi] += d * float64(x[xi])
							}
						}
					}
					y[yi] = s
				}
			}
		}
	}
	return y, dx, dw, db
}

// TestConv2DAgainstNaive checks Conv2D and its backward pass against naiveConv2D on batches
// of several images: the DQN encoder's geometry, with and without a bias and with x requiring
// a gradient or not, strides 2 and 3, non-square inputs and kernels, and paddings wider than
// the kernel's reach; images with fewer and with more than convPerImageMinPixels outputs, for
// both ways of taking the filter gradient.
func TestConv2DAgainstNaive(t *testing.T) {
	rng := newRNG(41)
	for _, c := range []struct {
		g            convGeom
		bias, xGrad  bool
		wGrad, bGrad bool
	}{
		{convGeom{n: 32, c: 4, h: 10, w: 10, o: 16, kh: 3, kw: 3, s: 1, p: 1}, true, false, true, true},
		{convGeom{n: 32, c: 4, h: 10, w: 10, o: 16, kh: 3, kw: 3, s: 1, p: 1}, true, true, true, true},
		{convGeom{n: 32, c: 4, h: 10, w: 10, o: 16, kh: 3, kw: 3, s: 1, p: 1}, false, true, true, false},
		{convGeom{n: 5, c: 3, h: 10, w: 10, o: 8, kh: 3, kw: 3, s: 1, p: 1}, true, true, false, true},
		{convGeom{n: 5, c: 3, h: 10, w: 10, o: 8, kh: 3, kw: 3, s: 1, p: 1}, true, false, true, false},
		{convGeom{n: 7, c: 2, h: 11, w: 9, o: 5, kh: 3, kw: 3, s: 2, p: 1}, true, true, true, true},
		{convGeom{n: 3, c: 3, h: 12, w: 7, o: 4, kh: 5, kw: 3, s: 1, p: 2}, false, true, true, false},
		{convGeom{n: 4, c: 2, h: 9, w: 13, o: 6, kh: 4, kw: 2, s: 3, p: 2}, true, true, true, true},
		{convGeom{n: 6, c: 1, h: 16, w: 16, o: 3, kh: 5, kw: 5, s: 1, p: 2}, true, true, true, true},
		{convGeom{n: 20, c: 2, h: 16, w: 16, o: 4, kh: 3, kw: 3, s: 1, p: 1}, true, false, true, true}, // per-image filter gradient, three groups
		{convGeom{n: 2, c: 2, h: 3, w: 4, o: 3, kh: 3, kw: 3, s: 1, p: 4}, true, true, true, true},
		{convGeom{n: 9, c: 3, h: 8, w: 8, o: 2, kh: 1, kw: 1, s: 1, p: 0}, true, true, true, true},
	} {
		g := c.g
		g.oh = (g.h+2*g.p-g.kh)/g.s + 1
		g.ow = (g.w+2*g.p-g.kw)/g.s + 1
		t.Run(fmt.Sprintf("%+v bias=%v xgrad=%v wgrad=%v bgrad=%v", g, c.bias, c.xGrad, c.wGrad, c.bGrad), func(t *testing.T) {
			x := randVar(rng, -1, 1, g.n, g.c, g.h, g.w)
			w := randVar(rng, -1, 1, g.o, g.c, g.kh, g.kw)
			x.RequiresGrad, w.RequiresGrad = c.xGrad, c.wGrad
			var b *Var
			var bd []float32
			if c.bias {
				b = randVar(rng, -1, 1, g.o)
				b.RequiresGrad = c.bGrad
				bd = b.Value.Data()
			}
			dy := tensor.RandUniform(rng, -1, 1, g.n, g.o, g.oh, g.ow)
			// Two steps on one tape, so that reused storage is exercised too.
			tp := NewTape()
			for range 2 {
				for _, v := range []*Var{x, w, b} {
					if v != nil {
						v.Grad = nil
					}
				}
				tp.Reset()
				y := tp.Conv2D(x, w, b, g.s, g.p)
				tp.BackwardWith(y, dy)
				wy, wdx, wdw, wdb := naiveConv2D(x.Value.Data(), w.Value.Data(), bd, dy.Data(), g)
				near(t, "y", y.Value.Data(), wy)
				if c.xGrad {
					near(t, "dx", x.Grad.Data(), wdx)
				} else if x.Grad != nil {
					t.Errorf("x got a gradient")
				}
				if c.wGrad {
					near(t, "dw", w.Grad.Data(), wdw)
				}
				if c.bias && c.bGrad {
					near(t, "db", b.Grad.Data(), wdb)
				}
			}
		})
	}
}

// near fails the test unless got matches want to float32 rounding of sums of a few thousand
// terms of magnitude about one.
func near(t *testing.T, name string, got []float32, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i, v := range want {
		if d := math.Abs(float64(got[i]) - v); d > 1e-4*(1+math.Abs(v)) {
			t.Fatalf("%s[%d] = %v, want %v", name, i, got[i], v)
		}
	}
}
