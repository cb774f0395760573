package tensor

import (
	"fmt"
)

// Transpose returns a new tensor with the last two axes of t swapped (the matrix transpose for
// rank 2, a per-matrix transpose for a batch). It panics if t has rank below 2.
func Transpose(t *Tensor) *Tensor {
	r := t.Rank()
	if r < 2 {
		panic(fmt.Sprintf("tensor: Transpose: shape %v has rank below 2", t.shape))
	}
	axes := make([]int, r)
	for i := range axes {
		axes[i] = i
	}
	axes[r-2], axes[r-1] = r-1, r-2
	return Permute(t, axes...)
}

// Permute returns a new tensor whose axis i is axis axes[i] of t, with the data rearranged
// (numpy.transpose with explicit axes). It panics unless axes is a permutation of 0…rank−1.
func Permute(t *Tensor, axes ...int) *Tensor {
	r := t.Rank()
	seen := make([]bool, r)
	if len(axes) != r {
		panic(fmt.Sprintf("tensor: Permute: axes %v for shape %v", axes, t.shape))
	}
	for _, a := range axes {
		if a < 0 || a >= r || seen[a] {
			panic(fmt.Sprintf("tensor: Permute: axes %v for shape %v", axes, t.shape))
		}
		seen[a] = true
	}
	shape := make([]int, r)
	for i, a := range axes {
		shape[i] = t.shape[a]
	}
	out := New(shape...)
	if out.Len() == 0 {
		return out
	}
	// srcStride[i] is the step in t.data when output axis i advances by one.
	strides := rowMajorStrides(t.shape)
	srcStride := make([]int, r)
	for i, a := range axes {
		srcStride[i] = strides[a]
	}
	// Copy the innermost output axis as a strided gather; walk the outer axes with a counter.
	inner := 1
	innerStride := 1
	if r > 0 {
		inner, innerStride = shape[r-1], srcStride[r-1]
	}
	idx := make([]int, max(r-1, 0))
	src := 0
	for o := 0; o < len(out.data); o += inner {
		dst := out.data[o : o+inner]
		s := src
		for j := range dst {
			dst[j] = t.data[s]
			s += innerStride
		}
		// Advance the outer index like an odometer.
		for ax := r - 2; ax >= 0; ax-- {
			idx[ax]++
			src += srcStride[ax]
			if idx[ax] < shape[ax] {
				break
			}
			src -= idx[ax] * srcStride[ax]
			idx[ax] = 0
		}
	}
	return out
}

// rowMajorStrides returns the element stride of each axis of a contiguous row-major shape.
func rowMajorStrides(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}
