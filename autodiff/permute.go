package autodiff

import (
	"fmt"
	"slices"
)

// Transpose returns x with its last two axes swapped (a copy).
func (tp *Tape) Transpose(x *Var) *Var {
	r := x.Value.Rank()
	if r < 2 {
		panic(fmt.Sprintf("autodiff: Transpose: shape %v has rank below 2", x.Value.Shape()))
	}
	var axes [maxRank]int
	for i := range r {
		axes[i] = i
	}
	axes[r-2], axes[r-1] = r-1, r-2
	return tp.Permute(x, axes[:r]...)
}

// Permute returns a copy of x whose axis i is axis axes[i] of x (numpy.transpose).
func (tp *Tape) Permute(x *Var, axes ...int) *Var {
	shape := x.Value.Shape()
	r := len(shape)
	checkRank("Permute", shape)
	var seen [maxRank]bool
	bad := len(axes) != r
	for _, a := range axes {
		if bad || a < 0 || a >= r || seen[a] {
			panic(fmt.Sprintf("autodiff: Permute: axes %v for shape %v", slices.Clone(axes), shape))
		}
		seen[a] = true
	}
	var os [maxRank]int
	for i, a := range axes {
		os[i] = shape[a]
	}
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(os[:r]...), rec)
	permuteInto(out.Value.Data(), x.Value.Data(), shape, axes, false)
	if rec {
		ix := tp.intBuf(r)
		copy(ix, axes)
		tp.push(record{op: opPermute, out: out, a: x, ix: ix})
	}
	return out
}

// permuteInto writes (or adds, with acc) src of the given shape, permuted by axes, into dst.
func permuteInto(dst, src []float32, shape []int, axes []int, acc bool) {
	r := len(shape)
	if len(dst) == 0 {
		return
	}
	var strides, ss, os [maxRank]int
	s := 1
	for i := r - 1; i >= 0; i-- {
		strides[i] = s
		s *= shape[i]
	}
	for i, a := range axes {
		ss[i] = strides[a]
		os[i] = shape[a]
	}
	inner, is := 1, 1
	if r > 0 {
		inner, is = os[r-1], ss[r-1]
	}
	var idx [maxRank]int
	off := 0
	for o := 0; o < len(dst); o += inner {
		d := dst[o : o+inner]
		k := off
		if acc {
			for j := range d {
				d[j] += src[k]
				k += is
			}
		} else {
			for j := range d {
				d[j] = src[k]
				k += is
			}
		}
		for ax := r - 2; ax >= 0; ax-- {
			idx[ax]++
			off += ss[ax]
			if idx[ax] < os[ax] {
				break
			}
			off -= idx[ax] * ss[ax]
			idx[ax] = 0
		}
	}
}

// permuteBackward: dx += dy permuted by the inverse permutation.
func permuteBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	if dx == nil {
		return
	}
	var inv [maxRank]int
	for i, a := range r.ix {
		inv[a] = i
	}
	permuteInto(dx, r.out.Grad.Data(), r.out.Value.Shape(), inv[:len(r.ix)], true)
}
