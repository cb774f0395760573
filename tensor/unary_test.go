package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

func geluTanh64(x float64) float64 {
	return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
}

func geluErf64(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }

func TestUnaryMatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	x := RandNormal(rng, 0, 4, 3, 41)
	pos := Abs(x)
	AddScalarInto(pos, pos, 0.01)
	cases := []struct {
		name string
		op   func(*Tensor) *Tensor
		into func(dst, a *Tensor) *Tensor
		f    func(float64) float64
		in   *Tensor
		tol  float64
	}{
		{"Neg", Neg, NegInto, func(v float64) float64 { return -v }, x, 0},
		{"Abs", Abs, AbsInto, math.Abs, x, 0},
		{"Exp", Exp, ExpInto, math.Exp, x, 1e-6},
		{"Log", Log, LogInto, math.Log, pos, 1e-6},
		{"Sqrt", Sqrt, SqrtInto, math.Sqrt, pos, 1e-6},
		{"Square", Square, SquareInto, func(v float64) float64 { return v * v }, x, 1e-6},
		{"Tanh", Tanh, TanhInto, math.Tanh, x, 1e-6},
		{"Sigmoid", Sigmoid, SigmoidInto, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }, x, 1e-6},
		{"ReLU", ReLU, ReLUInto, func(v float64) float64 { return math.Max(v, 0) }, x, 0},
		{"GELU", GELU, GELUInto, geluTanh64, x, 1e-5},
		{"GELUErf", GELUErf, GELUErfInto, geluErf64, x, 1e-6},
		{"Softplus", Softplus, SoftplusInto, func(v float64) float64 { return math.Log1p(math.Exp(v)) }, x, 1e-6},
		{"Swish", Swish, SwishInto, func(v float64) float64 { return v / (1 + math.Exp(-v)) }, x, 1e-5},
	}
	for _, c := range cases {
		want := make([]float64, c.in.Len())
		for i, v := range c.in.data {
			want[i] = c.f(float64(v))
		}
		checkClose(t, c.name, c.op(c.in), c.in.shape, want, c.tol)
		dst := c.in.Clone()
		c.into(dst, dst)
		checkClose(t, c.name+"Into in place", dst, c.in.shape, want, c.tol)
		mustPanic(t, "tensor: "+c.name+"Into: shapes [2] and [3] differ", func() { c.into(New(2), New(3)) })
	}
	// Softplus stays finite and exact for large magnitudes.
	sp := Softplus(FromSlice([]float32{100, -100, 1e30}, 3))
	if sp.data[0] != 100 || sp.data[1] <= 0 || sp.data[1] > 1e-43 || sp.data[2] != 1e30 {
		t.Fatalf("Softplus extremes = %v", sp)
	}
	c := Clamp(FromSlice([]float32{-3, 0.5, 9, float32(math.NaN())}, 4), -1, 1)
	if got := c.String(); got != "[-1 0.5 1 NaN]" {
		t.Fatalf("Clamp = %s", got)
	}
	mustPanic(t, "tensor: Clamp: lo 2 > hi 1", func() { Clamp(c, 2, 1) })
	// A large input takes the parallel path.
	big := RandNormal(rng, 0, 1, 3*parallelGrain)
	e := Exp(big)
	for i := 0; i < big.Len(); i += 997 {
		if !closeF(e.data[i], math.Exp(float64(big.data[i])), 1e-6) {
			t.Fatalf("parallel Exp at %d", i)
		}
	}
}

// TestGELUBackwardFiniteDifferences compares both GELU gradients with central differences of
// the float64 functions, and checks that the formulas use dy.
func TestGELUBackwardFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	x := RandNormal(rng, 0, 2, 500)
	dy := RandNormal(rng, 0, 1, 500)
	for _, c := range []struct {
		name string
		back func(x, dy *Tensor) *Tensor
		into func(dst, x, dy *Tensor) *Tensor
		f    func(float64) float64
	}{
		{"GELUBackward", GELUBackward, GELUBackwardInto, geluTanh64},
		{"GELUErfBackward", GELUErfBackward, GELUErfBackwardInto, geluErf64},
	} {
		want := make([]float64, x.Len())
		for i, v := range x.data {
			u, h := float64(v), 1e-6
			want[i] = float64(dy.data[i]) * (c.f(u+h) - c.f(u-h)) / (2 * h)
		}
		checkClose(t, c.name, c.back(x, dy), x.shape, want, 1e-5)
		dst := dy.Clone()
		c.into(dst, x, dst)
		checkClose(t, c.name+"Into", dst, x.shape, want, 1e-5)
		mustPanic(t, "tensor: "+c.name+": shapes [2] and [3] differ", func() { c.back(New(2), New(3)) })
	}
}

func TestReLUBackward(t *testing.T) {
	x := FromSlice([]float32{-1, 0, 2, float32(math.NaN()), float32(math.Inf(1)), -0.5}, 2, 3)
	dy := FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	want := []float32{0, 0, 3, 0, 5, 0}
	got := ReLUBackward(x, dy)
	for i, w := range want {
		if got.Data()[i] != w {
			t.Fatalf("ReLUBackward = %v, want %v", got.Data(), want)
		}
	}
	acc := Full(10, 2, 3)
	ReLUBackwardAdd(acc, x, dy)
	for i, w := range want {
		if acc.Data()[i] != 10+w {
			t.Fatalf("ReLUBackwardAdd = %v, want 10 + %v", acc.Data(), want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for mismatched shapes")
		}
	}()
	ReLUBackwardInto(New(3, 2), x, dy)
}
