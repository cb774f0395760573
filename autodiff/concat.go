package autodiff

import (
	"fmt"
	"slices"
)

// Concat, Split, Narrow and Pad copy into tape storage rather than calling tensor.Concat, Split,
// Narrow and Pad, which allocate their results.

// Concat joins xs along axis; every operand must have the same shape except along axis.
func (tp *Tape) Concat(axis int, xs ...*Var) *Var {
	if len(xs) == 0 {
		panic("autodiff: Concat: no operands")
	}
	first := xs[0].Value.Shape()
	checkRank("Concat", first)
	axis = normAxis("Concat", first, axis)
	total := 0
	need := false
	for _, x := range xs {
		s := x.Value.Shape()
		if len(s) != len(first) {
			panic(fmt.Sprintf("autodiff: Concat: shapes %v and %v along axis %d", first, s, axis))
		}
		for i, d := range s {
			if i != axis && d != first[i] {
				panic(fmt.Sprintf("autodiff: Concat: shapes %v and %v along axis %d", first, s, axis))
			}
		}
		total += s[axis]
		need = need || x.RequiresGrad
	}
	os, r := withDim(first, axis, total)
	rec := tp.recording(need)
	out := tp.newVar(tp.buf(os[:r]...), rec)
	outer, _, inner := splitAxis(os[:r], axis)
	y := out.Value.Data()
	off := 0
	for _, x := range xs {
		w := x.Value.Dim(axis) * inner
		xs := x.Value.Data()
		for o := range outer {
			copy(y[o*total*inner+off:o*total*inner+off+w], xs[o*w:(o+1)*w])
		}
		off += w
	}
	if rec {
		r := record{op: opConcat, out: out, vs: tp.varList(xs)}
		r.i = [6]int{axis, outer, inner, total}
		tp.push(r)
	}
	return out
}

func concatBackward(tp *Tape, r *record) {
	axis, outer, inner, total := r.i[0], r.i[1], r.i[2], r.i[3]
	dy := r.out.Grad.Data()
	off := 0
	for _, x := range r.vs {
		w := x.Value.Dim(axis) * inner
		if dx := tp.grad(x); dx != nil {
			for o := range outer {
				g := dy[o*total*inner+off : o*total*inner+off+w]
				d := dx[o*w : (o+1)*w]
				for j, v := range g {
					d[j] += v
				}
			}
		}
		off += w
	}
}

// Split cuts x along axis into pieces of the given sizes, which must add up to the axis
// length. On a non-nil tape the returned slice is tape storage, valid until Reset.
func (tp *Tape) Split(x *Var, axis int, sizes ...int) []*Var {
	axis = normAxis("Split", x.Value.Shape(), axis)
	sum := 0
	for _, s := range sizes {
		sum += s
	}
	if sum != x.Value.Dim(axis) {
		panic(fmt.Sprintf("autodiff: Split: sizes %v for axis %d of shape %v", slices.Clone(sizes), axis, x.Value.Shape()))
	}
	var parts []*Var
	if tp == nil {
		parts = make([]*Var, len(sizes))
	} else {
		parts = tp.varSlots(len(sizes))
	}
	start := 0
	for i, s := range sizes {
		parts[i] = tp.Narrow(x, axis, start, s)
		start += s
	}
	return parts
}

// varSlots returns n var-pointer slots of tape storage.
func (tp *Tape) varSlots(n int) []*Var {
	if tp.nvl+n > len(tp.vlist) {
		tp.vlist = make([]*Var, max(2*len(tp.vlist), n, 64))
		tp.nvl = 0
	}
	s := tp.vlist[tp.nvl : tp.nvl+n : tp.nvl+n]
	tp.nvl += n
	return s
}

// Narrow returns the entries [start, start+length) of x along axis (a copy).
func (tp *Tape) Narrow(x *Var, axis, start, length int) *Var {
	shape := x.Value.Shape()
	checkRank("Narrow", shape)
	axis = normAxis("Narrow", shape, axis)
	if start < 0 || length < 0 || start+length > shape[axis] {
		panic(fmt.Sprintf("autodiff: Narrow: [%d:%d] of axis %d of shape %v", start, start+length, axis, shape))
	}
	outer, n, inner := splitAxis(shape, axis)
	os, r := withDim(shape, axis, length)
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(os[:r]...), rec)
	y, xs := out.Value.Data(), x.Value.Data()
	w := length * inner
	for o := range outer {
		copy(y[o*w:(o+1)*w], xs[(o*n+start)*inner:(o*n+start)*inner+w])
	}
	if rec {
		rr := record{op: opNarrow, out: out, a: x}
		rr.i = [6]int{outer, n, inner, start}
		tp.push(rr)
	}
	return out
}

func narrowBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	if dx == nil {
		return
	}
	outer, n, inner, start := r.i[0], r.i[1], r.i[2], r.i[3]
	dy := r.out.Grad.Data()
	w := len(dy) / max(outer, 1)
	for o := range outer {
		g := dy[o*w : (o+1)*w]
		d := dx[(o*n+start)*inner : (o*n+start)*inner+w]
		for j, v := range g {
			d[j] += v
		}
	}
}

// Pad returns x extended along axis by before entries in front and after entries behind, all
// equal to value.
func (tp *Tape) Pad(x *Var, axis, before, after int, value float32) *Var {
	shape := x.Value.Shape()
	checkRank("Pad", shape)
	axis = normAxis("Pad", shape, axis)
	if before < 0 || after < 0 {
		panic(fmt.Sprintf("autodiff: Pad: before %d, after %d for shape %v", before, after, shape))
	}
	outer, n, inner := splitAxis(shape, axis)
	m := n + before + after
	os, r := withDim(shape, axis, m)
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(os[:r]...), rec)
	y, xs := out.Value.Data(), x.Value.Data()
	for o := range outer {
		row := y[o*m*inner : (o+1)*m*inner]
		for j := range row[:before*inner] {
			row[j] = value
		}
		copy(row[before*inner:(before+n)*inner], xs[o*n*inner:(o+1)*n*inner])
		for j := (before + n) * inner; j < len(row); j++ {
			row[j] = value
		}
	}
	if rec {
		rr := record{op: opPad, out: out, a: x}
		rr.i = [6]int{outer, n, inner, before, m}
		tp.push(rr)
	}
	return out
}

func padBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	if dx == nil {
		return
	}
	outer, n, inner, before := r.i[0], r.i[1], r.i[2], r.i[3]
	m := r.i[4]
	dy := r.out.Grad.Data()
	for o := range outer {
		g := dy[(o*m+before)*inner : (o*m+before+n)*inner]
		d := dx[o*n*inner : (o+1)*n*inner]
		for j, v := range g {
			d[j] += v
		}
	}
}
