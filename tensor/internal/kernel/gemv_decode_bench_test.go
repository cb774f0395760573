package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkGemvDecode times the matrix–vector products of batch-1 decoding (the
// shakespeare-char model's 384-wide layers, and 1024²), reporting the bandwidth of reading the
// matrix.
func BenchmarkGemvDecode(b *testing.B) {
	for _, s := range [][3]int{{1, 1152, 384}, {1, 384, 384}, {1, 1536, 384}, {1, 384, 1536}, {1, 1024, 1024}} {
		m, n, k := s[0], s[1], s[2]
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			x := make([]float32, m*k+k*n)
			for i := range x {
				x[i] = rng.Float32() - 0.5
			}
			a, bm, c := x[:m*k], x[m*k:], make([]float32, m*n)
			for b.Loop() {
				Gemm(false, false, m, n, k, 1, a, k, bm, n, 0, c, n)
			}
			b.ReportMetric(4*float64(n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
		})
	}
}
