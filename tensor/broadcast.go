package tensor

import (
	"fmt"
	"slices"
	"sync"
)

// BroadcastShapes returns the shape that shapes a and b broadcast to under numpy's rules:
// the shapes are aligned at their last axes, a missing leading axis counts as size 1, and on
// every axis the sizes must be equal or one of them must be 1. It panics if the shapes do not
// broadcast.
func BroadcastShapes(a, b []int) []int {
	return broadcastShapes("BroadcastShapes", a, b)
}

func broadcastShapes(op string, a, b []int) []int {
	r := max(len(a), len(b))
	out := make([]int, r)
	for i := 1; i <= r; i++ {
		da, db := dimFromEnd(a, i), dimFromEnd(b, i)
		if da < 0 || db < 0 {
			panic(fmt.Sprintf("tensor: %s: %v and %v: negative dimension", op, a, b))
		}
		switch {
		case da == db || db == 1:
			out[r-i] = da
		case da == 1:
			out[r-i] = db
		default:
			panic(fmt.Sprintf("tensor: %s: %v and %v: shapes do not broadcast", op, a, b))
		}
	}
	return out
}

// dimFromEnd returns the size of the i-th axis from the end of shape (i ≥ 1), or 1 when shape
// has fewer than i axes.
func dimFromEnd(shape []int, i int) int {
	if i > len(shape) {
		return 1
	}
	return shape[len(shape)-i]
}

// broadcastsTo reports whether shape s stretches to shape out under the broadcasting rules,
// without allocating.
func broadcastsTo(s, out []int) bool {
	if len(s) > len(out) {
		return false
	}
	for i := 1; i <= len(s); i++ {
		d, o := s[len(s)-i], out[len(out)-i]
		if d != o && d != 1 {
			return false
		}
	}
	return true
}

// isBroadcastOf reports whether out is exactly the broadcast shape of a and b, without
// allocating.
func isBroadcastOf(out, a, b []int) bool {
	if len(out) != max(len(a), len(b)) {
		return false
	}
	for i := 1; i <= len(out); i++ {
		da, db, o := dimFromEnd(a, i), dimFromEnd(b, i), out[len(out)-i]
		switch {
		case da == db:
			if o != da {
				return false
			}
		case da == 1:
			if o != db {
				return false
			}
		case db == 1:
			if o != da {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// BroadcastTo returns a new tensor of the given shape holding t stretched along its size-1
// and missing leading axes. It panics unless t's shape broadcasts to shape.
func BroadcastTo(t *Tensor, shape ...int) *Tensor {
	numel("BroadcastTo", shape)
	if !broadcastsTo(t.shape, shape) {
		panic(fmt.Sprintf("tensor: BroadcastTo: %v cannot broadcast to %v", t.shape, shape))
	}
	out := New(shape...)
	if out.Len() == 0 {
		return out
	}
	l := newLoop(out.shape, t.shape)
	broadcastInner := l.inner[1] == 0
	l.run(func(off [3]int, n int) {
		d := out.data[off[0] : off[0]+n]
		if broadcastInner {
			v := t.data[off[1]]
			for i := range d {
				d[i] = v
			}
		} else {
			copy(d, t.data[off[1]:off[1]+n])
		}
	})
	return out
}

// ReduceTo returns t summed over the axes along which a tensor of the given shape would be
// broadcast to t's shape: the adjoint of broadcasting, used to bring a gradient back to the
// shape of a broadcast operand. For t of shape (B,T,C) and shape (C) it sums over B and T;
// for shape (B,1,C) it sums over T and keeps the axis. Sums accumulate in float64 in a fixed
// order. It panics unless shape broadcasts to t's shape.
func ReduceTo(t *Tensor, shape ...int) *Tensor {
	numel("ReduceTo", shape)
	if !broadcastsTo(shape, t.shape) {
		panic(fmt.Sprintf("tensor: ReduceTo: %v does not broadcast to %v", shape, t.shape))
	}
	return reduceToInto(New(shape...), t)
}

// ReduceToInto writes ReduceTo(t, dst.Shape()...) into dst and returns dst. dst must not share
// storage with t unless the shapes are equal.
func ReduceToInto(dst, t *Tensor) *Tensor {
	if dst == nil {
		panic("tensor: ReduceToInto: nil destination")
	}
	if !broadcastsTo(dst.shape, t.shape) {
		panic(fmt.Sprintf("tensor: ReduceToInto: %v does not broadcast to %v", dst.shape, t.shape))
	}
	return reduceToInto(dst, t)
}

// f64Pool holds float64 scratch buffers for accumulation.
var f64Pool = sync.Pool{New: func() any { return new([]float64) }}

func getF64(n int) *[]float64 {
	p := f64Pool.Get().(*[]float64)
	if cap(*p) < n {
		*p = make([]float64, n)
	}
	*p = (*p)[:n]
	clear(*p)
	return p
}

func reduceToInto(dst, t *Tensor) *Tensor {
	if slices.Equal(dst.shape, t.shape) {
		copy(dst.data, t.data)
		return dst
	}
	if len(dst.data) == 0 {
		return dst
	}
	if len(t.data) == 0 {
		clear(dst.data)
		return dst
	}
	buf := getF64(len(dst.data))
	acc := *buf
	// Operand 0 is t itself (the iteration space); operand 1 is dst with stride 0 on the summed
	// axes.
	l := newLoop(t.shape, dst.shape)
	sumInner := l.inner[1] == 0
	l.run(func(off [3]int, n int) {
		src := t.data[off[0] : off[0]+n]
		if sumInner {
			var s float64
			for _, v := range src {
				s += float64(v)
			}
			acc[off[1]] += s
		} else {
			a := acc[off[1] : off[1]+n]
			for i, v := range src {
				a[i] += float64(v)
			}
		}
	})
	for i, v := range acc {
		dst.data[i] = float32(v)
	}
	f64Pool.Put(buf)
	return dst
}

// maxLoopRank is the rank up to which a broadcast loop keeps its bookkeeping on the stack.
const maxLoopRank = 8

// loop walks an output shape and up to two further operands broadcast to it. Axes of size 1
// are dropped and adjacent axes that are contiguous in every operand are merged, so a bias add
// of (B,T,C) and (C) becomes a loop of B·T rows of C, and equal shapes become a single run.
type loop struct {
	rank    int
	nops    int
	dims    [maxLoopRank]int
	strides [3][maxLoopRank]int
	dimsX   []int    // used instead of dims when the rank exceeds maxLoopRank
	stridX  [3][]int // likewise for strides
	inner   [3]int   // stride of each operand along the innermost axis (0 or 1)
}

// newLoop prepares a walk over out, with the operands' shapes broadcast to out. Operand 0 is
// out itself, contiguous.
func newLoop(out []int, shapes ...[]int) loop {
	var l loop
	l.init(out, shapes)
	return l
}

func (l *loop) init(out []int, shapes [][]int) {
	l.nops = 1 + len(shapes)
	if len(out) > maxLoopRank {
		l.dimsX = make([]int, len(out))
		for k := range l.nops {
			l.stridX[k] = make([]int, len(out))
		}
	}
	// Walk the axes from the last, keeping each operand's running contiguous stride, and
	// collect the kept axes innermost first.
	acc := [3]int{1, 1, 1}
	r := 0
	for i := 1; i <= len(out); i++ {
		o := out[len(out)-i]
		if o == 1 {
			continue
		}
		var s [3]int
		s[0] = acc[0]
		acc[0] *= o
		for k, sh := range shapes {
			if d := dimFromEnd(sh, i); d != 1 {
				s[k+1] = acc[k+1]
				acc[k+1] *= d
			}
		}
		// Merge with the previously collected (inner) axis when contiguous in every operand.
		if r > 0 {
			merge, prev := true, *l.dim(r - 1)
			for k := range l.nops {
				if s[k] != *l.stride(k, r-1)*prev {
					merge = false
					break
				}
			}
			if merge {
				*l.dim(r - 1) *= o
				continue
			}
		}
		*l.dim(r) = o
		for k := range l.nops {
			*l.stride(k, r) = s[k]
		}
		r++
	}
	// Put the axes outermost first.
	for i, j := 0, r-1; i < j; i, j = i+1, j-1 {
		*l.dim(i), *l.dim(j) = *l.dim(j), *l.dim(i)
		for k := range l.nops {
			*l.stride(k, i), *l.stride(k, j) = *l.stride(k, j), *l.stride(k, i)
		}
	}
	l.rank = r
	if r == 0 {
		// A single element.
		l.inner = [3]int{1, 0, 0}
		return
	}
	for k := range l.nops {
		l.inner[k] = *l.stride(k, r-1)
	}
}

func (l *loop) dim(i int) *int {
	if l.dimsX != nil {
		return &l.dimsX[i]
	}
	return &l.dims[i]
}

func (l *loop) stride(k, i int) *int {
	if l.dimsX != nil {
		return &l.stridX[k][i]
	}
	return &l.strides[k][i]
}

func (l *loop) getDims() []int {
	if l.dimsX != nil {
		return l.dimsX[:l.rank]
	}
	return l.dims[:l.rank]
}

func (l *loop) getStrides(k int) []int {
	if l.dimsX != nil {
		return l.stridX[k][:l.rank]
	}
	return l.strides[k][:l.rank]
}

// run calls fn once per innermost run with the offset of each operand at its start and the run
// length; within the run operand k advances by l.inner[k] (0 or 1) per element.
func (l *loop) run(fn func(off [3]int, n int)) {
	if l.rank == 0 {
		fn([3]int{}, 1)
		return
	}
	dims := l.getDims()
	var st [3][]int
	for k := range l.nops {
		st[k] = l.getStrides(k)
	}
	n := dims[l.rank-1]
	outer := 1
	for _, d := range dims[:l.rank-1] {
		outer *= d
	}
	var idxBuf [maxLoopRank]int
	idx := idxBuf[:]
	if l.rank > maxLoopRank {
		idx = make([]int, l.rank)
	}
	var off [3]int
	for range outer {
		fn(off, n)
		for ax := l.rank - 2; ax >= 0; ax-- {
			idx[ax]++
			for k := range l.nops {
				off[k] += st[k][ax]
			}
			if idx[ax] < dims[ax] {
				break
			}
			for k := range l.nops {
				off[k] -= idx[ax] * st[k][ax]
			}
			idx[ax] = 0
		}
	}
}
