package autodiff

import "github.com/tenet-ml/tenet/tensor"

// Sum returns the sum of x over axis (negative counts from the end). With keepDims the axis is
// kept with size 1; otherwise it is removed. Sums are accumulated in float64.
func (tp *Tape) Sum(x *Var, axis int, keepDims bool) *Var {
	return tp.sumAxis("Sum", x, axis, keepDims, 1)
}

// Mean returns the mean of x over axis; see Sum.
func (tp *Tape) Mean(x *Var, axis int, keepDims bool) *Var {
	ax := normAxis("Mean", x.Value.Shape(), axis)
	return tp.sumAxis("Mean", x, ax, keepDims, 1/float32(max(x.Value.Dim(ax), 1)))
}

// SumAll returns the sum of every element of x as a scalar (rank 0).
func (tp *Tape) SumAll(x *Var) *Var { return tp.sumAll(x, 1) }

// MeanAll returns the mean of every element of x as a scalar (rank 0).
func (tp *Tape) MeanAll(x *Var) *Var { return tp.sumAll(x, 1/float32(max(x.Value.Len(), 1))) }

func (tp *Tape) sumAll(x *Var, scale float32) *Var {
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(), rec)
	out.Value.Data()[0] = tensor.SumAll(x.Value) * scale
	if rec {
		r := record{op: opSum, out: out, a: x}
		r.i = [6]int{1, x.Value.Len(), 1}
		r.f[0] = scale
		tp.push(r)
	}
	return out
}

func (tp *Tape) sumAxis(op string, x *Var, axis int, keepDims bool, scale float32) *Var {
	shape := x.Value.Shape()
	checkRank(op, shape)
	axis = normAxis(op, shape, axis)
	outer, n, inner := splitAxis(shape, axis)
	d := -1
	if keepDims {
		d = 1
	}
	os, r := withDim(shape, axis, d)
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(os[:r]...), rec)
	// Sum into a view of the output that keeps the axis, so that it broadcasts to x's shape.
	ks, kr := withDim(shape, axis, 1)
	tensor.ReduceToInto(tp.view(out.Value, ks[:kr]...), x.Value)
	if scale != 1 {
		tensor.MulScalarInto(out.Value, out.Value, scale)
	}
	if rec {
		rr := record{op: opSum, out: out, a: x}
		rr.i = [6]int{outer, n, inner}
		rr.f[0] = scale
		tp.push(rr)
	}
	return out
}

// sumBackward: dx[o, j, i] += scale·dy[o, i].
func sumBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	if dx == nil {
		return
	}
	outer, n, inner, scale := r.i[0], r.i[1], r.i[2], r.f[0]
	dy := r.out.Grad.Data()
	for o := range outer {
		g := dy[o*inner : (o+1)*inner]
		for j := range n {
			d := dx[(o*n+j)*inner : (o*n+j+1)*inner]
			for i, v := range g {
				d[i] += scale * v
			}
		}
	}
}
