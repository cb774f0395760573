package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// geluTanhDeriv64 returns the derivative of GELUTanh at x in float64 (in the sigmoid form,
// which keeps 1 + tanh z accurate for negative z) and the scale of its two terms, s and
// |x·s·(1−s)·dz/dx·2|, against which rounding is measured, and |2z|, which amplifies float32's
// rounding of z where the curve is steep in relative terms.
func geluTanhDeriv64(x float64) (d, scale, z2 float64) {
	const c = 0.7978845608028654
	z := c * (x + 0.044715*x*x*x)
	s := 1 / (1 + math.Exp(-2*z))
	sc := 1 / (1 + math.Exp(2*z))
	second := x * s * sc * 2 * c * (1 + 3*0.044715*x*x)
	return s + second, s + math.Abs(second), math.Abs(2 * z)
}

// TestGELUTanhBackward compares every path with the float64 derivative (error below
// (1e-6 + 4e-7·|2z|)·scale, the |2z| term for negative x only; see geluTanhDeriv64), the
// aliasing forms and the special values.
func TestGELUTanhBackward(t *testing.T) {
	forPaths(t, func(t *testing.T, p Path) {
		rng := rand.New(rand.NewPCG(11, uint64(p)))
		for _, n := range append(vecLengths, 257, 4099, transcendentalParallelMin+33) {
			x := randVec(rng, n, 1, 12)
			dy := randVec(rng, n, 2, 3)
			got := make([]float32, n)
			GELUTanhBackward(got, x, dy)
			for i := range x {
				d, scale, z2 := geluTanhDeriv64(float64(x[i]))
				want, scale := float64(dy[i])*d, math.Abs(float64(dy[i]))*scale
				if x[i] >= 0 {
					z2 = 0
				}
				if d := math.Abs(float64(got[i]) - want); d > (1e-6+4e-7*z2)*scale+1e-37 {
					t.Fatalf("n %d: x %v dy %v: got %v, want %v (error %.3g)", n, x[i], dy[i], got[i], want, d/math.Abs(want))
				}
			}
			// dst aliasing x, then dy.
			xc := append([]float32(nil), x...)
			GELUTanhBackward(xc, xc, dy)
			dc := append([]float32(nil), dy...)
			GELUTanhBackward(dc, x, dc)
			for i := range got {
				if xc[i] != got[i] || dc[i] != got[i] {
					t.Fatalf("n %d: aliased result differs at %d", n, i)
				}
			}
			// The generic path is the oracle of the vector ones, within twice the float64 bound
			// (the assembly fuses multiply-adds and rounds z differently).
			if p != Generic {
				ref := withPath(Generic, func() []float32 {
					r := make([]float32, n)
					GELUTanhBackward(r, x, dy)
					return r
				})
				for i := range ref {
					_, scale, z2 := geluTanhDeriv64(float64(x[i]))
					if x[i] >= 0 {
						z2 = 0
					}
					if d := math.Abs(float64(ref[i] - got[i])); d > (2e-6+8e-7*z2)*scale*math.Abs(float64(dy[i]))+1e-37 {
						t.Fatalf("n %d: x %v: %v on %v, %v generic", n, x[i], got[i], p, ref[i])
					}
				}
			}
		}
		inf := float32(math.Inf(1))
		in := []float32{0, -inf, inf, float32(math.NaN()), -30, 30}
		out := make([]float32, len(in))
		GELUTanhBackward(out, in, []float32{1, 1, 1, 1, 1, 1})
		if out[0] != 0.5 || out[1] != 0 || out[2] != 1 || !math.IsNaN(float64(out[3])) || out[4] != 0 || out[5] != 1 {
			t.Fatalf("special values: %v", out)
		}
	})
}

func BenchmarkGELUTanhBackward(b *testing.B) {
	x := randVec(rand.New(rand.NewPCG(1, 1)), 4096, 0, 4)
	dy := randVec(rand.New(rand.NewPCG(2, 1)), 4096, 0, 1)
	dst := make([]float32, 4096)
	b.SetBytes(4 * 4096)
	for b.Loop() {
		GELUTanhBackward(dst, x, dy)
	}
}

// BenchmarkGELUTanhBackwardFloat64 is the float64 math.Tanh loop the kernel replaces, for
// comparison.
func BenchmarkGELUTanhBackwardFloat64(b *testing.B) {
	x := randVec(rand.New(rand.NewPCG(1, 1)), 4096, 0, 4)
	dy := randVec(rand.New(rand.NewPCG(2, 1)), 4096, 0, 1)
	dst := make([]float32, 4096)
	b.SetBytes(4 * 4096)
	for b.Loop() {
		for i, v := range x {
			u := float64(v)
			const c = 0.7978845608028654
			t := math.Tanh(c * (u + 0.044715*u*u*u))
			d := 0.5*(1+t) + 0.5*u*(1-t*t)*c*(1+3*0.044715*u*u)
			dst[i] = float32(d * float64(dy[i]))
		}
	}
}
