package tensor

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// mustPanic fails the test unless f panics with a message containing want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if msg, _ := r.(string); !strings.Contains(msg, want) {
			t.Fatalf("panic %v, want one containing %q", r, want)
		}
	}()
	f()
}

func TestConstructorsAndAccessors(t *testing.T) {
	x := Arange(0, 6, 1).Reshape(2, 3)
	if x.Rank() != 2 || x.Dim(0) != 2 || x.Dim(-1) != 3 || x.Len() != 6 {
		t.Fatalf("shape %v", x.Shape())
	}
	if x.At(1, 2) != 5 || x.At(0, 1) != 1 {
		t.Fatalf("At: %v", x)
	}
	x.Set(9, 1, 0)
	if x.Data()[3] != 9 {
		t.Fatal("Set did not write row-major position 3")
	}
	if got := x.String(); got != "[[0 1 2] [9 4 5]]" {
		t.Fatalf("String = %q", got)
	}
	if Full(2.5, 2, 2).Data()[3] != 2.5 || Ones(3).Data()[2] != 1 || Zeros(0, 4).Len() != 0 {
		t.Fatal("Full/Ones/Zeros")
	}
	if s := Scalar(4); s.Rank() != 0 || s.Item() != 4 || s.String() != "4" {
		t.Fatalf("Scalar: %v", s)
	}
	if a := Arange(1, 0, -0.25); a.Len() != 4 || a.At(3) != 0.25 {
		t.Fatalf("Arange descending: %v", a)
	}
	if Arange(3, 1, 1).Len() != 0 {
		t.Fatal("empty Arange")
	}
	mustPanic(t, "tensor: FromSlice: 5 values for shape [2 3]", func() { FromSlice(make([]float32, 5), 2, 3) })
	mustPanic(t, "out of range", func() { x.At(2, 0) })
	mustPanic(t, "tensor: At: index [1] for shape [2 3]", func() { x.At(1) })
	mustPanic(t, "negative dimension", func() { New(2, -1) })
	mustPanic(t, "axis 2 out of range", func() { x.Dim(2) })
}

func TestViewsShareData(t *testing.T) {
	x := Arange(0, 24, 1).Reshape(2, 3, 4)
	r := x.Row(1)
	if r.Rank() != 2 || r.At(0, 0) != 12 {
		t.Fatalf("Row: %v", r)
	}
	r.Set(-1, 2, 3)
	if x.At(1, 2, 3) != -1 {
		t.Fatal("Row does not share data")
	}
	s := x.Slice(1, 2)
	if s.Dim(0) != 1 || s.At(0, 0, 1) != 13 {
		t.Fatalf("Slice: %v", s)
	}
	if y := x.Reshape(-1, 4); y.Dim(0) != 6 {
		t.Fatalf("Reshape -1: %v", y.Shape())
	}
	c := x.Clone()
	c.Set(100, 0, 0, 0)
	if x.At(0, 0, 0) == 100 || !x.Row(1).Equal(r) {
		t.Fatal("Clone shares data or Equal fails")
	}
	mustPanic(t, "tensor: Reshape: [2 3 4] (24 elements) to [5 -1]", func() { x.Reshape(5, -1) })
	mustPanic(t, "tensor: Slice: [1:3]", func() { x.Slice(1, 3) })
	mustPanic(t, "tensor: Row: index 2", func() { x.Row(2) })
}

func TestAllClose(t *testing.T) {
	a := FromSlice([]float32{1, 2, float32(math.Inf(1))}, 3)
	b := FromSlice([]float32{1.001, 2, float32(math.Inf(1))}, 3)
	if !a.AllClose(b, 0, 0.01) || a.AllClose(b, 0, 1e-4) {
		t.Fatal("tolerance")
	}
	n := FromSlice([]float32{float32(math.NaN()), 2, 3}, 3)
	if n.AllClose(n, 1, 1) || n.Equal(n) {
		t.Fatal("NaN must not compare close or equal")
	}
	if a.AllClose(a.Reshape(1, 3), 1, 1) {
		t.Fatal("different shapes are not close")
	}
}

func TestPermuteMatchesIndexing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := RandNormal(rng, 0, 1, 2, 3, 4, 5)
	axes := []int{2, 0, 3, 1}
	y := Permute(x, axes...)
	if got := y.Shape(); got[0] != 4 || got[1] != 2 || got[2] != 5 || got[3] != 3 {
		t.Fatalf("shape %v", got)
	}
	for i := range 2 {
		for j := range 3 {
			for k := range 4 {
				for l := range 5 {
					if y.At(k, i, l, j) != x.At(i, j, k, l) {
						t.Fatalf("mismatch at %d %d %d %d", i, j, k, l)
					}
				}
			}
		}
	}
	m := Arange(0, 6, 1).Reshape(2, 3)
	if got := Transpose(m).String(); got != "[[0 3] [1 4] [2 5]]" {
		t.Fatalf("Transpose = %s", got)
	}
	mustPanic(t, "tensor: Permute: axes [0 0]", func() { Permute(m, 0, 0) })
	mustPanic(t, "rank below 2", func() { Transpose(Arange(0, 3, 1)) })
}

func TestRandomIsSeeded(t *testing.T) {
	a := RandUniform(rand.New(rand.NewPCG(7, 7)), -1, 1, 1000)
	b := RandUniform(rand.New(rand.NewPCG(7, 7)), -1, 1, 1000)
	if !a.Equal(b) {
		t.Fatal("same seed, different numbers")
	}
	var mean float64
	for _, v := range a.Data() {
		if v < -1 || v >= 1 {
			t.Fatalf("value %v outside [-1, 1)", v)
		}
		mean += float64(v)
	}
	if mean /= 1000; math.Abs(mean) > 0.1 {
		t.Fatalf("uniform mean %v, want ≈ 0 (sd of mean ≈ 0.018)", mean)
	}
	n := RandNormal(rand.New(rand.NewPCG(3, 3)), 2, 0.5, 10000)
	var s, ss float64
	for _, v := range n.Data() {
		s += float64(v)
		ss += float64(v) * float64(v)
	}
	m := s / 10000
	sd := math.Sqrt(ss/10000 - m*m)
	if math.Abs(m-2) > 0.02 || math.Abs(sd-0.5) > 0.02 {
		t.Fatalf("normal mean %v sd %v, want 2 and 0.5", m, sd)
	}
}
