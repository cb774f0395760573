package autodiff

import (
	"fmt"
	"math/rand/v2"
)

// Dropout zeroes each element of x with probability p, drawn from rng, and scales the others
// by 1/(1−p) (inverted dropout), so that the expectation is unchanged. With p = 0 it returns x
// itself. The layer in autodiff/nn applies it only while training.
func (tp *Tape) Dropout(x *Var, p float32, rng *rand.Rand) *Var {
	if p < 0 || p >= 1 {
		panic(fmt.Sprintf("autodiff: Dropout: probability %v outside [0, 1)", p))
	}
	if p == 0 {
		return x
	}
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(x.Value.Shape()...), rec)
	mask := tp.buf(x.Value.Shape()...)
	scale := 1 / (1 - p)
	m, xs, y := mask.Data(), x.Value.Data(), out.Value.Data()
	for i, v := range xs {
		if rng.Float32() < p {
			m[i] = 0
		} else {
			m[i] = scale
		}
		y[i] = v * m[i]
	}
	if rec {
		tp.push(record{op: opDropout, out: out, a: x, t0: mask})
	}
	return out
}

func dropoutBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	if dx == nil {
		return
	}
	m := r.t0.Data()
	for i, g := range r.out.Grad.Data() {
		dx[i] += g * m[i]
	}
}
