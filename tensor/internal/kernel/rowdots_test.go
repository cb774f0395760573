package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rowDotsCase fills A (m×k, row stride lda) and B (n×k, row stride ldb) and C (m×n, row
// stride ldc), with NaN in the padding, from f.
func rowDotsCase(m, n, k, pad int, f func() float32) (a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	lda, ldb, ldc = k+pad, k+2*pad, n+pad
	fill := func(rows, cols, ld int) []float32 {
		s := make([]float32, rows*ld)
		for i := range s {
			if i%ld < cols {
				s[i] = f()
			} else {
				s[i] = float32(math.NaN())
			}
		}
		return s
	}
	return fill(m, k, lda), lda, fill(n, k, ldb), ldb, fill(m, n, ldc), ldc
}

var rowDotsShapes = [][3]int{{1, 1, 1}, {4, 6, 16}, {4, 6, 17}, {3, 5, 15}, {16, 37, 3200}, {5, 7, 33}, {16, 36, 100}, {9, 13, 1000}, {2, 40, 64}}

// TestRowDots checks RowDots against a float64 oracle on every path, with beta zero and not,
// partial blocks, k tails and padded rows (the padding of C must stay untouched).
func TestRowDots(t *testing.T) {
	gemmForEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(31, 32))
		for _, s := range rowDotsShapes {
			m, n, k := s[0], s[1], s[2]
			for _, beta := range []float32{0, 0.5} {
				a, lda, b, ldb, c, ldc := rowDotsCase(m, n, k, 3, func() float32 { return float32(rng.NormFloat64()) })
				c0 := append([]float32(nil), c...)
				RowDots(m, n, k, 0.7, a, lda, b, ldb, beta, c, ldc)
				for i := range m {
					for j := range ldc {
						got := c[i*ldc+j]
						if j >= n {
							if !isNaN(got) {
								t.Fatalf("%v: padding C[%d,%d] = %v, want NaN", s, i, j, got)
							}
							continue
						}
						var want, mag float64
						for p := range k {
							v := float64(a[i*lda+p]) * float64(b[j*ldb+p])
							want += v
							mag += math.Abs(v)
						}
						want *= 0.7
						if beta != 0 {
							want += float64(beta) * float64(c0[i*ldc+j])
						}
						if tol := 1e-6*(mag+math.Abs(float64(c0[i*ldc+j]))) + 1e-6; math.Abs(float64(got)-want) > tol*float64(k+1) {
							t.Fatalf("%v beta=%v: C[%d,%d] = %v, want %v", s, beta, i, j, got, want)
						}
					}
				}
			}
		}
	})
}

// TestRowDotsExact checks indexing, tails and blocks with small integers, whose sums are exact
// in any order.
func TestRowDotsExact(t *testing.T) {
	gemmForEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(33, 34))
		for _, s := range rowDotsShapes {
			m, n, k := s[0], s[1], s[2]
			a, lda, b, ldb, c, ldc := rowDotsCase(m, n, k, 1, func() float32 { return float32(rng.IntN(9) - 4) })
			RowDots(m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
			for i := range m {
				for j := range n {
					var want float32
					for p := range k {
						want += a[i*lda+p] * b[j*ldb+p]
					}
					if got := c[i*ldc+j]; got != want {
						t.Fatalf("%v: C[%d,%d] = %v, want %v", s, i, j, got, want)
					}
				}
			}
		}
	})
}

// TestRowDotsThreads checks that the result does not depend on GOMAXPROCS.
func TestRowDotsThreads(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	m, n, k := 16, 37, 3200
	a, lda, b, ldb, c0, ldc := rowDotsCase(m, n, k, 0, func() float32 { return float32(rng.NormFloat64()) })
	checkProcsInvariant(t, "16×37×3200", c0, func(c []float32) { RowDots(m, n, k, 1, a, lda, b, ldb, 1, c, ldc) })
}

func BenchmarkRowDots(b *testing.B) {
	rng := rand.New(rand.NewPCG(37, 38))
	m, n, k := 16, 37, 3200
	a, lda, bm, ldb, c, ldc := rowDotsCase(m, n, k, 0, func() float32 { return float32(rng.NormFloat64()) })
	for _, p := range Paths() {
		b.Run(p.String(), func(b *testing.B) {
			defer Use(p)()
			b.ReportAllocs()
			for b.Loop() {
				RowDots(m, n, k, 1, a, lda, bm, ldb, 0, c, ldc)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
	}
	// The same product through Gemm, which packs Bᵀ.
	b.Run("gemm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Gemm(false, true, m, n, k, 1, a, lda, bm, ldb, 0, c, ldc)
		}
		b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
	})
}
