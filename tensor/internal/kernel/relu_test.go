package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// reluInputs returns n values centred on zero with the special cases sprinkled in.
func reluInputs(rng *rand.Rand, n int) []float32 {
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1e-45, -1e-45}
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
		if rng.IntN(5) == 0 {
			x[i] = special[rng.IntN(len(special))]
		}
	}
	return x
}

// sameBits reports whether a and b are the same float32, NaNs equal to each other.
func sameBits(a, b float32) bool {
	if a != a && b != b {
		return true
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

// TestReLUKernels checks every path against the definitions, bit for bit (signs of zeros and
// NaN included), at lengths around the vector widths and the parallel split.
func TestReLUKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	forPaths(t, func(t *testing.T, p Path) {
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 100, elementwiseParallelMin + 37} {
			x, dy, acc := reluInputs(rng, n), reluInputs(rng, n), reluInputs(rng, n)
			y := make([]float32, n)
			ReLU(y, x)
			g := make([]float32, n)
			ReLUGrad(g, x, dy)
			ga := append([]float32(nil), acc...)
			ReLUGradAdd(ga, x, dy)
			for i, v := range x {
				if want := max(v, 0); !sameBits(y[i], want) {
					t.Fatalf("n=%d: ReLU(%v) = %v, want %v", n, v, y[i], want)
				}
				want, wantAdd := float32(0), acc[i]
				if v > 0 {
					want, wantAdd = dy[i], acc[i]+dy[i]
				}
				if !sameBits(g[i], want) {
					t.Fatalf("n=%d: ReLUGrad at x=%v, dy=%v: %v, want %v", n, v, dy[i], g[i], want)
				}
				if !sameBits(ga[i], wantAdd) {
					t.Fatalf("n=%d: ReLUGradAdd at x=%v, dy=%v onto %v: %v, want %v", n, v, dy[i], acc[i], ga[i], wantAdd)
				}
			}
			// In place: dst aliasing x for the forward pass, dy for the backward.
			ReLU(x, x)
			ReLUGrad(dy, append([]float32(nil), g...), dy)
			for i := range x {
				if !sameBits(x[i], y[i]) {
					t.Fatalf("n=%d: in-place ReLU differs at %d", n, i)
				}
			}
		}
	})
}

func BenchmarkReLUGrad(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 16384
	x, dy, dst := reluInputs(rng, n), reluInputs(rng, n), make([]float32, n)
	for _, p := range Paths() {
		b.Run(p.String(), func(b *testing.B) {
			defer Use(p)()
			b.SetBytes(12 * int64(n))
			for b.Loop() {
				ReLUGrad(dst, x, dy)
			}
		})
	}
}
