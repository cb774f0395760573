package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// dot64 is ⟨a, b⟩ accumulated in float64.
func dot64(a, b *Tensor) float64 {
	var s float64
	for i, v := range a.data {
		s += float64(v) * float64(b.data[i])
	}
	return s
}

func TestGatherScatterAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	table := RandNormal(rng, 0, 1, 7, 5)
	ids := []int{3, 0, 3, 6, 1, 3}
	g := Gather(table, ids)
	for i, id := range ids {
		if !g.Row(i).Equal(table.Row(id)) {
			t.Fatalf("row %d is not table row %d", i, id)
		}
	}
	// ⟨Gather(x), y⟩ = ⟨x, ScatterAdd(y)⟩.
	y := RandNormal(rng, 0, 1, len(ids), 5)
	back := New(7, 5)
	ScatterAdd(back, ids, y)
	if l, r := dot64(g, y), dot64(table, back); math.Abs(l-r) > 1e-5*(1+math.Abs(l)) {
		t.Fatalf("adjointness: %v vs %v", l, r)
	}
	// ScatterAdd accumulates into existing contents.
	ScatterAdd(back, ids, y)
	if r := dot64(table, back); math.Abs(2*dot64(g, y)-r) > 1e-4 {
		t.Fatal("ScatterAdd does not accumulate")
	}
	dst := Full(9, len(ids), 5)
	if !GatherInto(dst, table, ids).Equal(g) {
		t.Fatal("GatherInto")
	}
	mustPanic(t, "tensor: Gather: id 7 at position 1 out of range for table [7 5]", func() { Gather(table, []int{0, 7}) })
	mustPanic(t, "tensor: Gather: id -1 at position 0", func() { Gather(table, []int{-1}) })
	mustPanic(t, "tensor: ScatterAdd: id 9 at position 0 out of range for destination [7 5]", func() { ScatterAdd(back, []int{9}, New(1, 5)) })
	mustPanic(t, "tensor: ScatterAdd: destination [7 5], source [2 5] and 1 ids", func() { ScatterAdd(back, []int{1}, New(2, 5)) })
	mustPanic(t, "tensor: Gather: table [7] is not rank 2", func() { Gather(New(7), ids) })
	mustPanic(t, "tensor: GatherInto: destination [2 5] for table [7 5] and 6 ids", func() { GatherInto(New(2, 5), table, ids) })
}

func TestTakeAlong(t *testing.T) {
	q := FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	if got := TakeAlong(q, 1, []int{2, 0}).String(); got != "[3 4]" {
		t.Fatalf("TakeAlong axis 1 = %s", got)
	}
	if got := TakeAlong(q, 0, []int{1, 0, 1}).String(); got != "[4 2 6]" {
		t.Fatalf("TakeAlong axis 0 = %s", got)
	}
	rng := rand.New(rand.NewPCG(11, 11))
	x := RandNormal(rng, 0, 1, 3, 4, 5)
	for axis := -3; axis < 3; axis++ {
		ax := (axis + 3) % 3
		m := x.Len() / x.shape[ax]
		index := make([]int, m)
		for i := range index {
			index[i] = rng.IntN(x.shape[ax])
		}
		got := TakeAlong(x, axis, index)
		if got.Len() != m || got.Rank() != 2 {
			t.Fatalf("shape %v", got.shape)
		}
		// Compare with indexing, then check adjointness of the backward pass.
		for j := range m {
			idx := unravel(j, got.shape)
			full := append(append(append([]int{}, idx[:ax]...), index[j]), idx[ax:]...)
			if got.data[j] != x.At(full...) {
				t.Fatalf("axis %d position %d", axis, j)
			}
		}
		dy := RandNormal(rng, 0, 1, got.shape...)
		dx := Ones(x.shape...)
		TakeAlongBackward(dx, axis, index, dy)
		AddScalarInto(dx, dx, -1)
		if l, r := dot64(got, dy), dot64(x, dx); math.Abs(l-r) > 1e-5*(1+math.Abs(l)) {
			t.Fatalf("axis %d adjointness: %v vs %v", axis, l, r)
		}
	}
	mustPanic(t, "tensor: TakeAlong: 3 indices for shape [2 3] along axis 1 (want 2)", func() { TakeAlong(q, 1, []int{0, 0, 0}) })
	mustPanic(t, "tensor: TakeAlong: index 3 at position 1 out of range for axis 1 of [2 3]", func() { TakeAlong(q, 1, []int{0, 3}) })
	mustPanic(t, "tensor: TakeAlongBackward: dy [3], want [2] for dx [2 3]", func() { TakeAlongBackward(q, 1, []int{0, 1}, New(3)) })
	mustPanic(t, "tensor: TakeAlong: axis 2 out of range", func() { TakeAlong(q, 2, nil) })
}

func TestOneHot(t *testing.T) {
	if got := OneHot([]int{2, 0}, 3).String(); got != "[[0 0 1] [1 0 0]]" {
		t.Fatalf("OneHot = %s", got)
	}
	mustPanic(t, "tensor: OneHot: id 3 at position 1 out of range for 3 classes", func() { OneHot([]int{0, 3}, 3) })
	mustPanic(t, "tensor: OneHot: -1 classes", func() { OneHot(nil, -1) })
}
