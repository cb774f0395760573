package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// activationInputs returns a dense sweep of [-lim, lim], random points and special values.
func activationInputs(lim float64) []float32 {
	var xs []float32
	for x := -lim; x <= lim; x += lim / 20000 {
		xs = append(xs, float32(x))
	}
	rng := rand.New(rand.NewPCG(10, 11))
	for range 1 << 14 {
		xs = append(xs, float32((rng.Float64()*2-1)*math.Pow(10, rng.Float64()*4-3)))
	}
	for e := -40; e <= 5; e++ {
		xs = append(xs, float32(math.Pow(2, float64(e))), -float32(math.Pow(2, float64(e))))
	}
	xs = append(xs, 0, 0.625, -0.625, 0.62499994, -0.62499994, 1e-45, 50, -50, 1e6, -1e6)
	return xs
}

type activationCase struct {
	name string
	f    func(dst, x []float32)
	ref  func(x float64) float64
	tol  func(x, ref float64) float64 // allowed absolute error
}

var geluRef = func(x float64) float64 {
	z := geluC * (x + geluA*x*x*x)
	return x / (1 + math.Exp(-2*z))
}

var activationCases = []activationCase{
	{"Tanh", Tanh, math.Tanh, func(x, r float64) float64 { return 4e-7 * math.Abs(r) }},
	{"Sigmoid", Sigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
		func(x, r float64) float64 { return 4e-7*math.Abs(r) + 0x1p-149 }},
	{"GELUTanh", GELUTanh, geluRef, func(x, r float64) float64 {
		// float32 rounding of z (relative 2e-7) moves log(sigmoid(2z)) by up to
		// 2e-7·|2z|·sigmoid(-2z).
		z := geluC * (x + geluA*x*x*x)
		sens := math.Abs(2*z) / (1 + math.Exp(2*z))
		return (4e-7+2e-7*sens)*math.Abs(r) + 0x1p-149*(1+math.Abs(x))
	}},
}

func TestActivationAccuracy(t *testing.T) {
	xs := activationInputs(12)
	got := make([]float32, len(xs)+3)
	forPaths(t, func(t *testing.T, p Path) {
		for _, c := range activationCases {
			for off := range 4 {
				g := got[off : off+len(xs)]
				c.f(g, xs)
				worst, worstX := 0.0, float32(0)
				bad := 0
				for i, x := range xs {
					r := c.ref(float64(x))
					d := math.Abs(float64(g[i]) - r)
					if d > c.tol(float64(x), r) {
						if bad < 5 {
							t.Errorf("%s off=%d (%v) = %v, float64 %v", c.name, off, x, g[i], r)
						}
						bad++
					}
					if r != 0 && math.Abs(r) > 0x1p-126 && d/math.Abs(r) > worst {
						worst, worstX = d/math.Abs(r), x
					}
				}
				if off == 0 {
					t.Logf("%v %s: max relative error %.3g at x=%v", p, c.name, worst, worstX)
				}
			}
		}
	})
}

func TestActivationSpecial(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	type sc struct {
		f       func(dst, x []float32)
		name    string
		x, want float32
	}
	cases := []sc{
		{Tanh, "Tanh", inf, 1}, {Tanh, "Tanh", -inf, -1}, {Tanh, "Tanh", nan, nan}, {Tanh, "Tanh", 0, 0},
		{Tanh, "Tanh", 100, 1}, {Tanh, "Tanh", -100, -1},
		{Sigmoid, "Sigmoid", inf, 1}, {Sigmoid, "Sigmoid", -inf, 0}, {Sigmoid, "Sigmoid", nan, nan},
		{Sigmoid, "Sigmoid", 0, 0.5}, {Sigmoid, "Sigmoid", 200, 1}, {Sigmoid, "Sigmoid", -200, 0},
		{GELUTanh, "GELUTanh", inf, inf}, {GELUTanh, "GELUTanh", -inf, negZero},
		{GELUTanh, "GELUTanh", nan, nan}, {GELUTanh, "GELUTanh", 0, 0}, {GELUTanh, "GELUTanh", 1e6, 1e6},
		{GELUTanh, "GELUTanh", -1e6, negZero},
	}
	forPaths(t, func(t *testing.T, p Path) {
		for _, n := range []int{1, 9, 17, 300} {
			for _, c := range cases {
				x := make([]float32, n)
				pos := n / 2
				x[pos] = c.x
				c.f(x, x)
				g := x[pos]
				if c.want != c.want {
					if g == g {
						t.Errorf("n=%d: %s(%v) = %v, want NaN", n, c.name, c.x, g)
					}
				} else if g != c.want || math.Signbit(float64(g)) != math.Signbit(float64(c.want)) {
					t.Errorf("n=%d: %s(%v) = %v, want %v", n, c.name, c.x, g, c.want)
				}
			}
		}
	})
}

// softmaxRef is the float64 softmax.
func softmaxRef(x []float32) []float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, float64(v))
	}
	out := make([]float64, len(x))
	var s float64
	for i, v := range x {
		out[i] = math.Exp(float64(v) - m)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// TestSoftmaxRow checks rows of random, large (±1e4) and -Inf entries: the result sums to 1
// and each entry is within tol = 1e-6 + 1e-7·√n relative (plus 1e-37 absolute) of float64; the
// √n term covers the float32 sum.
// LogSoftmaxRow is checked to 2e-6·(1+|ref|) absolute.
func TestSoftmaxRow(t *testing.T) {
	forPaths(t, func(t *testing.T, p Path) {
		rng := rand.New(rand.NewPCG(12, uint64(p)))
		for _, n := range append(vecLengths[1:], 65, 1024) {
			for variant := range 4 {
				x := randVec(rng, n, variant, 8)
				switch variant {
				case 1: // large values
					for i := range x {
						x[i] = float32(1e4 + rng.Float64()*20)
					}
				case 2: // masked entries
					for i := range x {
						if rng.IntN(3) == 0 && i != n/2 {
							x[i] = float32(math.Inf(-1))
						}
					}
				case 3: // large negative, widely spread
					for i := range x {
						x[i] = float32(-1e4 + rng.Float64()*200)
					}
				}
				ref := softmaxRef(x)
				tol := 1e-6 + 1e-7*math.Sqrt(float64(n))
				dst := make([]float32, n)
				SoftmaxRow(dst, x)
				var s float64
				for i, v := range dst {
					s += float64(v)
					if d := math.Abs(float64(v) - ref[i]); d > tol*ref[i]+1e-37 {
						t.Fatalf("n=%d variant=%d i=%d: softmax %v, float64 %v", n, variant, i, v, ref[i])
					}
				}
				if math.Abs(s-1) > tol {
					t.Fatalf("n=%d variant=%d: softmax sums to %v", n, variant, s)
				}
				// In place.
				y := append([]float32(nil), x...)
				SoftmaxRow(y, y)
				for i := range y {
					if y[i] != dst[i] {
						t.Fatalf("n=%d: in-place softmax differs at %d", n, i)
					}
				}
				// Log-softmax, in place too.
				copy(y, x)
				LogSoftmaxRow(y, y)
				for i, v := range y {
					r := math.Log(ref[i])
					if math.IsInf(r, -1) {
						if !math.IsInf(float64(v), -1) {
							t.Fatalf("n=%d: log-softmax of -Inf entry = %v", n, v)
						}
						continue
					}
					if d := math.Abs(float64(v) - r); d > 2e-6*(1+math.Abs(r)) {
						t.Fatalf("n=%d variant=%d i=%d: log-softmax %v, float64 %v", n, variant, i, v, r)
					}
				}
			}
		}
		// NaN rows.
		for _, row := range [][]float32{
			{1, float32(math.NaN()), 2}, {float32(math.Inf(-1)), float32(math.Inf(-1))},
		} {
			dst := make([]float32, len(row))
			SoftmaxRow(dst, row)
			for _, v := range dst {
				if v == v {
					t.Errorf("softmax(%v) = %v, want NaN", row, dst)
				}
			}
		}
	})
}

// TestActivationLengths runs every activation in place on the awkward lengths and offsets and
// compares with the float64 reference, so that every tail shape of every path is exercised.
func TestActivationLengths(t *testing.T) {
	forPaths(t, func(t *testing.T, p Path) {
		rng := rand.New(rand.NewPCG(13, uint64(p)))
		for _, c := range activationCases {
			for _, n := range vecLengths {
				for off := range 4 {
					x := randVec(rng, n, off, 6)
					ref := append([]float32(nil), x...)
					c.f(x, x)
					for i, v := range ref {
						r := c.ref(float64(v))
						if d := math.Abs(float64(x[i]) - r); d > c.tol(float64(v), r) {
							t.Fatalf("%s n=%d off=%d: in place (%v) = %v, float64 %v", c.name, n, off, v, x[i], r)
						}
					}
				}
			}
		}
	})
}
