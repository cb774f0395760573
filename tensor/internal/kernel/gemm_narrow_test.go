package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemmNarrowDirect checks that the narrow kernel's products (untransposed B of at most 16
// columns) have the bits of the transposed small-m path they replace, with full and partial
// tiles, several k blocks, beta zero and not, and padded operands.
func TestGemmNarrowDirect(t *testing.T) {
	gemmForEachPath(t, func(t *testing.T) {
		g := gemmKernels[active]
		if g == nil || g.narrow == nil {
			t.Skip("no narrow kernel on this path")
		}
		rng := rand.New(rand.NewPCG(41, 42))
		for _, s := range [][3]int{{64, 10, 256}, {256, 10, 64}, {17, 2, 30}, {100, 16, 300}, {33, 7, 1}, {29, 13, 700}, {28, 6, 128}} {
			for _, transA := range []bool{false, true} {
				for _, beta := range []float32{0, -0.5} {
					tc := gemmCase{transA: transA, m: s[0], n: s[1], k: s[2], padA: 1, padB: 2, padC: 3, alpha: 0.7, beta: beta}
					a, lda, b, ldb, c, ldc := tc.operands(rng)
					want := append([]float32(nil), c...)
					gemmNarrowDirect(g, transA, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, beta, c, ldc)
					gemmNarrow(g, transA, false, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, beta, want, ldc)
					for i := range c {
						if math.Float32bits(c[i]) != math.Float32bits(want[i]) && !(isNaN(c[i]) && isNaN(want[i])) {
							t.Fatalf("%v: c[%d] = %v, transposed small-m path %v", tc, i, c[i], want[i])
						}
					}
				}
			}
		}
	})
}
