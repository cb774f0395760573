package autodiff

import (
	"math"
	"testing"
)

func TestCrossEntropyGradients(t *testing.T) {
	rng := newRNG(8)
	x := randVar(rng, -2, 2, 2, 3, 5)
	targets := []int{0, 4, IgnoreIndex, 2, 1, IgnoreIndex}
	check(t, "CrossEntropy", func(tp *Tape) *Var { return tp.CrossEntropy(x, targets) }, x)
	w := []float32{1, 0, 1, 0.5, 1, 0}
	tg := []int{0, 9, 3, 2, 1, 9} // rows with zero weight are not read
	check(t, "CrossEntropyMasked", func(tp *Tape) *Var { return tp.CrossEntropyMasked(x, tg, w) }, x)

	// The fused loss equals the mean over unmasked rows of −log_softmax at the target.
	tp := NewTape()
	ls := tp.LogSoftmax(x).Value.Data()
	var want float64
	n := 0
	for i, tg := range targets {
		if tg != IgnoreIndex {
			want -= float64(ls[i*5+tg])
			n++
		}
	}
	want /= float64(n)
	if got := tp.CrossEntropy(x, targets).Value.Item(); math.Abs(float64(got)-want) > 1e-5 {
		t.Errorf("CrossEntropy = %v, want %v", got, want)
	}
}

func TestRegressionLossGradients(t *testing.T) {
	rng := newRNG(9)
	p := randVar(rng, -3, 3, 4, 3)
	y := randVar(rng, -3, 3, 4, 3)
	check(t, "MSE", func(tp *Tape) *Var { return tp.MSE(p, y) }, p, y)
	// Keep |p − y| away from delta, where the Huber loss changes form.
	d := p.Value.Data()
	for i, v := range y.Value.Data() {
		if e := math.Abs(float64(d[i] - v)); math.Abs(e-1) < 0.05 {
			d[i] += 0.2
		}
	}
	check(t, "Huber", func(tp *Tape) *Var { return tp.Huber(p, y, 1) }, p, y)
	if got := NewTape().Huber(NewVar(scalarT(3), false), NewVar(scalarT(0), false), 1).Value.Item(); got != 2.5 {
		t.Errorf("Huber(3, 0; 1) = %v, want 2.5", got)
	}
}
