package autodiff

import (
	"slices"
	"testing"

	"github.com/tenet-ml/tenet/tensor"
)

// TestClearGradMatchesZeroGrad runs graphs whose leaves receive their first contribution from
// the operations that assign a fresh gradient (products, broadcast additions, unary functions)
// and from those that accumulate, with leaves used once and twice. After ClearGrad the backward
// pass must give exactly the gradients it gives after ZeroGrad, reuse the dropped storage even
// though it holds stale values, and leave unreached parameters nil.
func TestClearGradMatchesZeroGrad(t *testing.T) {
	rng := newRNG(41)
	x := randVar(rng, -1, 1, 6, 4)
	w := randVar(rng, -1, 1, 4, 5)
	b := randVar(rng, -1, 1, 5)
	v := randVar(rng, -1, 1, 5, 3)
	unused := randVar(rng, -1, 1, 3)
	filt := randVar(rng, -1, 1, 2, 1, 3, 3)
	img := randVar(rng, -1, 1, 2, 1, 5, 5)
	params := []Param{{"x", x}, {"w", w}, {"b", b}, {"v", v}, {"unused", unused}, {"filt", filt}, {"img", img}}
	for _, c := range []struct {
		name string
		f    func(tp *Tape) *Var
	}{
		{"linear", func(tp *Tape) *Var { return tp.MatMul(tp.Tanh(tp.Add(tp.MatMul(x, w), b)), v) }},
		{"weight used twice", func(tp *Tape) *Var {
			h := tp.MatMul(x, w)
			return tp.Add(tp.MatMulT(h, w, false, true), tp.Tanh(x))
		}},
		{"bias used twice", func(tp *Tape) *Var { return tp.Mul(tp.Add(tp.MatMul(x, w), b), tp.Exp(b)) }},
		{"unary on a leaf", func(tp *Tape) *Var { return tp.Add(tp.ReLU(x), tp.GELU(x)) }},
		{"conv", func(tp *Tape) *Var { return tp.Tanh(tp.Conv2D(img, filt, nil, 1, 1)) }},
	} {
		run := func(clearGrads bool) map[string][]float32 {
			tp := NewTape()
			for _, p := range params {
				p.Grad = tensor.Full(7, p.Value.Shape()...) // stale values from an earlier step
			}
			if clearGrads {
				ClearGrad(params)
			} else {
				ZeroGrad(params)
			}
			tp.Backward(tp.SumAll(c.f(tp)))
			out := map[string][]float32{}
			for _, p := range params {
				if p.Grad != nil {
					out[p.Name] = slices.Clone(p.Grad.Data())
				}
			}
			return out
		}
		zeroed, cleared := run(false), run(true)
		for _, p := range params {
			z, zok := zeroed[p.Name]
			g, gok := cleared[p.Name]
			if !gok {
				if slices.ContainsFunc(z, func(f float32) bool { return f != 0 }) {
					t.Errorf("%s: %s: nil gradient after ClearGrad, but ZeroGrad gives %v", c.name, p.Name, z)
				}
				continue
			}
			if !zok || !slices.Equal(z, g) {
				t.Errorf("%s: %s: gradient after ClearGrad\n%v\nafter ZeroGrad\n%v", c.name, p.Name, g, z)
			}
		}
		if _, ok := cleared["unused"]; ok {
			t.Errorf("%s: an unreached parameter got a gradient after ClearGrad", c.name)
		}
	}
}

// TestClearGradReusesStorage checks that the storage ClearGrad sets aside is the one the next
// backward pass writes, and that a leaf whose value changed shape gets new storage.
func TestClearGradReusesStorage(t *testing.T) {
	rng := newRNG(43)
	x := randVar(rng, -1, 1, 3, 4)
	w := randVar(rng, -1, 1, 4, 2)
	params := []Param{{"w", w}}
	tp := NewTape()
	tp.Backward(tp.SumAll(tp.MatMul(x, w)))
	kept := w.Grad
	ClearGrad(params)
	if w.Grad != nil {
		t.Fatal("ClearGrad left a gradient")
	}
	tp.Reset()
	tp.Backward(tp.SumAll(tp.MatMul(x, w)))
	if w.Grad != kept {
		t.Error("the backward pass after ClearGrad did not reuse the kept storage")
	}
	ClearGrad(params)
	w.Value = tensor.RandNormal(rng, 0, 1, 4, 3)
	tp.Reset()
	tp.Backward(tp.SumAll(tp.MatMul(x, w)))
	if w.Grad == kept || !w.Grad.SameShape(w.Value) {
		t.Errorf("after a change of shape the gradient is %v (kept storage reused: %v)", w.Grad.Shape(), w.Grad == kept)
	}
}
