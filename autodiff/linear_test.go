package autodiff

import (
	"math"
	"testing"
)

func TestLinearGradients(t *testing.T) {
	rng := newRNG(51)
	x := randVar(rng, -1, 1, 5, 4)
	x3 := randVar(rng, -1, 1, 2, 3, 4)
	w := randVar(rng, -1, 1, 4, 6)
	b := randVar(rng, -1, 1, 6)
	check(t, "linear", func(tp *Tape) *Var { return tp.Linear(x, w, b) }, x, w, b)
	check(t, "linear rank 3", func(tp *Tape) *Var { return tp.Linear(x3, w, b) }, x3, w, b)
	check(t, "linear of an intermediate, bias reused", func(tp *Tape) *Var {
		return tp.Mul(tp.Linear(tp.Tanh(x), w, b), tp.Exp(b))
	}, x, w, b)
	check(t, "linear without bias", func(tp *Tape) *Var { return tp.Linear(x, w, nil) }, x, w)
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
