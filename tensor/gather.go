package tensor

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// Gather returns the rows of table picked by ids: table is (V,D), the result is (len(ids),D)
// with row i equal to table row ids[i]. It is the embedding lookup; ScatterAdd is its
// adjoint. It panics if table is not rank 2 or an id is outside [0, V).
func Gather(table *Tensor, ids []int) *Tensor {
	if table.Rank() != 2 {
		panic(fmt.Sprintf("tensor: Gather: table %v is not rank 2", table.shape))
	}
	return GatherInto(New(len(ids), table.shape[1]), table, ids)
}

// GatherInto writes Gather(table, ids) into dst, which must be (len(ids),D), and returns dst.
func GatherInto(dst, table *Tensor, ids []int) *Tensor {
	mustDst("GatherInto", dst)
	if table.Rank() != 2 || dst.Rank() != 2 || dst.shape[0] != len(ids) || dst.shape[1] != table.shape[1] {
		panic(fmt.Sprintf("tensor: GatherInto: destination %v for table %v and %d ids", dst.shape, table.shape, len(ids)))
	}
	v, d := table.shape[0], table.shape[1]
	for i, id := range ids {
		if id < 0 || id >= v {
			panic(fmt.Sprintf("tensor: Gather: id %d at position %d out of range for table %v", id, i, table.shape))
		}
		copy(dst.data[i*d:(i+1)*d], table.data[id*d:(id+1)*d])
	}
	return dst
}

// ScatterAdd adds row i of src to row ids[i] of dst for every i, in order: dst is (V,D) and src
// is (len(ids),D). Repeated ids accumulate. It is the backward pass of Gather (the embedding
// gradient). It panics on mismatched shapes or an id outside [0, V).
func ScatterAdd(dst *Tensor, ids []int, src *Tensor) {
	if dst.Rank() != 2 || src.Rank() != 2 || src.shape[0] != len(ids) || src.shape[1] != dst.shape[1] {
		panic(fmt.Sprintf("tensor: ScatterAdd: destination %v, source %v and %d ids", dst.shape, src.shape, len(ids)))
	}
	v, d := dst.shape[0], dst.shape[1]
	for i, id := range ids {
		if id < 0 || id >= v {
			panic(fmt.Sprintf("tensor: ScatterAdd: id %d at position %d out of range for destination %v", id, i, dst.shape))
		}
	}
	for i, id := range ids {
		kernel.Axpy(1, src.data[i*d:(i+1)*d], dst.data[id*d:(id+1)*d])
	}
}

// takeShape splits x around axis and checks index; it returns outer, n, inner and the result
// shape (x's shape without the axis).
func takeShape(op string, x *Tensor, axis int, index []int) (outer, n, inner int, shape []int) {
	ax := x.axis(op, axis)
	outer, n, inner = 1, x.shape[ax], 1
	for _, d := range x.shape[:ax] {
		outer *= d
	}
	for _, d := range x.shape[ax+1:] {
		inner *= d
	}
	if len(index) != outer*inner {
		panic(fmt.Sprintf("tensor: %s: %d indices for shape %v along axis %d (want %d)", op, len(index), x.shape, axis, outer*inner))
	}
	for j, k := range index {
		if k < 0 || k >= n {
			panic(fmt.Sprintf("tensor: %s: index %d at position %d out of range for axis %d of %v", op, k, j, axis, x.shape))
		}
	}
	shape = make([]int, 0, len(x.shape)-1)
	shape = append(shape, x.shape[:ax]...)
	shape = append(shape, x.shape[ax+1:]...)
	return outer, n, inner, shape
}

// TakeAlong picks one element along axis for every position of the other axes: the result has
// x's shape without that axis, and its element at position j (row-major) is x with index[j] at
// the axis and j's coordinates elsewhere. For Q-values q of shape (B,A) and chosen actions a,
// TakeAlong(q, 1, a) is the (B) vector q[b, a[b]]. It panics unless index has one entry per
// result element, each within the axis.
func TakeAlong(x *Tensor, axis int, index []int) *Tensor {
	outer, n, inner, shape := takeShape("TakeAlong", x, axis, index)
	out := New(shape...)
	for o := range outer {
		for i := range inner {
			j := o*inner + i
			out.data[j] = x.data[(o*n+index[j])*inner+i]
		}
	}
	return out
}

// TakeAlongBackward adds dy into dx at the positions TakeAlong(dx, axis, index) reads: dx has
// x's shape and dy has the result's shape. It accumulates; other elements of dx are unchanged.
func TakeAlongBackward(dx *Tensor, axis int, index []int, dy *Tensor) {
	outer, n, inner, shape := takeShape("TakeAlongBackward", dx, axis, index)
	if numel("TakeAlongBackward", dy.shape) != len(index) || len(dy.shape) != len(shape) {
		panic(fmt.Sprintf("tensor: TakeAlongBackward: dy %v, want %v for dx %v", dy.shape, shape, dx.shape))
	}
	for k, d := range shape {
		if dy.shape[k] != d {
			panic(fmt.Sprintf("tensor: TakeAlongBackward: dy %v, want %v for dx %v", dy.shape, shape, dx.shape))
		}
	}
	for o := range outer {
		for i := range inner {
			j := o*inner + i
			dx.data[(o*n+index[j])*inner+i] += dy.data[j]
		}
	}
}
