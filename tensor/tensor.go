package tensor

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Tensor is an n-dimensional array of float32 values stored contiguously in row-major order:
// the last axis varies fastest. A tensor of rank 0 is a scalar holding one value.
//
// A Tensor is a shape and a data slice. Views made by Reshape, Row and Slice share the data of
// the tensor they come from; every other operation returns a tensor with its own storage or
// writes into a destination the caller passes. A Tensor is not safe for concurrent use when any
// goroutine writes to it.
type Tensor struct {
	shape []int
	data  []float32
}

// New returns a zero-filled tensor with the given shape. With no dimensions it returns a
// scalar. It panics if a dimension is negative.
func New(shape ...int) *Tensor {
	return &Tensor{shape: slices.Clone(shape), data: make([]float32, numel("New", shape))}
}

// Zeros returns a zero-filled tensor with the given shape; it is the same as New.
func Zeros(shape ...int) *Tensor { return New(shape...) }

// Ones returns a tensor of the given shape filled with ones.
func Ones(shape ...int) *Tensor { return Full(1, shape...) }

// Full returns a tensor of the given shape with every element set to v.
func Full(v float32, shape ...int) *Tensor {
	t := New(shape...)
	t.Fill(v)
	return t
}

// Scalar returns a rank-0 tensor holding v.
func Scalar(v float32) *Tensor { return &Tensor{data: []float32{v}} }

// FromSlice returns a tensor of the given shape that uses data as its storage, without
// copying. It panics if len(data) is not the product of the dimensions.
func FromSlice(data []float32, shape ...int) *Tensor {
	if n := numel("FromSlice", shape); n != len(data) {
		panic(fmt.Sprintf("tensor: FromSlice: %d values for shape %v (%d elements)", len(data), shape, n))
	}
	return &Tensor{shape: slices.Clone(shape), data: data}
}

// Arange returns the 1-D tensor start, start+step, … of the values below stop (above stop
// when step is negative), as numpy.arange does. It panics if step is zero.
func Arange(start, stop, step float32) *Tensor {
	if step == 0 || math.IsNaN(float64(step)) {
		panic(fmt.Sprintf("tensor: Arange: step %v", step))
	}
	n := int(math.Ceil(float64(stop-start) / float64(step)))
	n = max(n, 0)
	t := New(n)
	for i := range t.data {
		t.data[i] = start + float32(i)*step
	}
	return t
}

// Shape returns the dimensions of t. The returned slice belongs to t and must not be modified.
func (t *Tensor) Shape() []int { return t.shape }

// Rank returns the number of dimensions of t.
func (t *Tensor) Rank() int { return len(t.shape) }

// Dim returns the size of axis i; negative i counts from the end (-1 is the last axis).
func (t *Tensor) Dim(i int) int { return t.shape[t.axis("Dim", i)] }

// Data returns the elements of t in row-major order. The slice is t's storage, not a copy:
// writes to it change t.
func (t *Tensor) Data() []float32 { return t.data }

// Len returns the number of elements of t.
func (t *Tensor) Len() int { return len(t.data) }

// Item returns the single value of a tensor with one element. It panics otherwise.
func (t *Tensor) Item() float32 {
	if len(t.data) != 1 {
		panic(fmt.Sprintf("tensor: Item: shape %v has %d elements", t.shape, len(t.data)))
	}
	return t.data[0]
}

// At returns the element at the given index, one coordinate per axis. It panics if the index
// has the wrong length or is out of range.
func (t *Tensor) At(index ...int) float32 { return t.data[t.offset("At", index)] }

// Set stores v at the given index, one coordinate per axis.
func (t *Tensor) Set(v float32, index ...int) { t.data[t.offset("Set", index)] = v }

// Fill sets every element of t to v and returns t.
func (t *Tensor) Fill(v float32) *Tensor {
	for i := range t.data {
		t.data[i] = v
	}
	return t
}

// Clone returns a copy of t with its own storage.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{shape: slices.Clone(t.shape), data: slices.Clone(t.data)}
}

// CopyFrom copies the elements of src into t. It panics if the shapes differ.
func (t *Tensor) CopyFrom(src *Tensor) {
	mustSameShape("CopyFrom", t, src)
	copy(t.data, src.data)
}

// SameShape reports whether t and u have identical shapes.
func (t *Tensor) SameShape(u *Tensor) bool { return slices.Equal(t.shape, u.shape) }

// Equal reports whether t and u have the same shape and equal elements (NaN equals nothing).
func (t *Tensor) Equal(u *Tensor) bool {
	return t.SameShape(u) && slices.Equal(t.data, u.data)
}

// AllClose reports whether t and u have the same shape and every pair of elements satisfies
// |t−u| ≤ atol + rtol·|u|, as numpy.allclose. NaNs are never close; infinities are close only
// to equal infinities.
func (t *Tensor) AllClose(u *Tensor, rtol, atol float64) bool {
	if !t.SameShape(u) {
		return false
	}
	for i, a := range t.data {
		x, y := float64(a), float64(u.data[i])
		if x == y {
			continue
		}
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			return false
		}
		if math.Abs(x-y) > atol+rtol*math.Abs(y) {
			return false
		}
	}
	return true
}

// String formats t as nested brackets, numpy style, e.g. [[1 2] [3 4]].
func (t *Tensor) String() string {
	var sb strings.Builder
	var rec func(axis, off int)
	rec = func(axis, off int) {
		if axis == len(t.shape) {
			fmt.Fprintf(&sb, "%g", t.data[off])
			return
		}
		stride := 1
		for _, d := range t.shape[axis+1:] {
			stride *= d
		}
		sb.WriteByte('[')
		for i := range t.shape[axis] {
			if i > 0 {
				sb.WriteByte(' ')
			}
			rec(axis+1, off+i*stride)
		}
		sb.WriteByte(']')
	}
	rec(0, 0)
	return sb.String()
}

// offset returns the position in data of a full index.
func (t *Tensor) offset(op string, index []int) int {
	if len(index) != len(t.shape) {
		panic(fmt.Sprintf("tensor: %s: index %v for shape %v", op, index, t.shape))
	}
	off := 0
	for i, x := range index {
		if x < 0 || x >= t.shape[i] {
			panic(fmt.Sprintf("tensor: %s: index %v out of range for shape %v", op, index, t.shape))
		}
		off = off*t.shape[i] + x
	}
	return off
}

// axis resolves a possibly negative axis of t, panicking with op's name if out of range.
func (t *Tensor) axis(op string, axis int) int {
	r := len(t.shape)
	if axis < -r || axis >= r {
		panic(fmt.Sprintf("tensor: %s: axis %d out of range for shape %v", op, axis, t.shape))
	}
	if axis < 0 {
		axis += r
	}
	return axis
}

// numel returns the number of elements of a shape, panicking on a negative dimension.
func numel(op string, shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: %s: negative dimension in shape %v", op, shape))
		}
		n *= d
	}
	return n
}

// mustSameShape panics unless every tensor has the shape of the first.
func mustSameShape(op string, ts ...*Tensor) {
	for _, u := range ts[1:] {
		if !ts[0].SameShape(u) {
			panic(fmt.Sprintf("tensor: %s: shapes %v and %v differ", op, ts[0].shape, u.shape))
		}
	}
}
