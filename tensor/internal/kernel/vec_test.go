package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// vecLengths are awkward lengths around every vector width and unroll factor.
var vecLengths = []int{0, 1, 3, 7, 15, 16, 17, 31, 33, 63, 65, 127, 129, 255, 257, 1000}

// forPaths runs fn as a subtest on every supported path, restoring the active path after.
func forPaths(t *testing.T, fn func(t *testing.T, p Path)) {
	t.Helper()
	for _, p := range Paths() {
		t.Run(p.String(), func(t *testing.T) {
			restore := Use(p)
			defer restore()
			fn(t, p)
		})
	}
}

// withPath runs fn with path p active.
func withPath[T any](p Path, fn func() T) T {
	restore := Use(p)
	defer restore()
	return fn()
}

// randVec returns n+off random values in [-scale, scale], sliced from off: an unaligned start
// for off > 0.
func randVec(rng *rand.Rand, n, off int, scale float64) []float32 {
	v := make([]float32, n+off)
	for i := range v {
		v[i] = float32((2*rng.Float64() - 1) * scale)
	}
	return v[off:]
}

func TestVecDot(t *testing.T) {
	forPaths(t, func(t *testing.T, p Path) {
		rng := rand.New(rand.NewPCG(1, uint64(p)))
		for _, n := range append(vecLengths, 4096, 4099) {
			for off := range 4 {
				x, y := randVec(rng, n, off, 1), randVec(rng, n+2, 3-off, 1)
				var ref, mag float64
				for i := range n {
					ref += float64(x[i]) * float64(y[i])
					mag += math.Abs(float64(x[i]) * float64(y[i]))
				}
				got := Dot(x, y)
				// Worst-case float32 accumulation bound for a chain of n/accumulators terms
				// is far above this; with random signs the error is about √n ulps.
				tol := 2e-7 * (math.Sqrt(float64(n))*4 + 2) * (mag + 1e-30)
				if d := math.Abs(float64(got) - ref); d > tol {
					t.Errorf("n=%d off=%d: Dot = %v, float64 %v (diff %g > %g)", n, off, got, ref, d, tol)
				}
				if again := Dot(x, y); math.Float32bits(again) != math.Float32bits(got) {
					t.Errorf("n=%d: Dot not deterministic: %v then %v", n, got, again)
				}
				if g := withPath(Generic, func() float32 { return Dot(x, y) }); math.Abs(float64(g-got)) > tol {
					t.Errorf("n=%d off=%d: Dot %v differs from generic %v", n, off, got, g)
				}
			}
		}
	})
}

func TestVecSum(t *testing.T) {
	forPaths(t, func(t *testing.T, p Path) {
		rng := rand.New(rand.NewPCG(2, uint64(p)))
		for _, n := range append(vecLengths, 4096, 4099) {
			for off := range 4 {
				x := randVec(rng, n, off, 10)
				var ref, mag float64
				for _, v := range x {
					ref += float64(v)
					mag += math.Abs(float64(v))
				}
				got := Sum(x)
				tol := 2e-7 * (math.Sqrt(float64(n))*4 + 2) * (mag + 1e-30)
				if d := math.Abs(float64(got) - ref); d > tol {
					t.Errorf("n=%d off=%d: Sum = %v, float64 %v (diff %g > %g)", n, off, got, ref, d, tol)
				}
				if again := Sum(x); math.Float32bits(again) != math.Float32bits(got) {
					t.Errorf("n=%d: Sum not deterministic", n)
				}
			}
		}
		// Exact small cases.
		if s := Sum([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}); s != 153 {
			t.Errorf("Sum(1..17) = %v, want 153", s)
		}
		if s := Sum(nil); s != 0 {
			t.Errorf("Sum(nil) = %v", s)
		}
		inf := float32(math.Inf(1))
		if s := Sum([]float32{1, inf, 2}); s != inf {
			t.Errorf("Sum with +Inf = %v", s)
		}
	})
}

func TestVecMax(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	forPaths(t, func(t *testing.T, p Path) {
		rng := rand.New(rand.NewPCG(3, uint64(p)))
		if m := Max(nil); m != -inf {
			t.Errorf("Max(nil) = %v, want -Inf", m)
		}
		for _, n := range append(vecLengths, 4099) {
			if n == 0 {
				continue
			}
			for off := range 4 {
				x := randVec(rng, n, off, 100)
				ref := float32(math.Inf(-1))
				for _, v := range x {
					ref = max(ref, v)
				}
				if got := Max(x); got != ref {
					t.Errorf("n=%d off=%d: Max = %v, want %v", n, off, got, ref)
				}
				// The maximum at every position of interest, including the tails.
				for _, pos := range []int{0, n / 2, n - 1} {
					y := append([]float32(nil), x...)
					y[pos] = 1e30
					if got := Max(y); got != 1e30 {
						t.Errorf("n=%d: Max with 1e30 at %d = %v", n, pos, got)
					}
					y[pos] = inf
					if got := Max(y); got != inf {
						t.Errorf("n=%d: Max with +Inf at %d = %v", n, pos, got)
					}
					y[pos] = nan
					if got := Max(y); got == got {
						t.Errorf("n=%d: Max with NaN at %d = %v, want NaN", n, pos, got)
					}
					// A NaN followed by larger values still wins.
					if pos+1 < n {
						y[pos+1] = 1e35
						if got := Max(y); got == got {
							t.Errorf("n=%d: Max with NaN at %d then 1e35 = %v, want NaN", n, pos, got)
						}
					}
				}
				// All negative, all -Inf.
				y := make([]float32, n)
				for i := range y {
					y[i] = -inf
				}
				if got := Max(y); got != -inf {
					t.Errorf("n=%d: Max(all -Inf) = %v", n, got)
				}
				y[n-1] = -5
				if got := Max(y); got != -5 {
					t.Errorf("n=%d: Max = %v, want -5", n, got)
				}
			}
		}
	})
}

// TestVecElementwise checks Axpy, Scale, Add and Mul, with and without aliasing. Add, Mul and
// Scale are correctly rounded, so they equal the float64 operation rounded to float32; Axpy is
// within one rounding of it (it may or may not fuse the multiply and add).
func TestVecElementwise(t *testing.T) {
	forPaths(t, func(t *testing.T, p Path) {
		rng := rand.New(rand.NewPCG(4, uint64(p)))
		for _, n := range vecLengths {
			for off := range 4 {
				a, b := randVec(rng, n, off, 10), randVec(rng, n, (off+1)%4, 10)
				alpha := float32(rng.Float64()*4 - 2)
				dst := randVec(rng, n, (off+2)%4, 1)
				// check compares got with ref within ulps units of 6e-8·|mag|, mag defaulting
				// to the reference itself.
				check := func(op string, got []float32, ref func(i int) float64, ulps float64, mag ...func(i int) float64) {
					t.Helper()
					for i := range n {
						r := ref(i)
						m := math.Abs(r)
						if len(mag) > 0 {
							m = mag[0](i)
						}
						if d := math.Abs(float64(got[i]) - r); d > ulps*6e-8*m {
							t.Fatalf("%s n=%d off=%d i=%d: got %v want %v", op, n, off, i, got[i], r)
						}
					}
				}
				exact := func(f func(i int) float64) func(int) float64 {
					return func(i int) float64 { return float64(float32(f(i))) }
				}
				Add(dst, a, b)
				check("Add", dst, exact(func(i int) float64 { return float64(a[i]) + float64(b[i]) }), 0)
				Mul(dst, a, b)
				check("Mul", dst, exact(func(i int) float64 { return float64(a[i]) * float64(b[i]) }), 0)
				Scale(dst, alpha, a)
				check("Scale", dst, exact(func(i int) float64 { return float64(alpha) * float64(a[i]) }), 0)
				y := append([]float32(nil), b...)
				Axpy(alpha, a, y)
				check("Axpy", y, func(i int) float64 { return float64(b[i]) + float64(alpha)*float64(a[i]) }, 2,
					func(i int) float64 { return math.Abs(float64(b[i])) + math.Abs(float64(alpha)*float64(a[i])) })
				if n > 0 {
					// Axpy must tolerate a longer y and leave the rest alone.
					long := append(append([]float32(nil), b...), 42)
					Axpy(alpha, a, long)
					if long[n] != 42 {
						t.Fatalf("Axpy wrote past len(x)")
					}
				}

				// Aliasing: dst is an input.
				a0, b0 := append([]float32(nil), a...), append([]float32(nil), b...)
				c := append([]float32(nil), a...)
				Add(c, c, b)
				check("Add dst=a", c, exact(func(i int) float64 { return float64(a0[i]) + float64(b0[i]) }), 0)
				c = append(c[:0], b...)
				Mul(c, a, c)
				check("Mul dst=b", c, exact(func(i int) float64 { return float64(a0[i]) * float64(b0[i]) }), 0)
				c = append(c[:0], a...)
				Mul(c, c, c)
				check("Mul dst=a=b", c, exact(func(i int) float64 { return float64(a0[i]) * float64(a0[i]) }), 0)
				c = append(c[:0], a...)
				Scale(c, alpha, c)
				check("Scale dst=x", c, exact(func(i int) float64 { return float64(alpha) * float64(a0[i]) }), 0)
			}
		}
	})
}

// TestVecParallel checks that the elementwise kernels above the parallel threshold match a
// single-goroutine run bit for bit, and that reductions do not depend on GOMAXPROCS.
func TestVecParallel(t *testing.T) {
	n := elementwiseParallelMin*2 + 37
	if testing.Short() {
		n = elementwiseParallelMin + 37
	}
	forPaths(t, func(t *testing.T, p Path) {
		rng := rand.New(rand.NewPCG(5, uint64(p)))
		a, b := randVec(rng, n, 1, 10), randVec(rng, n, 2, 10)
		run := func(procs int) [][]float32 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			out := make([][]float32, 8)
			for i := range out {
				out[i] = make([]float32, n)
			}
			Add(out[0], a, b)
			Mul(out[1], a, b)
			Scale(out[2], 1.5, a)
			copy(out[3], b)
			Axpy(-0.75, a, out[3])
			Exp(out[4], a)
			Tanh(out[5], a)
			Sigmoid(out[6], a)
			GELUTanh(out[7], a)
			out = append(out, []float32{Dot(a, b), Sum(a), Max(a)})
			return out
		}
		one, many := run(1), run(4)
		for k := range one {
			for i := range one[k] {
				if math.Float32bits(one[k][i]) != math.Float32bits(many[k][i]) {
					t.Fatalf("result %d element %d: %v with 1 goroutine, %v with 4", k, i, one[k][i], many[k][i])
				}
			}
		}
	})
}

func TestVecPaths(t *testing.T) {
	if len(Paths()) == 0 || Paths()[0] != Generic {
		t.Fatalf("Paths() = %v, want Generic first", Paths())
	}
	if !Supported(Active()) {
		t.Fatalf("active path %v not supported", Active())
	}
	for p := Generic; p <= numPaths; p++ {
		_ = fmt.Sprint(p)
	}
	for p := range numPaths {
		if !Supported(p) {
			continue
		}
		for name, missing := range map[string]bool{
			"dot": dotImpl[p] == nil, "axpy": axpyImpl[p] == nil, "scale": scaleImpl[p] == nil,
			"add": addImpl[p] == nil, "mul": mulImpl[p] == nil, "sum": sumImpl[p] == nil,
			"max": maxImpl[p] == nil, "exp": expImpl[p] == nil, "tanh": tanhImpl[p] == nil,
			"sigmoid": sigmoidImpl[p] == nil, "gelu": geluImpl[p] == nil,
		} {
			if missing {
				t.Errorf("path %v has no %s kernel", p, name)
			}
		}
	}
}
