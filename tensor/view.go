package tensor

import (
	"fmt"
	"slices"
)

// Reshape returns a view of t with a new shape and the same data. One dimension may be -1,
// meaning whatever size makes the element counts agree. It panics if the counts cannot agree.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	shape = slices.Clone(shape)
	infer, n := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(fmt.Sprintf("tensor: Reshape: %v to %v: bad dimension", t.shape, shape))
		default:
			n *= d
		}
	}
	if infer >= 0 && n > 0 && len(t.data)%n == 0 {
		shape[infer] = len(t.data) / n
		n *= shape[infer]
	}
	if n != len(t.data) || (infer >= 0 && shape[infer] < 0) {
		panic(fmt.Sprintf("tensor: Reshape: %v (%d elements) to %v", t.shape, len(t.data), shape))
	}
	return &Tensor{shape: shape, data: t.data}
}

// Row returns a view of entry i along the first axis: a tensor of rank one less sharing t's
// data. It panics for a scalar or an out-of-range i.
func (t *Tensor) Row(i int) *Tensor {
	if len(t.shape) == 0 || i < 0 || i >= t.shape[0] {
		panic(fmt.Sprintf("tensor: Row: index %d for shape %v", i, t.shape))
	}
	stride := len(t.data) / max(t.shape[0], 1)
	return &Tensor{shape: slices.Clone(t.shape[1:]), data: t.data[i*stride : (i+1)*stride : (i+1)*stride]}
}

// Slice returns a view of entries [lo, hi) along the first axis, sharing t's data.
func (t *Tensor) Slice(lo, hi int) *Tensor {
	if len(t.shape) == 0 || lo < 0 || hi < lo || hi > t.shape[0] {
		panic(fmt.Sprintf("tensor: Slice: [%d:%d] of shape %v", lo, hi, t.shape))
	}
	stride := 1
	for _, d := range t.shape[1:] {
		stride *= d
	}
	shape := slices.Clone(t.shape)
	shape[0] = hi - lo
	return &Tensor{shape: shape, data: t.data[lo*stride : hi*stride : hi*stride]}
}
