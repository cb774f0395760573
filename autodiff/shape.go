package autodiff

import (
	"fmt"
	"slices"
)

// maxRank bounds the rank of tensors in broadcasting and permuting operations.
const maxRank = 8

// normAxis resolves a possibly negative axis for a tensor of the given shape, panicking with
// the op's name when it is out of range.
func normAxis(op string, shape []int, axis int) int {
	r := len(shape)
	if axis < -r || axis >= r {
		panic(fmt.Sprintf("autodiff: %s: axis %d out of range for shape %v", op, axis, shape))
	}
	if axis < 0 {
		axis += r
	}
	return axis
}

// splitAxis returns the sizes (outer, n, inner) of a row-major shape around axis: the product
// of the dimensions before it, its own size, and the product after it.
func splitAxis(shape []int, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for _, d := range shape[:axis] {
		outer *= d
	}
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	return outer, shape[axis], inner
}

// withDim returns a copy of shape (in a fixed array, to stay off the heap) with axis set to d,
// or removed when d < 0.
func withDim(shape []int, axis, d int) (out [maxRank]int, r int) {
	for i, s := range shape {
		if i == axis {
			if d < 0 {
				continue
			}
			s = d
		}
		out[r] = s
		r++
	}
	return out, r
}

func checkRank(op string, shape []int) {
	if len(shape) > maxRank {
		panic(fmt.Sprintf("autodiff: %s: shape %v has rank above %d", op, shape, maxRank))
	}
}

// bcast describes the iteration over the output of a broadcasting binary operation, with the
// axes coalesced as far as the strides allow: dims[i] is the size of axis i, sa[i] and sb[i]
// the element strides of the two operands along it (zero where an operand is broadcast).
type bcast struct {
	n      int
	dims   [maxRank]int
	sa, sb [maxRank]int
}

// newBcast checks that shapes a and b broadcast together (numpy rules) and returns the output
// shape and the iteration plan.
func newBcast(op string, a, b []int) (bc bcast, out [maxRank]int, r int) {
	checkRank(op, a)
	checkRank(op, b)
	r = max(len(a), len(b))
	var da, db [maxRank]int
	for i := range r {
		da[i], db[i] = 1, 1
		if j := i - (r - len(a)); j >= 0 {
			da[i] = a[j]
		}
		if j := i - (r - len(b)); j >= 0 {
			db[i] = b[j]
		}
		switch {
		case da[i] == db[i] || db[i] == 1:
			out[i] = da[i]
		case da[i] == 1:
			out[i] = db[i]
		default:
			panic(fmt.Sprintf("autodiff: %s: shapes %v and %v do not broadcast", op, a, b))
		}
	}
	// Row-major strides of each operand, zero along broadcast axes.
	var sa, sb [maxRank]int
	accA, accB := 1, 1
	for i := r - 1; i >= 0; i-- {
		if da[i] != 1 {
			sa[i] = accA
		}
		if db[i] != 1 {
			sb[i] = accB
		}
		accA *= da[i]
		accB *= db[i]
	}
	// Coalesce: drop unit axes and merge an axis into the previous when both operands are
	// contiguous across the boundary.
	for i := range r {
		d := out[i]
		if d == 1 {
			continue
		}
		if bc.n > 0 {
			p := bc.n - 1
			if bc.sa[p] == sa[i]*d && bc.sb[p] == sb[i]*d {
				bc.dims[p] *= d
				bc.sa[p], bc.sb[p] = sa[i], sb[i]
				continue
			}
		}
		bc.dims[bc.n], bc.sa[bc.n], bc.sb[bc.n] = d, sa[i], sb[i]
		bc.n++
	}
	return bc, out, r
}

// each calls fn for every innermost run of the iteration: the run starts at output offset o and
// operand offsets ia, ib, has length n, and steps sa and sb through the operands.
func (bc *bcast) each(fn func(o, ia, ib, n, sa, sb int)) {
	if bc.n == 0 {
		fn(0, 0, 0, 1, 0, 0)
		return
	}
	last := bc.n - 1
	n, sa, sb := bc.dims[last], bc.sa[last], bc.sb[last]
	var idx [maxRank]int
	o, ia, ib := 0, 0, 0
	for {
		fn(o, ia, ib, n, sa, sb)
		o += n
		ax := last - 1
		for ; ax >= 0; ax-- {
			idx[ax]++
			ia += bc.sa[ax]
			ib += bc.sb[ax]
			if idx[ax] < bc.dims[ax] {
				break
			}
			ia -= idx[ax] * bc.sa[ax]
			ib -= idx[ax] * bc.sb[ax]
			idx[ax] = 0
		}
		if ax < 0 {
			return
		}
	}
}

// sameShape panics unless the two shapes are equal.
func sameShape(op string, a, b []int) {
	if !slices.Equal(a, b) {
		panic(fmt.Sprintf("autodiff: %s: shapes %v and %v differ", op, a, b))
	}
}
