package tensor

import (
	"fmt"
	"slices"
)

func b2f(b bool) float32 {
	if b {
		return 1
	}
	return 0
}

var (
	opEq = &binary{name: "Eq", f: func(x, y float32) float32 { return b2f(x == y) }}
	opNe = &binary{name: "Ne", f: func(x, y float32) float32 { return b2f(x != y) }}
	opLt = &binary{name: "Lt", f: func(x, y float32) float32 { return b2f(x < y) }}
	opLe = &binary{name: "Le", f: func(x, y float32) float32 { return b2f(x <= y) }}
	opGt = &binary{name: "Gt", f: func(x, y float32) float32 { return b2f(x > y) }}
	opGe = &binary{name: "Ge", f: func(x, y float32) float32 { return b2f(x >= y) }}
)

// Eq returns a mask holding 1 where a == b and 0 elsewhere, with broadcasting. Comparisons
// follow IEEE 754: NaN equals nothing, so Eq is 0 and Ne is 1 wherever either side is NaN, and
// Lt, Le, Gt, Ge are 0 there.
func Eq(a, b *Tensor) *Tensor { return opEq.apply("", nil, a, b) }

// Ne returns a mask holding 1 where a ≠ b and 0 elsewhere, with broadcasting.
func Ne(a, b *Tensor) *Tensor { return opNe.apply("", nil, a, b) }

// Lt returns a mask holding 1 where a < b and 0 elsewhere, with broadcasting.
func Lt(a, b *Tensor) *Tensor { return opLt.apply("", nil, a, b) }

// Le returns a mask holding 1 where a ≤ b and 0 elsewhere, with broadcasting.
func Le(a, b *Tensor) *Tensor { return opLe.apply("", nil, a, b) }

// Gt returns a mask holding 1 where a > b and 0 elsewhere, with broadcasting.
func Gt(a, b *Tensor) *Tensor { return opGt.apply("", nil, a, b) }

// Ge returns a mask holding 1 where a ≥ b and 0 elsewhere, with broadcasting.
func Ge(a, b *Tensor) *Tensor { return opGe.apply("", nil, a, b) }

// EqInto writes Eq(a, b) into dst (the broadcast shape) and returns dst.
func EqInto(dst, a, b *Tensor) *Tensor {
	mustDst("EqInto", dst)
	return opEq.apply("EqInto", dst, a, b)
}

// NeInto writes Ne(a, b) into dst (the broadcast shape) and returns dst.
func NeInto(dst, a, b *Tensor) *Tensor {
	mustDst("NeInto", dst)
	return opNe.apply("NeInto", dst, a, b)
}

// LtInto writes Lt(a, b) into dst (the broadcast shape) and returns dst.
func LtInto(dst, a, b *Tensor) *Tensor {
	mustDst("LtInto", dst)
	return opLt.apply("LtInto", dst, a, b)
}

// LeInto writes Le(a, b) into dst (the broadcast shape) and returns dst.
func LeInto(dst, a, b *Tensor) *Tensor {
	mustDst("LeInto", dst)
	return opLe.apply("LeInto", dst, a, b)
}

// GtInto writes Gt(a, b) into dst (the broadcast shape) and returns dst.
func GtInto(dst, a, b *Tensor) *Tensor {
	mustDst("GtInto", dst)
	return opGt.apply("GtInto", dst, a, b)
}

// GeInto writes Ge(a, b) into dst (the broadcast shape) and returns dst.
func GeInto(dst, a, b *Tensor) *Tensor {
	mustDst("GeInto", dst)
	return opGe.apply("GeInto", dst, a, b)
}

// Where returns a tensor that holds a where mask is nonzero and b elsewhere, with mask, a and b
// broadcast to a common shape. A NaN in mask counts as nonzero.
func Where(mask, a, b *Tensor) *Tensor { return whereInto("Where", nil, mask, a, b) }

// WhereInto writes Where(mask, a, b) into dst, which must have the broadcast shape, and returns
// dst. dst may alias an operand of that shape.
func WhereInto(dst, mask, a, b *Tensor) *Tensor {
	mustDst("WhereInto", dst)
	return whereInto("WhereInto", dst, mask, a, b)
}

func whereInto(op string, dst, mask, a, b *Tensor) *Tensor {
	ab := broadcastShapes(op, a.shape, b.shape)
	out := broadcastShapesOrNil(mask.shape, ab)
	if out == nil {
		panic(fmt.Sprintf("tensor: %s: mask %v, operands %v and %v: shapes do not broadcast", op, mask.shape, a.shape, b.shape))
	}
	if dst == nil {
		dst = New(out...)
	} else if !slices.Equal(dst.shape, out) {
		panic(fmt.Sprintf("tensor: %s: destination %v, want %v", op, dst.shape, out))
	}
	if len(dst.data) == 0 {
		return dst
	}
	if len(mask.data) == len(dst.data) && len(a.data) == len(dst.data) && len(b.data) == len(dst.data) {
		for i, m := range mask.data {
			if m != 0 {
				dst.data[i] = a.data[i]
			} else {
				dst.data[i] = b.data[i]
			}
		}
		return dst
	}
	// An odometer over the output with each operand's broadcast strides.
	ms, as, bs := bcastStrides(mask.shape, out), bcastStrides(a.shape, out), bcastStrides(b.shape, out)
	idx := make([]int, len(out))
	var mo, ao, bo int
	for i := range dst.data {
		if mask.data[mo] != 0 {
			dst.data[i] = a.data[ao]
		} else {
			dst.data[i] = b.data[bo]
		}
		for ax := len(out) - 1; ax >= 0; ax-- {
			idx[ax]++
			mo, ao, bo = mo+ms[ax], ao+as[ax], bo+bs[ax]
			if idx[ax] < out[ax] {
				break
			}
			mo, ao, bo = mo-idx[ax]*ms[ax], ao-idx[ax]*as[ax], bo-idx[ax]*bs[ax]
			idx[ax] = 0
		}
	}
	return dst
}

// broadcastShapesOrNil returns the broadcast shape of a and b, or nil if they do not broadcast.
func broadcastShapesOrNil(a, b []int) (out []int) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	return broadcastShapes("", a, b)
}

// bcastStrides returns, for each axis of out, the element stride of a tensor of shape s
// broadcast to out (0 along stretched axes).
func bcastStrides(s, out []int) []int {
	st := make([]int, len(out))
	acc := 1
	for i := 1; i <= len(s); i++ {
		d := s[len(s)-i]
		if d != 1 {
			st[len(out)-i] = acc
		}
		acc *= d
	}
	return st
}
