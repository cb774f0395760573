package autodiff

import (
	"fmt"
	"slices"

	"github.com/tenet-ml/tenet/tensor"
)

// Reshape returns x with a new shape and the same elements in row-major order; the value is a
// view of x's data. One dimension may be -1, meaning whatever size makes the counts agree.
func (tp *Tape) Reshape(x *Var, shape ...int) *Var {
	var s [maxRank]int
	if len(shape) > maxRank {
		panic(fmt.Sprintf("autodiff: Reshape: %v to %v: rank above %d", x.Value.Shape(), slices.Clone(shape), maxRank))
	}
	copy(s[:], shape)
	infer, n := -1, 1
	for i, d := range shape {
		if d == -1 && infer < 0 {
			infer = i
			continue
		}
		if d < 0 {
			panic(fmt.Sprintf("autodiff: Reshape: %v to %v", x.Value.Shape(), slices.Clone(shape)))
		}
		n *= d
	}
	if infer >= 0 && n > 0 {
		s[infer] = x.Value.Len() / n
		n *= s[infer]
	}
	if n != x.Value.Len() {
		panic(fmt.Sprintf("autodiff: Reshape: %v (%d elements) to %v", x.Value.Shape(), x.Value.Len(), slices.Clone(shape)))
	}
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.view(x.Value, s[:len(shape)]...), rec)
	if rec {
		tp.push(record{op: opView, out: out, a: x})
	}
	return out
}

// Flatten returns x reshaped to (x.Dim(0), rest): one row per leading index.
func (tp *Tape) Flatten(x *Var) *Var {
	if x.Value.Rank() == 0 {
		panic("autodiff: Flatten: scalar input")
	}
	return tp.Reshape(x, x.Value.Dim(0), -1)
}

// viewBackward hands the output's gradient to the input: shared as a view when the input's
// gradient has not been started in this pass (gradShare), else added to it.
func viewBackward(tp *Tape, r *record) {
	if tp.gradShare(r.a, r.out.Grad) {
		return
	}
	if dx := tp.grad(r.a); dx != nil {
		tensor.Axpy(1, r.out.Grad.Data(), dx)
	}
}

// Detach returns a var holding x's value that requires no gradient: the stop-gradient
// operation. The value is shared, not copied.
func (tp *Tape) Detach(x *Var) *Var { return tp.newVar(x.Value, false) }
