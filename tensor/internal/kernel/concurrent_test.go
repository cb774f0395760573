package kernel

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

func TestConcurrentRunsEverySectionOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5} {
		var calls [5]atomic.Int32
		Concurrent(n, func(i int) { calls[i].Add(1) })
		for i := range calls {
			want := int32(0)
			if i < n {
				want = 1
			}
			if got := calls[i].Load(); got != want {
				t.Errorf("n=%d: section %d ran %d times, want %d", n, i, got, want)
			}
		}
	}
	if s := sections.Load(); s != 0 {
		t.Fatalf("%d sections still counted after the calls returned", s)
	}
}

func TestConcurrentSharesProcessors(t *testing.T) {
	p := runtime.GOMAXPROCS(0)
	if got := procs(); got != p {
		t.Fatalf("outside Concurrent procs() = %d, want GOMAXPROCS %d", got, p)
	}
	var seen [2]int
	var arrived, read atomic.Int32
	wait := func(c *atomic.Int32) {
		c.Add(1)
		for c.Load() < 2 {
			runtime.Gosched()
		}
	}
	Concurrent(2, func(i int) {
		// Both sections read procs() while both run.
		wait(&arrived)
		seen[i] = procs()
		wait(&read)
	})
	want := max(1, p/2)
	for i, got := range seen {
		if got != want {
			t.Errorf("section %d: procs() = %d, want %d of GOMAXPROCS %d", i, got, want, p)
		}
	}
}

func TestConcurrentReraisesPanics(t *testing.T) {
	var finished atomic.Int32
	defer func() {
		r := recover()
		msg, _ := r.(string)
		if !strings.Contains(msg, "section 2 of 3") || !strings.Contains(msg, "boom") {
			t.Fatalf("recovered %v, want the panic of section 2", r)
		}
		if finished.Load() != 2 {
			t.Fatalf("%d other sections finished before the panic was re-raised, want 2", finished.Load())
		}
		if s := sections.Load(); s != 0 {
			t.Fatalf("%d sections still counted after a panic", s)
		}
	}()
	Concurrent(3, func(i int) {
		if i == 2 {
			panic("boom")
		}
		finished.Add(1)
	})
}

// TestGemmInsideConcurrent checks that products computed in concurrent sections, where they
// split over fewer goroutines, equal the same products computed alone.
func TestGemmInsideConcurrent(t *testing.T) {
	const m, n, k = 96, 200, 150
	rng := rand.New(rand.NewPCG(1, 2))
	a, b := randVec(rng, m*k, 0, 1), randVec(rng, k*n, 0, 1)
	want := make([]float32, m*n)
	Gemm(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
	got := [3][]float32{make([]float32, m*n), make([]float32, m*n), make([]float32, m*n)}
	Concurrent(3, func(i int) {
		Gemm(false, false, m, n, k, 1, a, k, b, n, 0, got[i], n)
	})
	for i := range got {
		for j := range want {
			if got[i][j] != want[j] {
				t.Fatalf("section %d: element %d = %v, want %v", i, j, got[i][j], want[j])
			}
		}
	}
}
