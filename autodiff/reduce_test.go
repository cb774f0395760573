package autodiff

import "testing"

func TestReduceGradients(t *testing.T) {
	rng := newRNG(6)
	x := randVar(rng, -1, 1, 2, 3, 4)
	for axis := -1; axis < 3; axis++ {
		for _, keep := range []bool{false, true} {
			check(t, "Sum", func(tp *Tape) *Var { return tp.Sum(x, axis, keep) }, x)
			check(t, "Mean", func(tp *Tape) *Var { return tp.Mean(x, axis, keep) }, x)
			check(t, "Max", func(tp *Tape) *Var { return tp.Max(x, axis, keep) }, x)
		}
	}
	check(t, "SumAll", func(tp *Tape) *Var { return tp.SumAll(x) }, x)
	check(t, "MeanAll", func(tp *Tape) *Var { return tp.MeanAll(x) }, x)
	if got := NewTape().Sum(x, 1, true).Value.Shape(); len(got) != 3 || got[1] != 1 {
		t.Errorf("Sum keepDims shape %v", got)
	}
}

func TestSoftmaxGradients(t *testing.T) {
	rng := newRNG(7)
	x := randVar(rng, -2, 2, 3, 5)
	check(t, "Softmax", func(tp *Tape) *Var { return tp.Softmax(x) }, x)
	check(t, "LogSoftmax", func(tp *Tape) *Var { return tp.LogSoftmax(x) }, x)
	y := NewTape().Softmax(x).Value
	for r := range 3 {
		var s float32
		for c := range 5 {
			s += y.At(r, c)
		}
		if s < 0.9999 || s > 1.0001 {
			t.Errorf("softmax row %d sums to %v", r, s)
		}
	}
}
