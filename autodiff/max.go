package autodiff

// Max returns the maximum of x over axis (negative counts from the end), keeping the axis with
// size 1 when keepDims is set. The gradient flows to the first position of each maximum.
func (tp *Tape) Max(x *Var, axis int, keepDims bool) *Var {
	shape := x.Value.Shape()
	checkRank("Max", shape)
	axis = normAxis("Max", shape, axis)
	outer, n, inner := splitAxis(shape, axis)
	d := -1
	if keepDims {
		d = 1
	}
	os, rk := withDim(shape, axis, d)
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(os[:rk]...), rec)
	var arg []int
	if rec {
		arg = tp.intBuf(outer * inner)
	}
	maxForward(out.Value.Data(), arg, x.Value.Data(), outer, n, inner)
	if rec {
		r := record{op: opMax, out: out, a: x, ix: arg}
		r.i = [6]int{outer, n, inner}
		tp.push(r)
	}
	return out
}

// maxForward: x is (outer, n, inner); y[o, i] = max_j x[o, j, i] and, when arg is not nil,
// arg[o·inner+i] is the flat index in x of the first maximum.
func maxForward(y []float32, arg []int, x []float32, outer, n, inner int) {
	for o := range outer {
		for i := range inner {
			best := o * n * inner
			base := best + i
			best = base
			for j := 1; j < n; j++ {
				if k := base + j*inner; x[k] > x[best] {
					best = k
				}
			}
			y[o*inner+i] = x[best]
			if arg != nil {
				arg[o*inner+i] = best
			}
		}
	}
}

// The maximum stays here rather than on tensor.Max, which allocates its result and does not
// report where the maxima are, which the backward pass needs.

func maxBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	if dx == nil {
		return
	}
	for i, g := range r.out.Grad.Data() {
		dx[r.ix[i]] += g
	}
}
