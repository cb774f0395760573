package autodiff

import (
	"testing"

	"github.com/tenet-ml/tenet/tensor"
)

// TestResetReusesStorage runs the same step twice on one tape and expects identical results
// and the same tensors handed out, then a different batch size, then the first again.
func TestResetReusesStorage(t *testing.T) {
	rng := newRNG(20)
	w := randVar(rng, -1, 1, 5, 3)
	b := randVar(rng, -1, 1, 3)
	step := func(tp *Tape, x *Var) (*tensor.Tensor, *tensor.Tensor) {
		tp.Reset()
		y := tp.Softmax(tp.Add(tp.MatMul(x, w), b))
		l := tp.MeanAll(tp.Square(y))
		w.Grad, b.Grad = nil, nil
		tp.Backward(l)
		return y.Value, w.Grad.Clone()
	}
	tp := NewTape()
	x4 := NewVar(tensor.RandNormal(rng, 0, 1, 4, 5), false)
	x2 := NewVar(tensor.RandNormal(rng, 0, 1, 2, 5), false)
	y1, g1 := step(tp, x4)
	v1 := y1.Clone()
	y2, g2 := step(tp, x4)
	if y1 != y2 {
		t.Error("second pass did not reuse the output tensor")
	}
	if !y2.Equal(v1) || !g1.Equal(g2) {
		t.Error("results differ between passes")
	}
	y3, g3 := step(tp, x2)
	if y3.Dim(0) != 2 {
		t.Fatalf("shape change: %v", y3.Shape())
	}
	ref, gref := step(NewTape(), x2)
	if !y3.Equal(ref) || !g3.Equal(gref) {
		t.Error("pass after a shape change differs from a fresh tape")
	}
	if y4, g4 := step(tp, x4); !y4.Equal(v1) || !g4.Equal(g1) {
		t.Error("pass after returning to the first shape differs")
	}
	ps := []Param{{"w", w}, {"b", b}}
	allocs := testing.AllocsPerRun(20, func() {
		tp.Reset()
		l := tp.MeanAll(tp.Square(tp.Softmax(tp.Add(tp.MatMul(x4, w), b))))
		ZeroGrad(ps)
		tp.Backward(l)
	})
	if allocs > 0 {
		t.Errorf("%v allocations per pass", allocs)
	}
}

// TestSeparateTapesConcurrently runs independent tapes on separate goroutines (for -race).
func TestSeparateTapesConcurrently(t *testing.T) {
	rng := newRNG(21)
	w := NewVar(tensor.RandNormal(rng, 0, 1, 8, 8), false)
	done := make(chan *tensor.Tensor, 4)
	for range 4 {
		go func() {
			tp := NewTape()
			x := NewVar(tensor.Ones(2, 8), true)
			var y *Var
			for range 10 {
				tp.Reset()
				x.Grad = nil
				y = tp.SumAll(tp.Tanh(tp.MatMul(x, w)))
				tp.Backward(y)
			}
			done <- x.Grad
		}()
	}
	first := <-done
	for range 3 {
		if g := <-done; !g.Equal(first) {
			t.Error("tapes on separate goroutines disagree")
		}
	}
}
