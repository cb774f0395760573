package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSoftmaxGrad checks every path against a float64 evaluation at lengths around the vector
// widths.
func TestSoftmaxGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	forPaths(t, func(t *testing.T, p Path) {
		for _, n := range []int{1, 5, 15, 16, 17, 31, 32, 33, 48, 64, 100, 257} {
			s, dp := make([]float32, n), make([]float32, n)
			for i := range s {
				s[i], dp[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
			}
			pr := make([]float32, n)
			SoftmaxRowLSE(pr, s)
			var dot float64
			for i := range pr {
				dot += float64(pr[i]) * float64(dp[i])
			}
			want := make([]float64, n)
			for i := range pr {
				want[i] = float64(pr[i]) * (float64(dp[i]) - dot) * 0.25
			}
			SoftmaxGrad(dp, pr, 0.25)
			for i := range dp {
				if d := math.Abs(float64(dp[i]) - want[i]); d > 1e-6*(1+math.Abs(want[i])) {
					t.Fatalf("n=%d: dp[%d] = %v, want %v", n, i, dp[i], want[i])
				}
			}
		}
	})
}
