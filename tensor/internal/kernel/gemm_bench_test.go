package kernel

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// BenchmarkGemmPaths times every path single-threaded on a few shapes (m×n×k), reporting GFLOPS.
func BenchmarkGemmPaths(b *testing.B) {
	shapes := [][3]int{{64, 64, 64}, {256, 256, 256}, {512, 512, 512}, {1, 1024, 1024}, {768, 384, 128}}
	for _, p := range Paths() {
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			b.Run(fmt.Sprintf("%v/%dx%dx%d", p, m, n, k), func(b *testing.B) {
				defer Use(p)()
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
				rng := rand.New(rand.NewPCG(1, 2))
				x := make([]float32, m*k+k*n)
				for i := range x {
					x[i] = rng.Float32() - 0.5
				}
				a, bm, c := x[:m*k], x[m*k:], make([]float32, m*n)
				b.ReportAllocs()
				for b.Loop() {
					Gemm(false, false, m, n, k, 1, a, k, bm, n, 0, c, n)
				}
				b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}
