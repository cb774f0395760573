package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSoftmaxRowLSE checks the probabilities against float64 (as TestSoftmaxRow) and the
// log-sum-exp against float64 within 1e-6 absolute plus 1e-7 relative, on every path.
func TestSoftmaxRowLSE(t *testing.T) {
	forPaths(t, func(t *testing.T, p Path) {
		rng := rand.New(rand.NewPCG(21, uint64(p)))
		for _, n := range append(vecLengths[1:], 65, 257, 1024, 5000) {
			for variant := range 3 {
				x := randVec(rng, n, variant, 8)
				switch variant {
				case 1:
					for i := range x {
						x[i] = float32(1e4 + rng.Float64()*20)
					}
				case 2:
					for i := range x {
						if rng.IntN(3) == 0 && i != n/2 {
							x[i] = float32(math.Inf(-1))
						}
					}
				}
				ref := softmaxRef(x)
				m := math.Inf(-1)
				for _, v := range x {
					m = max(m, float64(v))
				}
				var s float64
				for _, v := range x {
					s += math.Exp(float64(v) - m)
				}
				wantLSE := m + math.Log(s)
				tol := 1e-6 + 1e-7*math.Sqrt(float64(n))
				dst := make([]float32, n)
				lse := SoftmaxRowLSE(dst, x)
				if d := math.Abs(lse - wantLSE); d > 1e-6+1e-7*math.Abs(wantLSE) {
					t.Fatalf("n=%d variant=%d: log-sum-exp %v, float64 %v", n, variant, lse, wantLSE)
				}
				for i, v := range dst {
					if d := math.Abs(float64(v) - ref[i]); d > tol*ref[i]+1e-37 {
						t.Fatalf("n=%d variant=%d i=%d: softmax %v, float64 %v", n, variant, i, v, ref[i])
					}
				}
				y := append([]float32(nil), x...)
				if SoftmaxRowLSE(y, y) != lse {
					t.Fatalf("n=%d variant=%d: in-place log-sum-exp differs", n, variant)
				}
				for i := range y {
					if y[i] != dst[i] {
						t.Fatalf("n=%d variant=%d: in place differs at %d", n, variant, i)
					}
				}
			}
		}
		if lse := SoftmaxRowLSE(nil, nil); !math.IsInf(lse, -1) {
			t.Fatalf("empty row: %v", lse)
		}
	})
}
