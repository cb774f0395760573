package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkGemmTrainShapes times the products of small training steps one by one: the
// forward and backward matrix products of a 784-256-256-10 MLP at batch 64 and of a DQN-style
// network (conv 3×3 as im2col, fc 1600→128→6) at batch 32, weight gradients and attention
// blocks of the nanogpt-cpu transformer (768 tokens, width 128), and products of batched
// decoding.
func BenchmarkGemmTrainShapes(b *testing.B) {
	type shape struct {
		name    string
		ta, tb  bool
		m, n, k int
	}
	shapes := []shape{
		{"mlp-fwd1", false, false, 64, 256, 784},
		{"mlp-fwd2", false, false, 64, 256, 256},
		{"mlp-fwd3", false, false, 64, 10, 256},
		{"mlp-dA3", false, true, 64, 256, 10},
		{"mlp-dB3", true, false, 256, 10, 64},
		{"mlp-dA2", false, true, 64, 256, 256},
		{"mlp-dB2", true, false, 256, 256, 64},
		{"mlp-dB1", true, false, 784, 256, 64},
		{"dqn-conv", false, false, 16, 3200, 36},
		{"dqn-conv-dW", false, true, 16, 36, 3200},
		{"dqn-fc1", false, false, 32, 128, 1600},
		{"dqn-fc1-dA", false, true, 32, 1600, 128},
		{"dqn-fc1-dB", true, false, 1600, 128, 32},
		{"nanogpt-dW-proj2", true, false, 512, 128, 768},
		{"nanogpt-dW-fc", true, false, 128, 512, 768},
		{"nanogpt-dW-proj", true, false, 128, 128, 768},
		{"nanogpt-attn-S", false, true, 64, 64, 32},
		{"nanogpt-attn-PV", false, false, 64, 32, 64},
		{"nanogpt-attn-dK", true, false, 64, 32, 64},
		{"batch64-1024", false, false, 64, 1024, 1024},
		{"batch64-shakespeare-fc", false, false, 64, 1536, 384},
		{"batch48-1024", false, false, 48, 1024, 1024},
		{"batch70-4096", false, false, 70, 4096, 1024},
	}
	for _, s := range shapes {
		b.Run(fmt.Sprintf("%s/%dx%dx%d", s.name, s.m, s.n, s.k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			x := make([]float32, s.m*s.k+s.k*s.n)
			for i := range x {
				x[i] = rng.Float32() - 0.5
			}
			a, bm, c := x[:s.m*s.k], x[s.m*s.k:], make([]float32, s.m*s.n)
			lda, ldb := s.k, s.n
			if s.ta {
				lda = s.m
			}
			if s.tb {
				ldb = s.k
			}
			b.ReportAllocs()
			for b.Loop() {
				Gemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
			}
			b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
	}
}
