package autodiff

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
	var acc float64
	for _, v := range x.Value.Data() {
		acc += float64(v)
	}
	out.Value.Data()[0] = float32(acc * float64(scale))
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
	sumForward(out.Value.Data(), x.Value.Data(), outer, n, inner, scale)
	if rec {
		rr := record{op: opSum, out: out, a: x}
		rr.i = [6]int{outer, n, inner}
		rr.f[0] = scale
		tp.push(rr)
	}
	return out
}

// sumForward: x is (outer, n, inner), y is (outer, inner); y = scale·Σ_j x[:, j, :].
func sumForward(y, x []float32, outer, n, inner int, scale float32) {
	if inner == 1 {
		for o := range outer {
			var acc float64
			for _, v := range x[o*n : (o+1)*n] {
				acc += float64(v)
			}
			y[o] = float32(acc * float64(scale))
		}
		return
	}
	for o := range outer {
		yo := y[o*inner : (o+1)*inner]
		clear(yo)
		for j := range n {
			xs := x[(o*n+j)*inner : (o*n+j+1)*inner]
			for i, v := range xs {
				yo[i] += v
			}
		}
		if scale != 1 {
			for i := range yo {
				yo[i] *= scale
			}
		}
	}
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
