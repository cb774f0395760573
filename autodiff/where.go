package autodiff

import (
	"github.com/tenet-ml/tenet/tensor"
)

// Where returns, element by element, a where mask is non-zero and b elsewhere. mask, a and b
// must have the same shape; mask is a constant (the tape keeps it until Backward). Masking a
// tensor is Where with a constant for b, e.g. −∞ logits outside the allowed actions.
func (tp *Tape) Where(mask *tensor.Tensor, a, b *Var) *Var {
	sameShape("Where", mask.Shape(), a.Value.Shape())
	sameShape("Where", a.Value.Shape(), b.Value.Shape())
	rec := tp.recording(a.RequiresGrad || b.RequiresGrad)
	out := tp.newVar(tp.buf(a.Value.Shape()...), rec)
	y, m, av, bv := out.Value.Data(), mask.Data(), a.Value.Data(), b.Value.Data()
	for i, c := range m {
		if c != 0 {
			y[i] = av[i]
		} else {
			y[i] = bv[i]
		}
	}
	if rec {
		tp.push(record{op: opWhere, out: out, a: a, b: b, t0: mask})
	}
	return out
}

func whereBackward(tp *Tape, r *record) {
	da, db := tp.grad(r.a), tp.grad(r.b)
	m := r.t0.Data()
	for i, g := range r.out.Grad.Data() {
		if m[i] != 0 {
			if da != nil {
				da[i] += g
			}
		} else if db != nil {
			db[i] += g
		}
	}
}
