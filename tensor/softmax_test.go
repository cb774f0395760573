package tensor

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

func setProcs(n int) int { return runtime.GOMAXPROCS(n) }

// naiveSoftmax is the float64 oracle for one row.
func naiveSoftmax(row []float32) (p, logp []float64) {
	m := math.Inf(-1)
	for _, v := range row {
		m = math.Max(m, float64(v))
	}
	var s float64
	for _, v := range row {
		s += math.Exp(float64(v) - m)
	}
	p, logp = make([]float64, len(row)), make([]float64, len(row))
	for i, v := range row {
		logp[i] = float64(v) - m - math.Log(s)
		p[i] = math.Exp(logp[i])
	}
	return p, logp
}

func TestSoftmaxMatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	inf := float32(math.Inf(1))
	rows := [][]float32{
		{1, 2, 3},
		{1e4, 1e4 - 1, -1e4},
		{-1e4, -1e4, -1e4 + 2},
		{-inf, 0, 1},
		{-inf, -inf, 5},
		{88, 89, 100},
		{0},
	}
	for _, r := range rows {
		x := FromSlice(r, 1, len(r))
		p, lp := naiveSoftmax(r)
		checkClose(t, "Softmax", Softmax(x), x.shape, p, 1e-6)
		checkClose(t, "LogSoftmax", LogSoftmax(x), x.shape, lp, 1e-6)
	}
	// Many rows, enough for the parallel path, against the oracle row by row.
	x := RandNormal(rng, 0, 5, 3, 200, 97)
	y, ly := Softmax(x), LogSoftmax(x)
	for r := 0; r < 600; r++ {
		p, lp := naiveSoftmax(x.data[r*97 : (r+1)*97])
		for i := range p {
			if !closeF(y.data[r*97+i], p[i], 1e-6) || !closeF(ly.data[r*97+i], lp[i], 1e-5) {
				t.Fatalf("row %d element %d: %v %v want %v %v", r, i, y.data[r*97+i], ly.data[r*97+i], p[i], lp[i])
			}
		}
	}
	// In place.
	z := x.Clone()
	SoftmaxInto(z, z)
	if !z.Equal(y) {
		t.Fatal("SoftmaxInto in place differs")
	}
	LogSoftmaxInto(z, x)
	if !z.Equal(ly) {
		t.Fatal("LogSoftmaxInto differs")
	}
	// A row of all −Inf has no distribution: NaN, as PyTorch.
	s := Softmax(FromSlice([]float32{-inf, -inf}, 2))
	if !math.IsNaN(float64(s.data[0])) || !math.IsNaN(float64(s.data[1])) {
		t.Fatalf("all −Inf row = %v, want NaN", s)
	}
	mustPanic(t, "tensor: Softmax: shape [] has no last axis", func() { Softmax(Scalar(1)) })
	mustPanic(t, "tensor: SoftmaxInto: shapes [2] and [3] differ", func() { SoftmaxInto(New(2), New(3)) })
}

func BenchmarkSoftmax(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := RandNormal(rng, 0, 3, 12*64, 256)
	dst := New(x.shape...)
	b.ReportAllocs()
	b.SetBytes(int64(4 * x.Len()))
	for b.Loop() {
		SoftmaxInto(dst, x)
	}
}
