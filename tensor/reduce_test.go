package tensor

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveReduce applies f to the float64 values along axis for every other position, the oracle
// for the axis reductions.
func naiveReduce(x *Tensor, axis int, keepDims bool, f func(v []float64) float64) ([]int, []float64) {
	shape := slices.Clone(x.shape)
	n := shape[axis]
	shape[axis] = 1
	m := numel("", shape)
	res := make([]float64, m)
	for p := range res {
		idx := unravel(p, shape)
		vals := make([]float64, n)
		for i := range n {
			idx[axis] = i
			vals[i] = float64(x.At(idx...))
		}
		res[p] = f(vals)
	}
	if !keepDims {
		shape = slices.Delete(shape, axis, axis+1)
	}
	return shape, res
}

func TestReductionsMatchFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	sum := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s
	}
	mean := func(v []float64) float64 { return sum(v) / float64(len(v)) }
	cases := []struct {
		name string
		op   func(*Tensor, int, bool) *Tensor
		f    func([]float64) float64
	}{
		{"Sum", Sum, sum},
		{"Mean", Mean, mean},
		{"Var", Var, func(v []float64) float64 {
			m, s := mean(v), 0.0
			for _, x := range v {
				s += (x - m) * (x - m)
			}
			return s / float64(len(v))
		}},
		{"Max", Max, func(v []float64) float64 { return slices.Max(v) }},
		{"Min", Min, func(v []float64) float64 { return slices.Min(v) }},
		{"LogSumExp", LogSumExp, func(v []float64) float64 {
			m, s := slices.Max(v), 0.0
			for _, x := range v {
				s += math.Exp(x - m)
			}
			return m + math.Log(s)
		}},
	}
	shapes := [][]int{{7}, {3, 5}, {2, 3, 4}, {2, 1, 3, 5}, {4, 300, 70}, {1}}
	for _, sh := range shapes {
		x := RandNormal(rng, 1, 3, sh...)
		for axis := -len(sh); axis < len(sh); axis++ {
			ax := axis
			if ax < 0 {
				ax += len(sh)
			}
			for _, keep := range []bool{false, true} {
				for _, c := range cases {
					shape, want := naiveReduce(x, ax, keep, c.f)
					checkClose(t, c.name, c.op(x, axis, keep), shape, want, 1e-5)
				}
			}
			// ArgMax against the naive first-maximum search.
			_, want := naiveReduce(x, ax, false, func(v []float64) float64 {
				best := 0
				for i, x := range v {
					if x > v[best] {
						best = i
					}
				}
				return float64(best)
			})
			got := ArgMax(x, axis)
			for i := range want {
				if got[i] != int(want[i]) {
					t.Fatalf("ArgMax %v axis %d: %v want %v", sh, axis, got[i], want[i])
				}
			}
		}
	}
}

func TestReduceAll(t *testing.T) {
	x := FromSlice([]float32{3, -1, 7, 7, 2, -5}, 2, 3)
	if SumAll(x) != 13 || MeanAll(x) != 13.0/6 || MaxAll(x) != 7 || MinAll(x) != -5 || ArgMaxAll(x) != 2 {
		t.Fatalf("SumAll %v MeanAll %v MaxAll %v MinAll %v ArgMaxAll %v", SumAll(x), MeanAll(x), MaxAll(x), MinAll(x), ArgMaxAll(x))
	}
	// float64 accumulation: a million copies of 0.1 sum to 1e5 within float32 rounding.
	big := Full(0.1, 1<<20)
	if s := SumAll(big); math.Abs(float64(s)-0.1*(1<<20)) > 0.01 {
		t.Fatalf("SumAll %v", s)
	}
	if s := Sum(big.Reshape(1, -1), 1, false).data[0]; math.Abs(float64(s)-0.1*(1<<20)) > 0.01 {
		t.Fatalf("Sum %v", s)
	}
	nan := float32(math.NaN())
	y := FromSlice([]float32{1, nan, 5, nan}, 4)
	if ArgMaxAll(y) != 1 || ArgMax(y, 0)[0] != 1 || !math.IsNaN(float64(MaxAll(y))) || !math.IsNaN(float64(MinAll(y))) {
		t.Fatal("NaN must count as maximal and propagate through Max/Min")
	}
	if m := Max(y.Reshape(2, 2), 1, false); !math.IsNaN(float64(m.data[0])) || !math.IsNaN(float64(m.data[1])) {
		t.Fatalf("Max with NaN = %v", m)
	}
	inf := float32(math.Inf(1))
	l := LogSumExp(FromSlice([]float32{-inf, -inf, 1e4, 1e4, inf, 0}, 3, 2), 1, false)
	if got := l.String(); got != "[-Inf 10000.693 +Inf]" {
		t.Fatalf("LogSumExp extremes = %s", got)
	}
	if MaxAll(New(0)) != -inf || MinAll(New(0)) != inf {
		t.Fatal("empty MaxAll/MinAll")
	}
	if ties := ArgMax(FromSlice([]float32{2, 5, 5, 1}, 4), -1); ties[0] != 1 {
		t.Fatalf("ArgMax tie %v", ties)
	}
	mustPanic(t, "tensor: Sum: axis 2 out of range for shape [2 3]", func() { Sum(x, 2, false) })
	mustPanic(t, "tensor: Var: axis -3 out of range for shape [2 3]", func() { Var(x, -3, true) })
	mustPanic(t, "tensor: ArgMax: axis 1 of [2 0] is empty", func() { ArgMax(New(2, 0), 1) })
	mustPanic(t, "tensor: ArgMaxAll: shape [0] is empty", func() { ArgMaxAll(New(0)) })
}

func TestReductionIndependentOfGOMAXPROCS(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	x := RandNormal(rng, 0, 1, 64, 2048)
	a := Sum(x, 1, false)
	b := Softmax(x)
	prev := setProcs(1)
	a1 := Sum(x, 1, false)
	b1 := Softmax(x)
	setProcs(prev)
	if !a.Equal(a1) || !b.Equal(b1) {
		t.Fatal("results depend on GOMAXPROCS")
	}
}
