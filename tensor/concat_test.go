package tensor

import (
	"math/rand/v2"
	"testing"
)

func TestConcatSplitRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	for axis := -3; axis < 3; axis++ {
		ax := (axis + 3) % 3
		sizes := []int{2, 0, 3, 1}
		var parts []*Tensor
		for _, s := range sizes {
			shape := []int{2, 3, 4}
			shape[ax] = s
			parts = append(parts, RandNormal(rng, 0, 1, shape...))
		}
		c := Concat(axis, parts...)
		if c.shape[ax] != 6 {
			t.Fatalf("Concat shape %v", c.shape)
		}
		back := Split(c, axis, sizes...)
		for i, p := range parts {
			if !back[i].Equal(p) {
				t.Fatalf("axis %d part %d: Split(Concat) differs", axis, i)
			}
		}
		// Narrow of the concatenation is the part itself.
		if !Narrow(c, axis, 5, 1).Equal(parts[3]) {
			t.Fatalf("axis %d: Narrow", axis)
		}
		// Pad then Unpad is the identity; the padding holds the value.
		p := Pad(parts[0], axis, 1, 2, -7)
		if p.shape[ax] != parts[0].shape[ax]+3 || !Unpad(p, axis, 1, 2).Equal(parts[0]) {
			t.Fatalf("axis %d: Pad/Unpad", axis)
		}
		if got := Narrow(p, axis, 0, 1); MinAll(got) != -7 || MaxAll(got) != -7 {
			t.Fatalf("axis %d: padding = %v", axis, got)
		}
	}
	x := FromSlice([]float32{1, 2, 3, 4}, 2, 2)
	if got := Concat(0, x, x).String(); got != "[[1 2] [3 4] [1 2] [3 4]]" {
		t.Fatalf("Concat 0 = %s", got)
	}
	if got := Concat(-1, x, x).String(); got != "[[1 2 1 2] [3 4 3 4]]" {
		t.Fatalf("Concat -1 = %s", got)
	}
	if got := Pad(x, 1, 1, 0, 0).String(); got != "[[0 1 2] [0 3 4]]" {
		t.Fatalf("Pad = %s", got)
	}
	mustPanic(t, "tensor: Concat: [2 2] and [3 3] differ off axis 0", func() { Concat(0, x, New(3, 3)) })
	mustPanic(t, "tensor: Concat: no tensors", func() { Concat(0) })
	mustPanic(t, "tensor: Split: sizes [1 2] for axis 0 of [2 2]", func() { Split(x, 0, 1, 2) })
	mustPanic(t, "tensor: Narrow: [1:3] of axis 1 of [2 2]", func() { Narrow(x, 1, 1, 2) })
	mustPanic(t, "tensor: Pad: before -1, after 0 along axis 0 of [2 2]", func() { Pad(x, 0, -1, 0, 0) })
	mustPanic(t, "tensor: Unpad: before 2, after 1 along axis 0 of [2 2]", func() { Unpad(x, 0, 2, 1) })
}
