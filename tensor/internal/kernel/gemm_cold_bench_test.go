package kernel

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkGemmColdOperands times a weight-gradient product (op(A) = Xᵀ with X 768×512, as in
// a transformer's MLP backward pass) with operands in cache ("warm") and cycling through 16
// copies so that they come from memory ("cold", as in a training step, where the activations
// were written long before the backward pass reads them).
func BenchmarkGemmColdOperands(b *testing.B) {
	m, n, k := 512, 128, 768
	const copies = 16
	rng := rand.New(rand.NewPCG(1, 2))
	as := make([][]float32, copies)
	bs := make([][]float32, copies)
	for i := range as {
		as[i] = make([]float32, m*k)
		bs[i] = make([]float32, k*n)
		for j := range as[i] {
			as[i][j] = rng.Float32()
		}
		for j := range bs[i] {
			bs[i][j] = rng.Float32()
		}
	}
	c := make([]float32, m*n)
	for _, mode := range []string{"warm", "cold", "cold-beta1"} {
		b.Run(mode, func(b *testing.B) {
			i := 0
			for b.Loop() {
				a, bb := as[0], bs[0]
				if mode != "warm" {
					a, bb = as[i%copies], bs[i%copies]
				}
				beta := float32(0)
				if mode == "cold-beta1" {
					beta = 1
				}
				Gemm(true, false, m, n, k, 1, a, m, bb, n, beta, c, n)
				i++
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
	}
}
