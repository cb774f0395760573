package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// adamRef is the Adam update in float64, PyTorch's formula (√v divided by √(1−β2ᵗ)).
func adamRef(x, g, m, v []float64, lr, b1, b2, eps, wd float64, step int) {
	bc1 := 1 - math.Pow(b1, float64(step))
	bc2 := 1 - math.Pow(b2, float64(step))
	for i := range x {
		d := g[i] + wd*x[i]
		m[i] = b1*m[i] + (1-b1)*d
		v[i] = b2*v[i] + (1-b2)*d*d
		x[i] -= lr / bc1 * m[i] / (math.Sqrt(v[i])/math.Sqrt(bc2) + eps)
	}
}

func adamParamsFor(lr, b1, b2, eps, wd float64, step int) AdamParams {
	return AdamParams{
		Beta1: float32(b1), Grad1: float32(1 - b1), Beta2: float32(b2), Grad2: float32(1 - b2),
		WeightDecay: float32(wd), StepSize: float32(lr / (1 - math.Pow(b1, float64(step)))),
		InvSqrtBC2: float32(1 / math.Sqrt(1-math.Pow(b2, float64(step)))), Eps: float32(eps),
	}
}

func toF64(s []float32) []float64 {
	d := make([]float64, len(s))
	for i, v := range s {
		d[i] = float64(v)
	}
	return d
}

// TestAdam runs three steps on every path and length (including the parallel split) against
// the float64 formula, and checks the paths against each other.
func TestAdam(t *testing.T) {
	lengths := append(vecLengths, 4099, adamParallelMin+17, 3*adamParallelMin+5)
	for _, wd := range []float64{0, 0.1} {
		var generic [][]float32
		for _, p := range Paths() {
			restore := Use(p)
			rng := rand.New(rand.NewPCG(7, 8))
			for li, n := range lengths {
				x, g := randVec(rng, n, li%3, 1), randVec(rng, n, 0, 1e-2)
				m, v := make([]float32, n), make([]float32, n)
				xr, gr, mr, vr := toF64(x), toF64(g), make([]float64, n), make([]float64, n)
				for step := 1; step <= 3; step++ {
					ap := adamParamsFor(1e-2, 0.9, 0.999, 1e-8, wd, step)
					Adam(x, g, m, v, ap)
					adamRef(xr, gr, mr, vr, 1e-2, 0.9, 0.999, 1e-8, wd, step)
				}
				for i := range n {
					if d := math.Abs(float64(x[i]) - xr[i]); d > 1e-6*(1+math.Abs(xr[i])) {
						t.Fatalf("%v wd=%g n=%d: x[%d] = %v, float64 %v", p, wd, n, i, x[i], xr[i])
					}
					if d := math.Abs(float64(v[i]) - vr[i]); d > 1e-5*vr[i]+1e-12 {
						t.Fatalf("%v wd=%g n=%d: v[%d] = %v, float64 %v", p, wd, n, i, v[i], vr[i])
					}
				}
				if p == Generic {
					generic = append(generic, x)
				} else {
					for i, want := range generic[li] {
						// Fused multiply-adds change d = g + λx where it nearly cancels, and there
						// m/√v ≈ ±1 may change a lot: compare on the scale of a step (lr = 1e-2).
						if d := math.Abs(float64(x[i] - want)); d > 1e-4*1e-2 {
							t.Fatalf("%v wd=%g n=%d: x[%d] = %v, generic %v", p, wd, n, i, x[i], want)
						}
					}
				}
			}
			restore()
		}
	}
}

// TestAdamZeroDecayIgnoresInfiniteParameters checks that without weight decay the parameter
// never enters the gradient (0·∞ would be NaN).
func TestAdamZeroDecayIgnoresInfiniteParameters(t *testing.T) {
	forPaths(t, func(t *testing.T, p Path) {
		x := make([]float32, 40)
		g, m, v := make([]float32, 40), make([]float32, 40), make([]float32, 40)
		for i := range x {
			x[i] = float32(math.Inf(1))
			g[i] = 1
		}
		ap := adamParamsFor(1e-3, 0.9, 0.999, 1e-8, 0, 1)
		Adam(x, g, m, v, ap)
		for i := range m {
			if math.Abs(float64(m[i])-0.1) > 1e-7 {
				t.Fatalf("m[%d] = %v", i, m[i])
			}
		}
	})
}

func TestAdamAllocs(t *testing.T) {
	n := 4 * adamParallelMin
	x, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	ap := adamParamsFor(1e-3, 0.9, 0.999, 1e-8, 0, 1)
	Adam(x, g, m, v, ap)
	if a := testing.AllocsPerRun(50, func() { Adam(x, g, m, v, ap) }); a != 0 {
		t.Errorf("%v allocations per call", a)
	}
}

func BenchmarkAdam(b *testing.B) {
	for _, n := range []int{2560, 200704} {
		x, g := make([]float32, n), make([]float32, n)
		m, v := make([]float32, n), make([]float32, n)
		for i := range g {
			g[i] = float32(i%7) * 1e-3
		}
		ap := adamParamsFor(1e-3, 0.9, 0.999, 1e-8, 0, 1)
		for _, p := range Paths() {
			b.Run(fmt.Sprintf("%v/%d", p, n), func(b *testing.B) {
				restore := Use(p)
				defer restore()
				b.SetBytes(int64(28 * n))
				b.ReportAllocs()
				for b.Loop() {
					Adam(x, g, m, v, ap)
				}
			})
		}
	}
}

// subnormalHalf returns x/2 computed at run time (not folded by the compiler).
//
//go:noinline
func subnormalHalf(x float32) float32 { return x * 0.5 }

// TestAdamSubnormalMoments runs the update on moments in the subnormal range, where the
// assembly paths flush them to zero: the parameters must match the generic path's exact
// arithmetic, and the caller's floating-point mode must be intact afterwards (subnormal
// results still produced). With ε too small for the flush to be invisible, nothing is flushed.
func TestAdamSubnormalMoments(t *testing.T) {
	const n = 100
	setup := func() (x, g, m, v []float32) {
		x, g, m, v = make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = 0.25 + float32(i)*1e-3
			m[i] = 1e-39 * float32(i%5)
			v[i] = 1e-40 * float32(i%3)
			if i%4 == 0 {
				g[i] = 1e-3 // some live units beside the dead ones
			}
		}
		return
	}
	for _, eps := range []float64{1e-8, 0} {
		ap := adamParamsFor(1e-4, 0.9, 0.999, eps, 0, 2000)
		xr, gr, mr, vr := setup()
		adamGeneric(xr, gr, mr, vr, ap)
		forPaths(t, func(t *testing.T, p Path) {
			x, g, m, v := setup()
			Adam(x, g, m, v, ap)
			for i := range x {
				if math.Abs(float64(x[i]-xr[i])) > 1e-7*math.Abs(float64(xr[i])) {
					t.Fatalf("eps=%g: x[%d] = %v, generic %v", eps, i, x[i], xr[i])
				}
				if eps == 0 && (m[i] != mr[i] || v[i] != vr[i]) {
					t.Fatalf("eps=0 flushed a moment: m[%d] = %v (want %v), v = %v (want %v)", i, m[i], mr[i], v[i], vr[i])
				}
			}
			if h := subnormalHalf(2e-38); h == 0 || h != float32(1e-38) {
				t.Fatalf("floating-point mode not restored: 2e-38/2 = %v", h)
			}
		})
	}
}

// BenchmarkAdamSubnormal times the update on second moments in the subnormal range (the
// state of units whose gradient has been zero for thousands of steps).
func BenchmarkAdamSubnormal(b *testing.B) {
	n := 1 << 17
	x, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], v[i] = 0.1, 1e-40
	}
	ap := adamParamsFor(1e-4, 0.9, 0.999, 1e-8, 0, 5000)
	for _, p := range Paths() {
		b.Run(p.String(), func(b *testing.B) {
			defer Use(p)()
			b.SetBytes(int64(28 * n))
			for b.Loop() {
				for i := 0; i < n; i += 1024 {
					v[i] = 1e-40 // keep the moments subnormal whatever the path flushed
				}
				Adam(x, g, m, v, ap)
			}
		})
	}
}

// TestAdamScale checks the decoupled decay (Scale) on every path against the two-pass form:
// the parameter multiplied by Scale, then updated with Scale 0.
func TestAdamScale(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 203
	setup := func() (x, g, m, v []float32) {
		x, g, m, v = make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], g[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
			m[i], v[i] = float32(rng.NormFloat64())*0.1, float32(rng.Float64())*0.01
		}
		return
	}
	forPaths(t, func(t *testing.T, p Path) {
		x, g, m, v := setup()
		xr, gr, mr, vr := append([]float32(nil), x...), append([]float32(nil), g...), append([]float32(nil), m...), append([]float32(nil), v...)
		ap := adamParamsFor(1e-2, 0.9, 0.999, 1e-8, 0, 3)
		ap.Scale = float32(1 - 1e-2*0.1)
		Adam(x, g, m, v, ap)
		for i := range xr {
			xr[i] *= ap.Scale
		}
		ap.Scale = 0
		Adam(xr, gr, mr, vr, ap)
		for i := range x {
			if x[i] != xr[i] || m[i] != mr[i] || v[i] != vr[i] {
				t.Fatalf("element %d: fused (%v, %v, %v), two passes (%v, %v, %v)", i, x[i], m[i], v[i], xr[i], mr[i], vr[i])
			}
		}
	})
}

// TestAdamStepAccuracy checks each path's step against float64 over gradients from 1e-20 to
// 1e20 (second moments from zero and the subnormal range to overflow), after one and after
// five updates: within 8 ulps of the step where it is finite, and the same non-finite or zero
// step as the generic path (a zero gradient moves nothing; an overflowing second moment gives
// a zero step).
func TestAdamStepAccuracy(t *testing.T) {
	const n = 4096
	rng := rand.New(rand.NewPCG(17, 18))
	g := make([]float32, n)
	for i := range g {
		g[i] = float32(math.Pow(10, -20+40*rng.Float64()))
		if i%2 == 1 {
			g[i] = -g[i]
		}
		if i%97 == 0 {
			g[i] = 0
		}
	}
	forPaths(t, func(t *testing.T, p Path) {
		x, m, v := make([]float32, n), make([]float32, n), make([]float32, n)
		xr, mr, vr := make([]float64, n), make([]float64, n), make([]float64, n)
		gr := toF64(g)
		for step := 1; step <= 5; step++ {
			before := append([]float32(nil), x...)
			xb := append([]float64(nil), xr...)
			Adam(x, g, m, v, adamParamsFor(1e-3, 0.9, 0.999, 1e-8, 0, step))
			adamRef(xr, gr, mr, vr, 1e-3, 0.9, 0.999, 1e-8, 0, step)
			for i := range x {
				got, want := float64(x[i]-before[i]), xr[i]-xb[i]
				if math.IsInf(float64(v[i]), 1) {
					if got != 0 {
						t.Fatalf("step %d: g[%d] = %v overflows v, step %v; want 0", step, i, g[i], got)
					}
					continue
				}
				// The float32 moments differ from float64 by their own rounding; 8 ulps of the
				// step covers that and the estimates.
				if d := math.Abs(got - want); !(d <= 8*0x1p-23*math.Abs(want)+1e-12) { // NaN fails too
					t.Fatalf("step %d: g[%d] = %v: step %v, float64 %v", step, i, g[i], got, want)
				}
			}
		}
	})
}
