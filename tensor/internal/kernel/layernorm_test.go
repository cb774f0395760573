package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLayerNormGrad checks every path against a float64 evaluation of the formula, with and
// without gamma, at lengths around the vector widths.
func TestLayerNormGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	forPaths(t, func(t *testing.T, p Path) {
		for _, n := range []int{1, 7, 8, 9, 15, 16, 17, 31, 64, 100, 384, 1000} {
			for _, withGamma := range []bool{false, true} {
				x, dy, dx := make([]float32, n), make([]float32, n), make([]float32, n)
				var g []float32
				if withGamma {
					g = make([]float32, n)
				}
				for i := range x {
					x[i] = float32(rng.NormFloat64()*2 + 0.5)
					dy[i] = float32(rng.NormFloat64())
					dx[i] = float32(rng.NormFloat64())
					if g != nil {
						g[i] = float32(1 + 0.3*rng.NormFloat64())
					}
				}
				m, rs := float32(0.5), float32(0.5)
				want := make([]float64, n)
				var sd, sdn float64
				dn := func(i int) float64 {
					if g == nil {
						return float64(dy[i])
					}
					return float64(dy[i]) * float64(g[i])
				}
				for i := range x {
					sd += dn(i)
					sdn += dn(i) * (float64(x[i]) - float64(m)) * float64(rs)
				}
				dm, dnm := sd/float64(n), sdn/float64(n)
				for i := range x {
					norm := (float64(x[i]) - float64(m)) * float64(rs)
					want[i] = float64(dx[i]) + float64(rs)*(dn(i)-dm-norm*dnm)
				}
				LayerNormGrad(dx, dy, x, g, m, rs)
				for i := range x {
					if d := math.Abs(float64(dx[i]) - want[i]); d > 1e-5*(1+math.Abs(want[i])) {
						t.Fatalf("n=%d gamma=%v: dx[%d] = %v, want %v", n, withGamma, i, dx[i], want[i])
					}
				}
			}
		}
	})
}

func BenchmarkLayerNormGrad(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 384
	x, dy, dx, g := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], dy[i], g[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64()), 1
	}
	for _, p := range Paths() {
		b.Run(p.String(), func(b *testing.B) {
			defer Use(p)()
			for b.Loop() {
				LayerNormGrad(dx, dy, x, g, 0.1, 1.1)
			}
		})
	}
}
