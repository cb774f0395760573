package autodiff

import "fmt"

// TakeAlong gathers entries of x along axis, as numpy.take_along_axis and torch.gather: the
// result has x's shape except along axis, where it has k = len(index)/(outer·inner) entries
// (outer and inner being the products of x's dimensions before and after axis), and
//
//	out[o, j, i] = x[o, index[(o·k + j)·inner + i], i].
//
// For example x of shape (B, A) with axis 1 and one index per row picks Q(s, a) as (B, 1).
// The backward pass scatter-adds. The tape keeps index until Backward: the caller must not
// modify it before then.
func (tp *Tape) TakeAlong(x *Var, axis int, index []int) *Var {
	shape := x.Value.Shape()
	checkRank("TakeAlong", shape)
	axis = normAxis("TakeAlong", shape, axis)
	outer, n, inner := splitAxis(shape, axis)
	if outer*inner == 0 || len(index)%(outer*inner) != 0 {
		panic(fmt.Sprintf("autodiff: TakeAlong: %d indices for axis %d of shape %v", len(index), axis, shape))
	}
	k := len(index) / (outer * inner)
	os, r := withDim(shape, axis, k)
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(os[:r]...), rec)
	y, xs := out.Value.Data(), x.Value.Data()
	for o := range outer {
		for j := range k {
			for i := range inner {
				p := (o*k+j)*inner + i
				id := index[p]
				if id < 0 || id >= n {
					panic(fmt.Sprintf("autodiff: TakeAlong: index %d out of range for axis %d of shape %v", id, axis, shape))
				}
				y[p] = xs[(o*n+id)*inner+i]
			}
		}
	}
	if rec {
		rr := record{op: opTakeAlong, out: out, a: x, ix: index}
		rr.i = [6]int{outer, n, inner, k}
		tp.push(rr)
	}
	return out
}

// TakeAlong stays here rather than on tensor.TakeAlong/TakeAlongBackward: those take exactly one
// index per position and drop the axis (this takes k and keeps it), and they allocate the
// result shape on every call.

func takeAlongBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	if dx == nil {
		return
	}
	outer, n, inner, k := r.i[0], r.i[1], r.i[2], r.i[3]
	dy := r.out.Grad.Data()
	for o := range outer {
		for j := range k {
			for i := range inner {
				p := (o*k+j)*inner + i
				dx[(o*n+r.ix[p])*inner+i] += dy[p]
			}
		}
	}
}
