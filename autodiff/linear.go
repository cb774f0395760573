package autodiff

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor"
)

// Linear returns x·w + b, the affine map of a fully connected layer: x is (…, in), w is
// (in, out) and b is (out) or nil; the result is (…, out). It equals Add(MatMul(x, w), b) up to
// rounding, computed in one pass: each output row starts as b and the product adds onto it, so
// the bias costs a fill instead of a pass reading and writing the product again.
func (tp *Tape) Linear(x, w, b *Var) *Var { return tp.linear(x, w, b, false) }

// LinearReLU returns max(x·w + b, 0), a fully connected layer and its rectifier, with Linear's
// shapes (b may be nil). It equals ReLU(Linear(x, w, b)) exactly, in one operation: the
// rectifier is applied in place to the product while it is in cache, instead of writing a
// second tensor, and the backward pass takes the mask from the output (y > 0 exactly where
// x·w + b > 0), so the pre-activation is not kept. The output's gradient is left as it was.
func (tp *Tape) LinearReLU(x, w, b *Var) *Var {
	return tp.linear(x, w, b, true)
}

// linear is Linear and, with relu, LinearReLU.
func (tp *Tape) linear(x, w, b *Var, relu bool) *Var {
	if b == nil {
		y := tp.MatMul(x, w)
		if relu {
			return tp.ReLU(y)
		}
		return y
	}
	if w.Value.Rank() != 2 || b.Value.Rank() != 1 || b.Value.Dim(0) != w.Value.Dim(1) {
		panic(fmt.Sprintf("autodiff: Linear: x %v, w %v, b %v: want w (in, out) and b (out)", x.Value.Shape(), w.Value.Shape(), b.Value.Shape()))
	}
	g := matmulGeom(x.Value.Shape(), w.Value.Shape(), false, false)
	var shape [maxRank]int
	ra := x.Value.Rank()
	copy(shape[:], x.Value.Shape()[:ra-2])
	shape[ra-2], shape[ra-1] = g.m, g.n
	rec := tp.recording(x.RequiresGrad || w.RequiresGrad || b.RequiresGrad)
	out := tp.newVar(tp.buf(shape[:ra]...), rec)
	y := out.Value.Data()
	fillRows(y, b.Value.Data())
	g.product(false, false, x.Value.Data(), w.Value.Data(), y, 1)
	if relu {
		tensor.ReLUInto(out.Value, out.Value)
	}
	switch {
	case rec && relu:
		tp.push(record{op: opLinearReLU, out: out, a: x, b: w, c: b})
	case rec:
		// Two records on one output: the bias's gradient (the sum of the output gradient's
		// rows) and the product's.
		tp.push(record{op: opMatMul, out: out, a: x, b: w})
		tp.push(record{op: opBiasAdd, out: out, a: b})
	}
	return out
}

// linearReLUBackward masks the output gradient with y > 0 into a buffer of the tape's, then
// adds the bias's and the product's gradients from it.
func linearReLUBackward(tp *Tape, r *record) {
	dz := tp.buf(r.out.Value.Shape()...)
	tensor.ReLUBackwardInto(dz, r.out.Value, r.out.Grad)
	addRepeatedGrad(tp, r.c, dz.Data(), 1)
	matmulBackwardFrom(tp, r, dz.Data())
}

// biasAddBackward adds the sum of the output gradient's rows to the bias's gradient.
func biasAddBackward(tp *Tape, r *record) {
	addRepeatedGrad(tp, r.a, r.out.Grad.Data(), 1)
}

// fillRows repeats row through y (every row of y, when len(y) is a multiple of len(row)),
// doubling a filled prefix with bulk copies, so that long rows cost a few copies rather than a
// store per element.
func fillRows(y, row []float32) {
	if len(row) == 0 {
		return
	}
	copy(y, row)
	for k := len(row); k < len(y); k *= 2 {
		copy(y[k:], y[:k])
	}
}
