package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naiveMatMul multiplies op(a)·op(b) for one pair of matrices in float64.
func naiveMatMul(a, b []float32, m, n, k int, transA, transB bool) []float64 {
	out := make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				av, bv := a[i*k+p], b[p*n+j]
				if transA {
					av = a[p*m+i]
				}
				if transB {
					bv = b[j*k+p]
				}
				s += float64(av) * float64(bv)
			}
			out[i*n+j] = s
		}
	}
	return out
}

func closeTo(t *testing.T, got []float32, want []float64, tol float64) {
	t.Helper()
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > tol*(1+math.Abs(want[i])) {
			t.Fatalf("element %d: got %v want %v", i, got[i], want[i])
		}
	}
}

func TestMatMulShapesAndValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const m, n, k, batch = 5, 7, 3, 4
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		ta, tb := tr[0], tr[1]
		ashape, bshape := []int{m, k}, []int{k, n}
		if ta {
			ashape = []int{k, m}
		}
		if tb {
			bshape = []int{n, k}
		}
		a := RandNormal(rng, 0, 1, ashape...)
		b := RandNormal(rng, 0, 1, bshape...)
		c := MatMulT(a, b, ta, tb)
		if c.Dim(0) != m || c.Dim(1) != n {
			t.Fatalf("shape %v", c.Shape())
		}
		closeTo(t, c.Data(), naiveMatMul(a.Data(), b.Data(), m, n, k, ta, tb), 1e-5)

		// Batched, against the per-entry product; and a shared rank-2 b.
		ab := RandNormal(rng, 0, 1, append([]int{batch}, ashape...)...)
		bb := RandNormal(rng, 0, 1, append([]int{batch}, bshape...)...)
		cb := MatMulT(ab, bb, ta, tb)
		shared := MatMulT(ab, b, ta, tb)
		for i := range batch {
			closeTo(t, cb.Row(i).Data(), naiveMatMul(ab.Row(i).Data(), bb.Row(i).Data(), m, n, k, ta, tb), 1e-5)
			closeTo(t, shared.Row(i).Data(), naiveMatMul(ab.Row(i).Data(), b.Data(), m, n, k, ta, tb), 1e-5)
		}
		// Accumulate adds to the destination.
		acc := Full(1, m, n)
		MatMulInto(acc, a, b, ta, tb, true)
		want := naiveMatMul(a.Data(), b.Data(), m, n, k, ta, tb)
		for i := range want {
			want[i]++
		}
		closeTo(t, acc.Data(), want, 1e-5)
	}
	mustPanic(t, "tensor: MatMul: [2 3] × [4 5]: inner dimensions differ", func() { MatMul(New(2, 3), New(4, 5)) })
	mustPanic(t, "batch sizes differ", func() { MatMul(New(2, 3, 3), New(3, 3, 3)) })
	mustPanic(t, "tensor: MatMulInto: destination [3 3], product is [2 5]", func() { MatMulInto(New(3, 3), New(2, 4), New(4, 5), false, false, false) })
}

func TestGemmChecksArguments(t *testing.T) {
	mustPanic(t, "tensor: Gemm: A is 2×3 but its leading dimension is 2", func() {
		Gemm(false, false, 2, 2, 3, 1, make([]float32, 6), 2, make([]float32, 6), 2, 0, make([]float32, 4), 2)
	})
	mustPanic(t, "tensor: Gemm: C is 2×2 with leading dimension 3 but holds only 4 values", func() {
		Gemm(false, false, 2, 2, 3, 1, make([]float32, 6), 3, make([]float32, 6), 2, 0, make([]float32, 4), 3)
	})
	// Strided C with NaN garbage and beta = 0: garbage is overwritten, padding untouched.
	a := []float32{1, 2, 3, 4}
	b := []float32{1, 0, 0, 1}
	nan := float32(math.NaN())
	c := []float32{nan, nan, -7, nan, nan}
	Gemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 3)
	if c[0] != 1 || c[1] != 2 || c[2] != -7 || c[3] != 3 || c[4] != 4 {
		t.Fatalf("c = %v", c)
	}
}
