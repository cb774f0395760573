package autodiff

import (
	"fmt"
	"testing"
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
			im2col(got, x, g)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("element %d: %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}
