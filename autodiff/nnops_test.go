package autodiff

import (
	"math/rand/v2"
	"testing"

	"github.com/tenet-ml/tenet/tensor"
)

func scalarT(v float32) *tensor.Tensor { return tensor.Scalar(v) }

func tensorFrom(d []float32, shape ...int) *tensor.Tensor { return tensor.FromSlice(d, shape...) }

func TestEmbeddingGradients(t *testing.T) {
	w := randVar(newRNG(10), -1, 1, 5, 3)
	ids := []int{1, 4, 1, 0} // id 1 twice
	check(t, "Embedding", func(tp *Tape) *Var { return tp.Embedding(w, ids) }, w)
}

func TestLayerNormGradients(t *testing.T) {
	rng := newRNG(11)
	x := randVar(rng, -2, 2, 2, 3, 6)
	g := randVar(rng, 0.5, 1.5, 6)
	b := randVar(rng, -1, 1, 6)
	check(t, "LayerNorm", func(tp *Tape) *Var { return tp.LayerNorm(x, g, b, 1e-5) }, x, g, b)
	check(t, "LayerNorm without bias", func(tp *Tape) *Var { return tp.LayerNorm(x, g, nil, 1e-5) }, x, g)
}

func TestDropoutGradients(t *testing.T) {
	x := randVar(newRNG(12), -1, 1, 4, 5)
	check(t, "Dropout", func(tp *Tape) *Var {
		return tp.Dropout(x, 0.3, rand.New(rand.NewPCG(1, 2)))
	}, x)
	y := NewTape().Dropout(NewVar(tensor.Ones(10000), false), 0.25, rand.New(rand.NewPCG(3, 4))).Value
	var s, zeros float64
	for _, v := range y.Data() {
		s += float64(v)
		if v == 0 {
			zeros++
		}
	}
	if m := s / 10000; m < 0.97 || m > 1.03 || zeros < 2300 || zeros > 2700 {
		t.Errorf("dropout mean %v, zeros %v", m, zeros)
	}
}

func TestShapeOpGradients(t *testing.T) {
	rng := newRNG(13)
	x := randVar(rng, -1, 1, 2, 3, 4)
	y := randVar(rng, -1, 1, 2, 2, 4)
	check(t, "Reshape", func(tp *Tape) *Var { return tp.Mul(tp.Reshape(x, 6, -1), tp.Reshape(x, 6, 4)) }, x)
	check(t, "Flatten", func(tp *Tape) *Var { return tp.Flatten(x) }, x)
	check(t, "Transpose", func(tp *Tape) *Var { return tp.Transpose(x) }, x)
	check(t, "Permute", func(tp *Tape) *Var { return tp.Permute(x, 2, 0, 1) }, x)
	check(t, "Concat", func(tp *Tape) *Var { return tp.Concat(1, x, y, x) }, x, y)
	check(t, "Concat last", func(tp *Tape) *Var { return tp.Concat(-1, x, x) }, x)
	check(t, "Split", func(tp *Tape) *Var {
		p := tp.Split(x, 2, 1, 3)
		return tp.Mul(tp.Sum(p[1], 2, true), p[0])
	}, x)
	check(t, "Narrow", func(tp *Tape) *Var { return tp.Narrow(x, 1, 1, 2) }, x)
	check(t, "Pad", func(tp *Tape) *Var { return tp.Pad(x, 1, 2, 1, -3) }, x)
	// Detach really stops the gradient: d/dx [x·stop(x)] = stop(x).
	tp := NewTape()
	x.Grad = nil
	tp.Backward(tp.SumAll(tp.Mul(x, tp.Detach(x))))
	if !x.Grad.AllClose(x.Value, 0, 0) {
		t.Errorf("Detach leaked a gradient")
	}
}

func TestConvPoolGradients(t *testing.T) {
	rng := newRNG(14)
	x := randVar(rng, -1, 1, 2, 3, 5, 6)
	w := randVar(rng, -1, 1, 4, 3, 3, 3)
	b := randVar(rng, -1, 1, 4)
	for _, sp := range [][2]int{{1, 0}, {1, 1}, {2, 1}, {1, 4}, {3, 2}} {
		check(t, "Conv2D", func(tp *Tape) *Var { return tp.Conv2D(x, w, b, sp[0], sp[1]) }, x, w, b)
	}
	check(t, "Conv2D no bias", func(tp *Tape) *Var { return tp.Conv2D(x, w, nil, 2, 0) }, x, w)
	// Distinct values, well apart, so that finite differences never swap a window's maximum.
	perm := rng.Perm(x.Value.Len())
	px := NewVar(tensor.New(2, 3, 5, 6), true)
	for i, p := range perm {
		px.Value.Data()[i] = float32(p) * 0.05
	}
	x = px
	check(t, "MaxPool2D", func(tp *Tape) *Var { return tp.MaxPool2D(x, 2, 2) }, x)
	check(t, "MaxPool2D overlapping", func(tp *Tape) *Var { return tp.MaxPool2D(x, 3, 1) }, x)

	// Against a direct loop.
	y := NewTape().Conv2D(x, w, b, 2, 1).Value
	xs, ws := x.Value, w.Value
	for n := range 2 {
		for o := range 4 {
			for i := range y.Dim(2) {
				for j := range y.Dim(3) {
					s := b.Value.At(o)
					for c := range 3 {
						for a := range 3 {
							for e := range 3 {
								ih, iw := i*2-1+a, j*2-1+e
								if ih >= 0 && ih < 5 && iw >= 0 && iw < 6 {
									s += xs.At(n, c, ih, iw) * ws.At(o, c, a, e)
								}
							}
						}
					}
					if d := s - y.At(n, o, i, j); d > 1e-5 || d < -1e-5 {
						t.Fatalf("conv (%d,%d,%d,%d) = %v, want %v", n, o, i, j, y.At(n, o, i, j), s)
					}
				}
			}
		}
	}
}

func TestGatherWhereNormGradients(t *testing.T) {
	rng := newRNG(15)
	q := randVar(rng, -1, 1, 4, 3)
	check(t, "TakeAlong Q(s,a)", func(tp *Tape) *Var { return tp.TakeAlong(q, 1, []int{2, 0, 0, 1}) }, q)
	z := randVar(rng, 0.5, 1.5, 2, 3, 4)
	for i := range z.Value.Data() {
		if rng.IntN(2) == 0 {
			z.Value.Data()[i] *= -1
		}
	}
	idx := []int{0, 2, 2, 1, 1, 1, 0, 0} // (2, k=1, 4) along axis 1
	check(t, "TakeAlong middle", func(tp *Tape) *Var { return tp.TakeAlong(z, 1, idx) }, z)
	a, b := randVar(rng, -1, 1, 3, 4), randVar(rng, -1, 1, 3, 4)
	mask := tensor.RandUniform(rng, 0, 1, 3, 4)
	for i, v := range mask.Data() {
		if v < 0.5 {
			mask.Data()[i] = 0
		}
	}
	check(t, "Where", func(tp *Tape) *Var { return tp.Where(mask, a, b) }, a, b)
	check(t, "Where same", func(tp *Tape) *Var { return tp.Where(mask, a, a) }, a)
	for axis := range 3 {
		check(t, "L2Normalize", func(tp *Tape) *Var { return tp.L2Normalize(z, axis, 1e-6) }, z)
	}
	small := NewVar(tensor.Full(1e-4, 2, 3), true)
	check(t, "L2Normalize clamped", func(tp *Tape) *Var { return tp.L2Normalize(small, 1, 0.1) }, small)
}
