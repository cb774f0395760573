package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// expRelTol is the required relative error of Exp against float64 for normal results.
const expRelTol = 2e-7

// smallestSubnormal is 2^-149.
var smallestSubnormal = math.Float32frombits(1)

// expErr returns the error of got = Exp(x) against float64 math.Exp, relative for normal
// results; subnormal results are allowed one subnormal unit on top.
func expErr(x, got float32) (rel float64, ok bool) {
	ref := math.Exp(float64(x))
	d := math.Abs(float64(got) - ref)
	if ref >= 0x1p-126 {
		rel = d / ref
		return rel, rel <= expRelTol
	}
	return 0, d <= expRelTol*ref+float64(smallestSubnormal)
}

// TestExpAccuracy sweeps [-87, 88] densely, adds random points and the subnormal range, and
// checks every path against float64.
func TestExpAccuracy(t *testing.T) {
	step := 1.0 / 4096
	if testing.Short() {
		step = 1.0 / 512
	}
	var xs []float32
	for x := -87.0; x <= 88.0; x += step {
		xs = append(xs, float32(x))
	}
	rng := rand.New(rand.NewPCG(6, 7))
	for range 1 << 16 {
		xs = append(xs, float32(rng.Float64()*175-87))
	}
	for range 1 << 12 {
		// Small arguments, where r = x.
		xs = append(xs, float32((rng.Float64()*2-1)*math.Pow(2, -30*rng.Float64())))
	}
	for x := -103.9; x < -87; x += 1.0 / 64 {
		xs = append(xs, float32(x))
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), 88.72283, 88.7228, -87.33654, -87.3365)
	got := make([]float32, len(xs)+3)
	forPaths(t, func(t *testing.T, p Path) {
		for off := range 4 {
			g := got[off : off+len(xs)]
			Exp(g, xs)
			worst, worstX := 0.0, float32(0)
			bad := 0
			for i, x := range xs {
				rel, ok := expErr(x, g[i])
				if !ok {
					if bad < 5 {
						t.Errorf("off=%d Exp(%v) = %v, float64 %v", off, x, g[i], math.Exp(float64(x)))
					}
					bad++
				}
				if rel > worst {
					worst, worstX = rel, x
				}
			}
			if off == 0 {
				t.Logf("%v: %d points, max relative error %.3g at x=%v", p, len(xs), worst, worstX)
			}
			if bad > 0 {
				t.Errorf("off=%d: %d points out of tolerance", off, bad)
			}
		}
	})
}

// TestExpSpecial checks the special values and the overflow and underflow thresholds.
func TestExpSpecial(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	cases := []struct {
		x    float32
		want float32 // NaN means NaN
	}{
		{inf, inf}, {-inf, 0}, {nan, nan}, {88.7229, inf}, {88.73, inf}, {89, inf}, {100, inf},
		{1e30, inf}, {math.MaxFloat32, inf}, {-103.973, 0}, {-104, 0}, {-110, 0}, {-1e30, 0},
		{-math.MaxFloat32, 0}, {0, 1},
	}
	forPaths(t, func(t *testing.T, p Path) {
		// Every special value at every position of a vector, so the tails see them too.
		for _, n := range []int{1, 7, 8, 9, 16, 17, 33} {
			for _, c := range cases {
				for pos := range n {
					x := make([]float32, n)
					x[pos] = c.x
					y := make([]float32, n)
					Exp(y, x)
					g := y[pos]
					if c.want != c.want {
						if g == g {
							t.Fatalf("n=%d pos=%d: Exp(%v) = %v, want NaN", n, pos, c.x, g)
						}
					} else if g != c.want {
						t.Fatalf("n=%d pos=%d: Exp(%v) = %v, want %v", n, pos, c.x, g, c.want)
					}
					for i := range n {
						if i != pos && y[i] != 1 {
							t.Fatalf("n=%d: Exp(0) next to %v = %v", n, c.x, y[i])
						}
					}
				}
			}
		}
		// Largest finite result and the first subnormal ones.
		if g := expOne(88.7228); math.IsInf(float64(g), 0) {
			t.Errorf("Exp(88.7228) = %v, want finite", g)
		}
		if g := expOne(-100); g == 0 || g >= 0x1p-126 {
			t.Errorf("Exp(-100) = %v, want a subnormal", g)
		}
		if g := expOne(-103.9); g != smallestSubnormal {
			t.Errorf("Exp(-103.9) = %v, want %v", g, smallestSubnormal)
		}
	})
}

func expOne(x float32) float32 {
	y := []float32{x}
	Exp(y, y)
	return y[0]
}

// TestExpAliasLengths runs Exp in place on every awkward length and offset against exp32.
func TestExpAliasLengths(t *testing.T) {
	forPaths(t, func(t *testing.T, p Path) {
		rng := rand.New(rand.NewPCG(8, uint64(p)))
		for _, n := range vecLengths {
			for off := range 4 {
				x := randVec(rng, n, off, 20)
				ref := append([]float32(nil), x...)
				Exp(x, x)
				for i, v := range ref {
					if _, ok := expErr(v, x[i]); !ok {
						t.Fatalf("n=%d off=%d: in-place Exp(%v) = %v", n, off, v, x[i])
					}
				}
			}
		}
	})
}

// TestExpShiftSum checks the kernel behind the softmax: e^(x+shift) and the returned sum.
func TestExpShiftSum(t *testing.T) {
	forPaths(t, func(t *testing.T, p Path) {
		rng := rand.New(rand.NewPCG(9, uint64(p)))
		for _, n := range vecLengths {
			for off := range 4 {
				x := randVec(rng, n, off, 5)
				shift := float32(rng.Float64()*4 - 2)
				dst := make([]float32, n)
				s := expImpl[p](dst, x, shift)
				var ref float64
				for i, v := range x {
					if _, ok := expErr(v+shift, dst[i]); !ok {
						t.Fatalf("n=%d: e^(%v%+v) = %v", n, v, shift, dst[i])
					}
					ref += float64(dst[i])
				}
				if d := math.Abs(float64(s) - ref); d > 1e-6*ref*math.Sqrt(float64(n+1)) {
					t.Fatalf("n=%d off=%d: sum %v, float64 %v", n, off, s, ref)
				}
			}
		}
	})
}
