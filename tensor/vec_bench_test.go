package tensor_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// Benchmarks of the vector kernels on every supported path (sub-benchmarks path=generic,
// path=avx2, path=avx512). Run them with -run '^$' -bench Vec -benchtime 200ms; compare paths
// within one run, as the machine is shared.

func benchPaths(b *testing.B, fn func(b *testing.B)) {
	for _, p := range kernel.Paths() {
		b.Run("path="+p.String(), func(b *testing.B) {
			restore := kernel.Use(p)
			defer restore()
			fn(b)
		})
	}
}

func benchVec(n int, seed uint64, lo, hi float32) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	v := make([]float32, n)
	for i := range v {
		v[i] = lo + (hi-lo)*rng.Float32()
	}
	return v
}

// BenchmarkVecDot reports GFLOPS = 2n per call; n = 4096 fits in L1.
func BenchmarkVecDot(b *testing.B) {
	const n = 4096
	x, y := benchVec(n, 1, -1, 1), benchVec(n, 2, -1, 1)
	benchPaths(b, func(b *testing.B) {
		b.ReportAllocs()
		var s float32
		for b.Loop() {
			s += kernel.Dot(x, y)
		}
		b.ReportMetric(2*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		_ = s
	})
}

// BenchmarkVecSum and the elementwise benchmarks report elements per second.
func BenchmarkVecSum(b *testing.B) {
	const n = 4096
	x := benchVec(n, 1, -1, 1)
	benchPaths(b, func(b *testing.B) {
		b.ReportAllocs()
		var s float32
		for b.Loop() {
			s += kernel.Sum(x)
		}
		reportElems(b, n)
		_ = s
	})
}

func BenchmarkVecMax(b *testing.B) {
	const n = 4096
	x := benchVec(n, 1, -1, 1)
	benchPaths(b, func(b *testing.B) {
		b.ReportAllocs()
		var s float32
		for b.Loop() {
			s += kernel.Max(x)
		}
		reportElems(b, n)
		_ = s
	})
}

func BenchmarkVecAxpy(b *testing.B) {
	const n = 4096
	x, y := benchVec(n, 1, -1, 1), benchVec(n, 2, -1, 1)
	benchPaths(b, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			kernel.Axpy(1e-3, x, y)
		}
		reportElems(b, n)
	})
}

func BenchmarkVecAdd(b *testing.B) {
	const n = 4096
	x, y, d := benchVec(n, 1, -1, 1), benchVec(n, 2, -1, 1), make([]float32, n)
	benchPaths(b, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			kernel.Add(d, x, y)
		}
		reportElems(b, n)
	})
}

// BenchmarkVecExp reports elements per second for n = 4096 (one goroutine) and n = 1<<20
// (split over GOMAXPROCS goroutines).
func BenchmarkVecExp(b *testing.B) {
	for _, n := range []int{4096, 1 << 20} {
		x, d := benchVec(n, 3, -20, 20), make([]float32, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			benchPaths(b, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					kernel.Exp(d, x)
				}
				reportElems(b, n)
			})
		})
	}
}

// BenchmarkVecActivation covers Tanh, Sigmoid and GELUTanh on n = 4096.
func BenchmarkVecActivation(b *testing.B) {
	const n = 4096
	x, d := benchVec(n, 4, -6, 6), make([]float32, n)
	for _, f := range []struct {
		name string
		fn   func(dst, x []float32)
	}{{"tanh", kernel.Tanh}, {"sigmoid", kernel.Sigmoid}, {"gelu", kernel.GELUTanh}} {
		b.Run(f.name, func(b *testing.B) {
			benchPaths(b, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					f.fn(d, x)
				}
				reportElems(b, n)
			})
		})
	}
}

// BenchmarkVecSoftmax runs SoftmaxRow over rows×cols matrices: 64×1024 (attention-sized) and
// 768×65 (a 12×64 batch of character-vocabulary logits).
func BenchmarkVecSoftmax(b *testing.B) {
	for _, sz := range []struct{ rows, cols int }{{64, 1024}, {12 * 64, 65}} {
		x, d := benchVec(sz.rows*sz.cols, 5, -8, 8), make([]float32, sz.rows*sz.cols)
		b.Run(fmt.Sprintf("%dx%d", sz.rows, sz.cols), func(b *testing.B) {
			benchPaths(b, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					for r := range sz.rows {
						row := x[r*sz.cols : (r+1)*sz.cols]
						kernel.SoftmaxRow(d[r*sz.cols:(r+1)*sz.cols], row)
					}
				}
				reportElems(b, sz.rows*sz.cols)
			})
		})
	}
}

func reportElems(b *testing.B, n int) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
}
