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

// gemmSmallShapes are the few-row products of decoding: speculative verification of a few
// tokens and batched generation against layer weights (x·W, W stored [in,out]) and the vocab
// projection (B transposed).
var gemmSmallShapes = []struct {
	n, k   int
	transB bool
}{
	{1536, 384, false},
	{65, 384, true},
	{3072, 768, false},
}

// BenchmarkGemmSmall times products with m ∈ {1, 2, 4, 8, 16}, reporting GFLOPS and the time
// per call relative to m = 1 (ratio, from the first m = 1 run of the shape).
func BenchmarkGemmSmall(b *testing.B) {
	for _, s := range gemmSmallShapes {
		name := fmt.Sprintf("k=%d,n=%d", s.k, s.n)
		if s.transB {
			name += ",transB"
		}
		var base float64 // ns per call at m = 1
		for _, m := range []int{1, 2, 4, 8, 16} {
			b.Run(fmt.Sprintf("%s/m=%d", name, m), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				rnd := func(n int) []float32 {
					v := make([]float32, n)
					for i := range v {
						v[i] = rng.Float32() - 0.5
					}
					return v
				}
				a, bm, c := rnd(m*s.k), rnd(s.k*s.n), make([]float32, m*s.n)
				ldb := s.n
				if s.transB {
					ldb = s.k
				}
				gemm := func() { tensor.Gemm(false, s.transB, m, s.n, s.k, 1, a, s.k, bm, ldb, 0, c, s.n) }
				gemm()
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					gemm()
				}
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				flops := 2 * float64(m) * float64(s.n) * float64(s.k)
				b.ReportMetric(flops/ns, "GFLOPS")
				if m == 1 {
					base = ns
				} else if base > 0 {
					b.ReportMetric(ns/base, "x_m1")
				}
			})
		}
	}
}
