package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemmTransposed checks the products computed as Cᵀ = B·Aᵀ (gemmTransposedPays) against
// the oracle, with beta zero and not, padded operands and partial tiles, and checks that they
// have the bits of the packed path, which packs Bᵀ instead.
func TestGemmTransposed(t *testing.T) {
	shapes := [][3]int{{32, 1600, 128}, {32, 256, 256}, {17, 140, 40}, {50, 433, 129}, {64, 4000, 300}, {33, 280, 700}}
	gemmForEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 22))
		for _, s := range shapes {
			if !gemmTransposedPays(false, true, s[0], s[1], s[2]) {
				t.Fatalf("%v does not take the transposed path", s)
			}
			for _, tc := range []gemmCase{
				{transB: true, m: s[0], n: s[1], k: s[2], padA: 1, padB: 3, padC: 2, alpha: 0.5, beta: -1},
				{transB: true, m: s[0], n: s[1], k: s[2], alpha: 1, beta: 0},
			} {
				checkGemm(t, tc, rng)
				a, lda, b, ldb, c, ldc := tc.operands(rng)
				got := append([]float32(nil), c...)
				Gemm(false, true, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, got, ldc)
				g := gemmKernels[active]
				if g == nil {
					g = gemmKernels[Generic]
				}
				gemmPacked(g, false, true, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
				for i := range c {
					if math.Float32bits(got[i]) != math.Float32bits(c[i]) && !(isNaN(got[i]) && isNaN(c[i])) {
						t.Fatalf("%v: c[%d] = %v transposed, %v packed", tc, i, got[i], c[i])
					}
				}
			}
		}
	})
}

func isNaN(v float32) bool { return v != v }

// TestGemmTransposedThreads checks that the transposed products do not depend on GOMAXPROCS.
func TestGemmTransposedThreads(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, s := range [][3]int{{32, 1600, 128}, {32, 256, 256}, {40, 500, 600}} {
		tc := gemmCase{transB: true, m: s[0], n: s[1], k: s[2], padC: 1, alpha: 0.7, beta: 0.3}
		a, lda, b, ldb, c0, ldc := tc.operands(rng)
		checkProcsInvariant(t, tc, c0, func(c []float32) {
			Gemm(false, true, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
		})
	}
}

// TestTranspose checks each path's transpose against the definition, with strides wider than
// the rows and sizes around the 16×16 tiles, leaving the padding alone.
func TestTranspose(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	gemmForEachPath(t, func(t *testing.T) {
		g := gemmKernels[active]
		tr := transposeGeneric
		if g != nil && g.transpose != nil {
			tr = g.transpose
		}
		for _, s := range [][2]int{{1, 1}, {16, 16}, {15, 17}, {33, 64}, {64, 33}, {100, 7}, {3, 200}} {
			rows, cols := s[0], s[1]
			lds, ldd := cols+3, rows+5
			src := make([]float32, rows*lds)
			for i := range src {
				src[i] = rng.Float32()
			}
			dst := make([]float32, cols*ldd)
			for i := range dst {
				dst[i] = -1
			}
			tr(dst, ldd, src, lds, rows, cols)
			for p := range cols {
				for r := range ldd {
					want := float32(-1)
					if r < rows {
						want = src[r*lds+p]
					}
					if got := dst[p*ldd+r]; got != want {
						t.Fatalf("%dx%d: dst[%d*%d+%d] = %v, want %v", rows, cols, p, ldd, r, got, want)
					}
				}
			}
		}
	})
}
