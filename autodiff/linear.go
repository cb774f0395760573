package autodiff

import "fmt"

// Linear returns x·w + b, the affine map of a fully connected layer: x is (…, in), w is
// (in, out) and b is (out) or nil; the result is (…, out). It equals Add(MatMul(x, w), b) up to
// rounding, computed in one pass: each output row starts as b and the product adds onto it, so
// the bias costs a fill instead of a pass reading and writing the product again.
func (tp *Tape) Linear(x, w, b *Var) *Var {
	if b == nil {
		return tp.MatMul(x, w)
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
	if rec {
		// Two records on one output: the bias's gradient (the sum of the output gradient's
		// rows) and the product's.
		tp.push(record{op: opMatMul, out: out, a: x, b: w})
		tp.push(record{op: opBiasAdd, out: out, a: b})
	}
	return out
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
