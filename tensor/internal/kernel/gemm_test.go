package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// gemmCase is one product to check: shapes, layouts and scalars.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	padA, padB     int // extra leading-dimension elements
	padC           int
	alpha, beta    float32
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,%dx%dx%d,pad=%d/%d/%d,alpha=%g,beta=%g",
		tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.padA, tc.padB, tc.padC, tc.alpha, tc.beta)
}

// operands returns random A, B and C for tc with their leading dimensions. Padding elements
// hold NaN so that reading them shows up.
func (tc gemmCase) operands(rng *rand.Rand) (a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	fill := func(rows, cols, ld int) []float32 {
		s := make([]float32, max(rows*ld, 0))
		for i := range s {
			if i%ld < cols {
				s[i] = float32(rng.NormFloat64())
			} else {
				s[i] = float32(math.NaN())
			}
		}
		if rows > 0 && cols > 0 {
			s = s[:(rows-1)*ld+cols] // the last row may be short, as callers allow
		}
		return s
	}
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = tc.n, tc.k
	}
	lda, ldb, ldc = max(ac, 1)+tc.padA, max(bc, 1)+tc.padB, max(tc.n, 1)+tc.padC
	a, b, c = fill(ar, ac, lda), fill(br, bc, ldb), fill(tc.m, tc.n, ldc)
	if tc.beta == 0 {
		for i := range c {
			c[i] = float32(math.NaN())
		}
	}
	return
}

// checkGemm runs Gemm on tc with the active path and compares with a float64 oracle.
func checkGemm(t *testing.T, tc gemmCase, rng *rand.Rand) {
	t.Helper()
	a, lda, b, ldb, c, ldc := tc.operands(rng)
	c0 := append([]float32(nil), c...)
	Gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
	// Dense float64 copies of op(A) (m×k) and op(B)ᵀ (n×k) keep the oracle loop tight.
	opA := make([]float64, tc.m*tc.k)
	opBT := make([]float64, tc.n*tc.k)
	for i := range tc.m {
		for p := range tc.k {
			if tc.transA {
				opA[i*tc.k+p] = float64(a[p*lda+i])
			} else {
				opA[i*tc.k+p] = float64(a[i*lda+p])
			}
		}
	}
	for j := range tc.n {
		for p := range tc.k {
			if tc.transB {
				opBT[j*tc.k+p] = float64(b[j*ldb+p])
			} else {
				opBT[j*tc.k+p] = float64(b[p*ldb+j])
			}
		}
	}
	const eps = 1.0 / (1 << 23)
	for i := range tc.m {
		ai := opA[i*tc.k : (i+1)*tc.k]
		for j := range tc.n {
			bj := opBT[j*tc.k : (j+1)*tc.k]
			var s, mag float64
			for p, av := range ai {
				s += av * bj[p]
				mag += math.Abs(av * bj[p])
			}
			want := float64(tc.alpha) * s
			mag *= math.Abs(float64(tc.alpha))
			if tc.beta != 0 {
				want += float64(tc.beta) * float64(c0[i*ldc+j])
				mag += math.Abs(float64(tc.beta) * float64(c0[i*ldc+j]))
			}
			tol := 2*float64(tc.k+2)*eps*mag + 1e-30
			got := float64(c[i*ldc+j])
			if !(math.Abs(got-want) <= tol) {
				t.Fatalf("%v: C[%d,%d] = %v, want %v (tol %.3g)", tc, i, j, got, want, tol)
			}
		}
		// Padding of C is never written.
		for j := tc.n; j < ldc && i*ldc+j < len(c); j++ {
			if g, w := c[i*ldc+j], c0[i*ldc+j]; math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
				t.Fatalf("%v: padding C[%d,%d] changed to %v", tc, i, j, g)
			}
		}
	}
}

// gemmForEachPath runs f with every supported path active.
func gemmForEachPath(t *testing.T, f func(t *testing.T)) {
	for _, p := range Paths() {
		t.Run(p.String(), func(t *testing.T) {
			defer Use(p)()
			f(t)
		})
	}
}

var gemmSizes = []int{0, 1, 3, 7, 15, 16, 17, 31, 33, 63, 65, 127, 129, 255, 257, 1000}

func TestGemmShapes(t *testing.T) {
	gemmForEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		budget := 30_000_000 // multiply-adds of the oracle per path
		if testing.Short() {
			budget = 1_500_000
		}
		scalars := [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {2, -1}, {0.25, 0}}
		for n := 0; budget > 0 && n < 4000; n++ {
			tc := gemmCase{
				transA: n%2 == 1, transB: n/2%2 == 1,
				m: gemmSizes[rng.IntN(len(gemmSizes))],
				n: gemmSizes[rng.IntN(len(gemmSizes))],
				k: gemmSizes[rng.IntN(len(gemmSizes))],
			}
			if tc.m*tc.n*tc.k > budget/4 {
				continue
			}
			if rng.IntN(3) == 0 {
				tc.padA, tc.padB, tc.padC = rng.IntN(5), rng.IntN(5), rng.IntN(5)
			}
			s := scalars[rng.IntN(len(scalars))]
			tc.alpha, tc.beta = s[0], s[1]
			budget -= tc.m*tc.n*tc.k + 100
			checkGemm(t, tc, rng)
		}
	})
}

// TestGemmVector covers the matrix–vector forms (m = 1 or n = 1) with strided operands.
func TestGemmVector(t *testing.T) {
	gemmForEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, other := range []int{1, 2, 5, 16, 17, 63, 64, 65, 100, 257, 1000} {
			for _, k := range []int{1, 3, 16, 31, 33, 64, 200, 1000} {
				if testing.Short() && other*k > 20_000 {
					continue
				}
				for tr := range 4 {
					for _, pad := range []int{0, 3} {
						s := [][2]float32{{1, 0}, {-1.5, 0.5}}[(tr+pad)%2]
						tA, tB := tr%2 == 1, tr/2 == 1
						checkGemm(t, gemmCase{transA: tA, transB: tB, m: 1, n: other, k: k, padA: pad, padB: pad, padC: pad, alpha: s[0], beta: s[1]}, rng)
						checkGemm(t, gemmCase{transA: tA, transB: tB, m: other, n: 1, k: k, padA: pad, padB: pad, padC: pad, alpha: s[0], beta: s[1]}, rng)
					}
				}
			}
		}
	})
}

// TestGemmSmallM covers the few-row products (2 ≤ m ≤ 16) with awkward n and k, every layout,
// strided operands and alpha/beta combinations (beta = 0 over NaN garbage included).
func TestGemmSmallM(t *testing.T) {
	sizes := []int{1, 3, 7, 15, 16, 17, 31, 33, 63, 65, 127, 129, 255, 257, 1000}
	limit := 1 << 21 // largest m·n·k checked
	if testing.Short() {
		limit = 1 << 16
	}
	scalars := [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {2, -1}, {0.25, 0}}
	gemmForEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 10))
		i := 0
		for m := 2; m <= 16; m++ {
			for _, n := range sizes {
				for _, k := range sizes {
					if m*n*k > limit {
						continue
					}
					i++
					tr := (i + m) % 4
					s := scalars[i%len(scalars)]
					pad := (i / 4) % 3
					tc := gemmCase{transA: tr%2 == 1, transB: tr/2 == 1, m: m, n: n, k: k, padA: pad, padB: 2 * pad, padC: pad, alpha: s[0], beta: s[1]}
					checkGemm(t, tc, rng)
				}
			}
		}
		// Every layout for a few shapes that cross the parallel threshold.
		for tr := range 4 {
			for _, s := range [][3]int{{2, 1000, 300}, {7, 1500, 257}, {16, 257, 1000}} {
				checkGemm(t, gemmCase{transA: tr%2 == 1, transB: tr/2 == 1, m: s[0], n: s[1], k: s[2], padA: 1, padB: 3, padC: 2, alpha: -0.5, beta: 0}, rng)
			}
		}
	})
}

// TestGemmRowsIndependentOfM checks that a row of C has the same bits whether it is computed
// with a few other rows (the small-m path) or many (the packed path), for m ≥ 2.
func TestGemmRowsIndependentOfM(t *testing.T) {
	gemmForEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, s := range [][2]int{{100, 37}, {257, 300}, {65, 600}, {1000, 129}, {10, 256}, {6, 600}, {16, 33}} {
			n, k := s[0], s[1]
			for tr := range 4 {
				big := gemmCase{transA: tr%2 == 1, transB: tr/2 == 1, m: 40, n: n, k: k, padA: 1, padB: 2, padC: 1, alpha: 0.7, beta: 0.3}
				a, lda, b, ldb, c, ldc := big.operands(rng)
				cBig := append([]float32(nil), c...)
				Gemm(big.transA, big.transB, big.m, n, k, big.alpha, a, lda, b, ldb, big.beta, cBig, ldc)
				for _, m := range []int{2, 5, 8, 13, 16} {
					// Rows 3 … 3+m of the big product, alone.
					as := a[3*lda:]
					if big.transA {
						as = a[3:]
					}
					cs := append([]float32(nil), c[3*ldc:]...)
					Gemm(big.transA, big.transB, m, n, k, big.alpha, as, lda, b, ldb, big.beta, cs, ldc)
					for i := range m {
						for j := range n {
							if g, w := cs[i*ldc+j], cBig[(3+i)*ldc+j]; math.Float32bits(g) != math.Float32bits(w) {
								t.Fatalf("tr=%d %dx%dx%d: C[%d,%d] = %v alone, %v within m=40", tr, m, n, k, i+3, j, g, w)
							}
						}
					}
				}
			}
		}
	})
}

// TestGemmSpecial covers alpha = 0, k = 0 and empty products.
func TestGemmSpecial(t *testing.T) {
	gemmForEachPath(t, func(t *testing.T) {
		nan := float32(math.NaN())
		for _, beta := range []float32{0, 1, 3} {
			c := []float32{nan, 2, 3, 4, 5, 6}
			if beta != 0 {
				c[0] = 1
			}
			a := []float32{nan, nan, nan, nan}
			Gemm(false, false, 2, 3, 2, 0, a, 2, []float32{1, 2, 3, 4, 5, 6}, 3, beta, c, 3)
			Gemm(false, false, 2, 3, 0, 1, nil, 1, nil, 3, 1, c, 3) // k = 0, beta = 1: unchanged
			for i, v := range c {
				want := beta * float32(i+1)
				if v != want {
					t.Fatalf("beta=%v: c[%d] = %v, want %v", beta, i, v, want)
				}
			}
		}
		Gemm(false, false, 0, 5, 5, 1, nil, 5, make([]float32, 25), 5, 0, nil, 5)
		Gemm(true, true, 5, 0, 5, 1, make([]float32, 25), 5, nil, 5, 0, nil, 1)
	})
}

// TestGemmLarge checks big, blocked products (several k, m and n blocks) in every layout.
func TestGemmLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large products")
	}
	gemmForEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for tr := range 4 {
			checkGemm(t, gemmCase{transA: tr%2 == 1, transB: tr/2 == 1, m: 71, n: 1100, k: 530, padA: tr, padB: 1, padC: 2, alpha: 0.5, beta: -1}, rng)
			checkGemm(t, gemmCase{transA: tr%2 == 1, transB: tr/2 == 1, m: 5, n: 1100, k: 530, padA: 1, padB: tr, padC: 3, alpha: -1, beta: 0}, rng)
		}
		checkGemm(t, gemmCase{m: 1030, n: 50, k: 300, alpha: 1, beta: 0}, rng)
		// Weight gradients Xᵀ·G that read Xᵀ in place (gemmDirectATK, gemmDirectATM).
		checkGemm(t, gemmCase{transA: true, m: 784, n: 256, k: 64, padA: 3, alpha: 1, beta: 0}, rng)
		checkGemm(t, gemmCase{transA: true, m: 1600, n: 128, k: 32, padC: 1, alpha: 0.5, beta: 1}, rng)
	})
}

// TestGemmNarrow checks products with few columns (the transposed small-m path) against the
// oracle, for every layout and with beta ≠ 0.
func TestGemmNarrow(t *testing.T) {
	gemmForEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(13, 14))
		for tr := range 4 {
			for _, s := range [][3]int{{64, 10, 256}, {256, 10, 64}, {17, 2, 30}, {100, 16, 300}, {33, 7, 1}, {2000, 6, 130}} {
				checkGemm(t, gemmCase{transA: tr%2 == 1, transB: tr/2 == 1, m: s[0], n: s[1], k: s[2], padA: tr, padB: 1, padC: 2, alpha: 0.5, beta: -1}, rng)
				checkGemm(t, gemmCase{transA: tr%2 == 1, transB: tr/2 == 1, m: s[0], n: s[1], k: s[2], alpha: 1, beta: 0}, rng)
			}
		}
	})
}

// TestGemmSplitK checks the products that split their k blocks over goroutines (gemmSplitsK)
// against the oracle, with two and three goroutines.
func TestGemmSplitK(t *testing.T) {
	for _, procs := range []int{2, 3} {
		prev := runtime.GOMAXPROCS(procs)
		gemmForEachPath(t, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(9, uint64(procs)))
			for _, tc := range []gemmCase{
				{m: 64, n: 256, k: 784, alpha: 1, beta: 0},
				{m: 32, n: 128, k: 1600, alpha: 1, beta: 1, padC: 3},
				{m: 30, n: 100, k: 1000, alpha: -0.5, beta: 2, padA: 1, padB: 2, padC: 1},
				{m: 17, n: 250, k: 900, alpha: 0.25, beta: -1, transA: true, padA: 3},
			} {
				if !gemmSplitsK(tc.m, tc.n, tc.k, tc.transB) {
					t.Fatalf("%v does not split k", tc)
				}
				checkGemm(t, tc, rng)
			}
			// Few rows, too few columns to split (the small-m path).
			for _, tc := range []gemmCase{
				{m: 16, n: 36, k: 3200, alpha: 1, beta: 1, transB: true},
				{m: 12, n: 70, k: 1100, alpha: 0.5, beta: 0, padB: 1, padC: 2},
				{m: 9, n: 100, k: 1500, alpha: 1, beta: -0.5, transA: true, transB: true, padA: 2},
				// Two strips with a k block per goroutine (a few tokens through a 512→128
				// projection).
				{m: 6, n: 128, k: 512, alpha: 1, beta: 1, padC: 1},
				{m: 2, n: 100, k: 700, alpha: -1, beta: 0, padA: 1, padB: 3},
			} {
				checkGemm(t, tc, rng)
			}
		})
		runtime.GOMAXPROCS(prev)
	}
}

// TestGemmThreadInvariance checks that the bits of the result do not depend on GOMAXPROCS.
func TestGemmThreadInvariance(t *testing.T) {
	shapes := [][3]int{{300, 333, 257}, {97, 1200, 300}, {1100, 40, 300}, {1, 3000, 700}, {1, 900, 700}, {2000, 1, 700}, {64, 64, 64},
		{8, 3000, 300}, {5, 700, 700}, {16, 129, 2100}, {3, 1000, 257},
		// k blocks split over goroutines (gemmSplitsK): even and odd block counts, more blocks
		// than goroutines, partial tiles.
		{64, 256, 784}, {32, 128, 1600}, {24, 200, 1000}, {30, 300, 2100}, {16, 36, 3200}, {12, 70, 1100}, {64, 256, 256}, {40, 150, 200},
		{6, 128, 512}, {2, 100, 700},
		// Narrow products (gemmNarrow), split by their rows when large.
		{64, 10, 256}, {5000, 12, 300}, {300, 3, 2000}}
	if testing.Short() {
		shapes = [][3]int{{150, 170, 300}, {1, 2000, 300}, {1000, 1, 300}, {6, 1100, 300}, {32, 128, 1600}, {24, 200, 1000}, {16, 36, 3200}, {6, 128, 512}}
	}
	gemmForEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, s := range shapes {
			for tr := range 4 {
				tc := gemmCase{transA: tr%2 == 1, transB: tr/2 == 1, m: s[0], n: s[1], k: s[2], padC: 1, alpha: 0.7, beta: 0.3}
				a, lda, b, ldb, c0, ldc := tc.operands(rng)
				checkProcsInvariant(t, tc, c0, func(c []float32) {
					Gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
				})
			}
		}
	})
}

// checkProcsInvariant runs run on copies of c0 with GOMAXPROCS 1, 2 and 3 and fails unless the
// results have the same bits (NaN padding included).
func checkProcsInvariant(t *testing.T, what any, c0 []float32, run func(c []float32)) {
	t.Helper()
	var ref []float32
	for _, procs := range []int{1, 2, 3} {
		prev := runtime.GOMAXPROCS(procs)
		c := append([]float32(nil), c0...)
		run(c)
		runtime.GOMAXPROCS(prev)
		if ref == nil {
			ref = c
			continue
		}
		for i := range c {
			if math.Float32bits(c[i]) != math.Float32bits(ref[i]) && !(isNaN(c[i]) && isNaN(ref[i])) {
				t.Fatalf("%v: GOMAXPROCS=%d gives c[%d] = %v, GOMAXPROCS=1 gives %v", what, procs, i, c[i], ref[i])
			}
		}
	}
}

// TestGemmAllocs checks that a steady-state call allocates nothing.
func TestGemmAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts are unreliable under the race detector")
	}
	for _, s := range [][3]int{{64, 64, 64}, {300, 300, 300}, {1, 1024, 1024}, {1024, 1, 1024}, {8, 1536, 384}, {5, 65, 384}} {
		m, n, k := s[0], s[1], s[2]
		a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
		for tr := range 4 {
			tA, tB := tr%2 == 1, tr/2 == 1
			lda, ldb := k, n
			if tA {
				lda = m
			}
			if tB {
				ldb = k
			}
			f := func() { Gemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 0, c, n) }
			f()
			if got := testing.AllocsPerRun(5, f); got > 0 {
				t.Errorf("%dx%dx%d tA=%v tB=%v: %v allocations per call", m, n, k, tA, tB, got)
			}
		}
	}
}

// TestGemmConcurrent runs parallel products from several goroutines at once (sharing the
// worker pool and recycled jobs) and checks each against the same product run alone.
func TestGemmConcurrent(t *testing.T) {
	prev := runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 2))
	defer runtime.GOMAXPROCS(prev)
	rng := rand.New(rand.NewPCG(9, 10))
	cases := []gemmCase{
		{m: 120, n: 130, k: 110, alpha: 1, beta: 0},
		{transA: true, transB: true, m: 100, n: 150, k: 90, alpha: 2, beta: 0.5},
		{m: 1, n: 1500, k: 400, alpha: 1, beta: 0},
		{transB: true, m: 1, n: 700, k: 500, alpha: 1, beta: 1},
	}
	type operands struct {
		a, b, c, want []float32
		lda, ldb, ldc int
	}
	ops := make([]operands, len(cases))
	for i, tc := range cases {
		o := &ops[i]
		o.a, o.lda, o.b, o.ldb, o.c, o.ldc = tc.operands(rng)
		o.want = append([]float32(nil), o.c...)
		Gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, o.a, o.lda, o.b, o.ldb, tc.beta, o.want, o.ldc)
	}
	reps := 20
	if testing.Short() {
		reps = 4
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range reps {
				i := (g + r) % len(cases)
				tc, o := cases[i], ops[i]
				c := append([]float32(nil), o.c...)
				Gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, o.a, o.lda, o.b, o.ldb, tc.beta, c, o.ldc)
				for j := range c {
					if math.Float32bits(c[j]) != math.Float32bits(o.want[j]) && !(c[j] != c[j] && o.want[j] != o.want[j]) {
						errs <- fmt.Sprintf("%v: c[%d] = %v, want %v", tc, j, c[j], o.want[j])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestGemmPartialPanels covers products whose last row panel is partial, eight rows or fewer
// (the micro8 kernel, written directly or through the scratch tile) or more, with whole and
// partial column panels, on every layout.
func TestGemmPartialPanels(t *testing.T) {
	gemmForEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(15, 16))
		for tr := range 4 {
			for _, m := range []int{22, 32, 36, 64, 27} {
				for _, n := range []int{32, 64, 45} {
					tc := gemmCase{transA: tr%2 == 1, transB: tr/2 == 1, m: m, n: n, k: 70, padA: 1, padC: 3, alpha: 0.5, beta: 0.25}
					checkGemm(t, tc, rng)
					tc.alpha, tc.beta = 1, 0
					checkGemm(t, tc, rng)
				}
			}
		}
	})
}
