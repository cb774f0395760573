package tensor

import (
	"fmt"
	"slices"
)

// splitAround returns the products of the dimensions before and after axis ax.
func splitAround(shape []int, ax int) (outer, inner int) {
	outer, inner = 1, 1
	for _, d := range shape[:ax] {
		outer *= d
	}
	for _, d := range shape[ax+1:] {
		inner *= d
	}
	return outer, inner
}

// Concat joins tensors along axis (negative counts from the end). Every tensor must have the
// same rank and the same sizes on the other axes; the result's size along axis is the sum of
// theirs. It panics with no tensors or on mismatched shapes.
func Concat(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic("tensor: Concat: no tensors")
	}
	ax := ts[0].axis("Concat", axis)
	shape := slices.Clone(ts[0].shape)
	shape[ax] = 0
	for _, t := range ts {
		ok := t.Rank() == len(shape)
		for k := 0; ok && k < len(shape); k++ {
			ok = k == ax || t.shape[k] == shape[k]
		}
		if !ok {
			panic(fmt.Sprintf("tensor: Concat: %v and %v differ off axis %d", ts[0].shape, t.shape, axis))
		}
		shape[ax] += t.shape[ax]
	}
	out := New(shape...)
	outer, inner := splitAround(shape, ax)
	row := shape[ax] * inner
	off := 0
	for _, t := range ts {
		w := t.shape[ax] * inner
		for o := range outer {
			copy(out.data[o*row+off:o*row+off+w], t.data[o*w:(o+1)*w])
		}
		off += w
	}
	return out
}

// Split cuts t along axis into consecutive pieces of the given sizes, which must add up to the
// axis size; each piece is a new tensor. It is the backward pass of Concat.
func Split(t *Tensor, axis int, sizes ...int) []*Tensor {
	ax := t.axis("Split", axis)
	total := 0
	for _, s := range sizes {
		if s < 0 {
			total = -1
			break
		}
		total += s
	}
	if total != t.shape[ax] {
		panic(fmt.Sprintf("tensor: Split: sizes %v for axis %d of %v", sizes, axis, t.shape))
	}
	res := make([]*Tensor, len(sizes))
	start := 0
	for i, s := range sizes {
		res[i] = narrow(t, ax, start, s)
		start += s
	}
	return res
}

// Narrow returns a new tensor holding entries [start, start+length) of t along axis: t's
// shape with that axis set to length. It panics if the range is outside the axis.
func Narrow(t *Tensor, axis, start, length int) *Tensor {
	ax := t.axis("Narrow", axis)
	if start < 0 || length < 0 || start+length > t.shape[ax] {
		panic(fmt.Sprintf("tensor: Narrow: [%d:%d] of axis %d of %v", start, start+length, axis, t.shape))
	}
	return narrow(t, ax, start, length)
}

func narrow(t *Tensor, ax, start, length int) *Tensor {
	shape := slices.Clone(t.shape)
	shape[ax] = length
	out := New(shape...)
	outer, inner := splitAround(t.shape, ax)
	row, w := t.shape[ax]*inner, length*inner
	for o := range outer {
		copy(out.data[o*w:(o+1)*w], t.data[o*row+start*inner:o*row+start*inner+w])
	}
	return out
}

// Pad returns t extended along axis by before entries in front and after entries behind, all
// set to value. Unpad (or Narrow) is its backward pass. It panics on a negative amount.
func Pad(t *Tensor, axis, before, after int, value float32) *Tensor {
	ax := t.axis("Pad", axis)
	if before < 0 || after < 0 {
		panic(fmt.Sprintf("tensor: Pad: before %d, after %d along axis %d of %v", before, after, axis, t.shape))
	}
	shape := slices.Clone(t.shape)
	shape[ax] += before + after
	out := Full(value, shape...)
	outer, inner := splitAround(t.shape, ax)
	w, row := t.shape[ax]*inner, shape[ax]*inner
	for o := range outer {
		copy(out.data[o*row+before*inner:o*row+before*inner+w], t.data[o*w:(o+1)*w])
	}
	return out
}

// Unpad removes before entries from the front and after entries from the back of t along
// axis, undoing Pad; it is Narrow(t, axis, before, size−before−after).
func Unpad(t *Tensor, axis, before, after int) *Tensor {
	ax := t.axis("Unpad", axis)
	if before < 0 || after < 0 || before+after > t.shape[ax] {
		panic(fmt.Sprintf("tensor: Unpad: before %d, after %d along axis %d of %v", before, after, axis, t.shape))
	}
	return narrow(t, ax, before, t.shape[ax]-before-after)
}
