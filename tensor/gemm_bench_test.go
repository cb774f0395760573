package tensor_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/tenet-ml/tenet/tensor"
)

// gemmBenchShapes are the products the Gemm benchmarks time: cubes, the batch-1 matrix–vector
// product of decoding, and transformer layer shapes (m×n×k), each plain and with B transposed
// where the layout matters.
var gemmBenchShapes = []struct {
	m, n, k int
	transB  bool
}{
	{64, 64, 64, false},
	{256, 256, 256, false},
	{512, 512, 512, false},
	{1024, 1024, 1024, false},
	{1, 1024, 1024, false},
	{1, 1024, 1024, true},
	{768, 384, 128, false},
	{768, 384, 128, true},
	{3072, 384, 384, false},
	{3072, 384, 384, true},
}

// benchGemmShapes runs gemm over every shape, single-threaded and with every core, reporting
// GFLOPS.
func benchGemmShapes(b *testing.B, gemm func(transB bool, m, n, k int, a, bm, c []float32)) {
	for _, s := range gemmBenchShapes {
		name := fmt.Sprintf("%dx%dx%d", s.m, s.n, s.k)
		if s.transB {
			name += "_transB"
		}
		for _, threads := range []int{1, runtime.NumCPU()} {
			b.Run(fmt.Sprintf("%s/threads=%d", name, threads), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				rnd := func(n int) []float32 {
					s := make([]float32, n)
					for i := range s {
						s[i] = rng.Float32() - 0.5
					}
					return s
				}
				a, bm, c := rnd(s.m*s.k), rnd(s.k*s.n), make([]float32, s.m*s.n)
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
				gemm(s.transB, s.m, s.n, s.k, a, bm, c)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					gemm(s.transB, s.m, s.n, s.k, a, bm, c)
				}
				flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}

func BenchmarkGemm(b *testing.B) {
	benchGemmShapes(b, func(transB bool, m, n, k int, a, bm, c []float32) {
		ldb := n
		if transB {
			ldb = k
		}
		tensor.Gemm(false, transB, m, n, k, 1, a, k, bm, ldb, 0, c, n)
	})
}

// BenchmarkGonumGemm times gonum's blas32.Gemm on the same shapes, for comparison.
func BenchmarkGonumGemm(b *testing.B) {
	benchGemmShapes(b, func(transB bool, m, n, k int, a, bm, c []float32) {
		tB := blas.NoTrans
		B := blas32.General{Rows: k, Cols: n, Stride: n, Data: bm}
		if transB {
			tB = blas.Trans
			B = blas32.General{Rows: n, Cols: k, Stride: k, Data: bm}
		}
		A := blas32.General{Rows: m, Cols: k, Stride: k, Data: a}
		C := blas32.General{Rows: m, Cols: n, Stride: n, Data: c}
		blas32.Gemm(blas.NoTrans, tB, 1, A, B, 0, C)
	})
}
