package autodiff

import (
	"math"
	"testing"
)

// TestLinearGradients checks Linear and LinearReLU with the gradient checker. The inputs are
// drawn until every pre-activation is at least 0.05 from the rectifier's kink, where the
// finite differences would straddle it.
func TestLinearGradients(t *testing.T) {
	var x, x3, w, b *Var
	for seed := uint64(57); ; seed++ {
		rng := newRNG(seed)
		x = randVar(rng, -1, 1, 5, 4)
		x3 = randVar(rng, -1, 1, 2, 3, 4)
		w = randVar(rng, -1, 1, 4, 6)
		b = randVar(rng, -1, 1, 6)
		tx := NewVar(x.Value.Clone(), false)
		tp := NewTape()
		if farFromKink(tp.Linear(x, w, b), tp.Linear(x3, w, b), tp.Linear(tp.Tanh(tx), w, b), tp.MatMul(x, w)) {
			break
		}
	}
	for name, op := range map[string]func(tp *Tape, x, w, b *Var) *Var{
		"linear":      (*Tape).Linear,
		"linear relu": (*Tape).LinearReLU,
	} {
		check(t, name, func(tp *Tape) *Var { return op(tp, x, w, b) }, x, w, b)
		check(t, name+" rank 3", func(tp *Tape) *Var { return op(tp, x3, w, b) }, x3, w, b)
		check(t, name+" of an intermediate, bias reused", func(tp *Tape) *Var {
			return tp.Mul(op(tp, tp.Tanh(x), w, b), tp.Exp(b))
		}, x, w, b)
		check(t, name+" without bias", func(tp *Tape) *Var { return op(tp, x, w, nil) }, x, w)
	}
}

// farFromKink reports whether every element of the vs is at least 0.05 from zero.
func farFromKink(vs ...*Var) bool {
	for _, v := range vs {
		for _, z := range v.Value.Data() {
			if math.Abs(float64(z)) < 0.05 {
				return false
			}
		}
	}
	return true
}

// TestLinearReLUMatchesLinearThenReLU checks that the fused operation has the bits of its two
// parts, forward and backward, and leaves its output's gradient as the loss gave it.
func TestLinearReLUMatchesLinearThenReLU(t *testing.T) {
	rng := newRNG(59)
	x := randVar(rng, -1, 1, 64, 300)
	w := randVar(rng, -0.2, 0.2, 300, 256)
	b := randVar(rng, -0.5, 0.5, 256)
	params := []Param{{"x", x}, {"w", w}, {"b", b}}
	grads := func(fused bool) (y, dy []float32, g [][]float32) {
		ZeroGrad(params)
		tp := NewTape()
		var out *Var
		if fused {
			out = tp.LinearReLU(x, w, b)
		} else {
			out = tp.ReLU(tp.Linear(x, w, b))
		}
		tp.Backward(tp.SumAll(tp.Square(tp.AddScalar(out, -0.1))))
		for _, p := range params {
			g = append(g, p.Var.Grad.Clone().Data())
		}
		return out.Value.Clone().Data(), out.Grad.Clone().Data(), g
	}
	y1, dy1, g1 := grads(true)
	y2, dy2, g2 := grads(false)
	same := func(what string, a, b []float32) {
		t.Helper()
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Fatalf("%s[%d]: fused %v, unfused %v", what, i, a[i], b[i])
			}
		}
	}
	same("y", y1, y2)
	same("dy", dy1, dy2)
	for i, p := range params {
		same(p.Name+".grad", g1[i], g2[i])
	}
}

// TestLinearMatchesMatMulAdd compares Linear with the two operations it fuses, on a product
// large enough to take several k blocks and to split over goroutines.
func TestLinearMatchesMatMulAdd(t *testing.T) {
	rng := newRNG(53)
	x := randVar(rng, -1, 1, 64, 784)
	w := randVar(rng, -0.1, 0.1, 784, 256)
	b := randVar(rng, -1, 1, 256)
	tp := NewTape()
	got := tp.Linear(x, w, b)
	want := tp.Add(tp.MatMul(x, w), b)
	g, wv := got.Value.Data(), want.Value.Data()
	for i := range g {
		if math.Abs(float64(g[i]-wv[i])) > 1e-5*(1+math.Abs(float64(wv[i]))) {
			t.Fatalf("y[%d] = %v, MatMul+Add %v", i, g[i], wv[i])
		}
	}
	tp.Backward(tp.SumAll(tp.Mul(got, got)))
	gw, gb := w.Grad.Clone().Data(), b.Grad.Clone().Data()
	ZeroGrad([]Param{{"w", w}, {"b", b}})
	tp2 := NewTape()
	y := tp2.Add(tp2.MatMul(x, w), b)
	tp2.Backward(tp2.SumAll(tp2.Mul(y, y)))
	for i, v := range w.Grad.Data() {
		if math.Abs(float64(gw[i]-v)) > 1e-3*(1+math.Abs(float64(v))) {
			t.Fatalf("dW[%d] = %v, MatMul+Add %v", i, gw[i], v)
		}
	}
	for i, v := range b.Grad.Data() {
		if math.Abs(float64(gb[i]-v)) > 1e-3*(1+math.Abs(float64(v))) {
			t.Fatalf("db[%d] = %v, MatMul+Add %v", i, gb[i], v)
		}
	}
}
