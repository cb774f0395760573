package kernel

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestParallelCoversOnce checks that every index is visited exactly once, in the chunks the
// documentation promises, for several sizes, grains and GOMAXPROCS settings.
func TestParallelCoversOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 3, 8} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			for _, n := range []int{0, 1, 2, 7, 64, 1000, 4097} {
				for _, grain := range []int{0, 1, 3, 100} {
					seen := make([]int32, n)
					var calls atomic.Int32
					Parallel(n, grain, func(lo, hi int) {
						calls.Add(1)
						if lo < 0 || hi > n || lo >= hi {
							t.Errorf("procs %d n %d grain %d: chunk [%d, %d)", procs, n, grain, lo, hi)
							return
						}
						for i := lo; i < hi; i++ {
							atomic.AddInt32(&seen[i], 1)
						}
					})
					for i, c := range seen {
						if c != 1 {
							t.Fatalf("procs %d n %d grain %d: index %d visited %d times", procs, n, grain, i, c)
						}
					}
					if w := Workers(n, grain); n > 0 && int(calls.Load()) > w {
						t.Fatalf("procs %d n %d grain %d: %d chunks for %d workers", procs, n, grain, calls.Load(), w)
					}
				}
			}
		}()
	}
}

// TestParallelNested runs Parallel inside Parallel chunks (as a parallel kernel calling another
// does) on every GOMAXPROCS setting; it must neither deadlock nor miss an index.
func TestParallelNested(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			const outer, inner = 16, 1000
			var seen [outer * inner]int32
			for range 20 {
				clear(seen[:])
				Parallel(outer, 1, func(lo, hi int) {
					for o := lo; o < hi; o++ {
						Parallel(inner, 10, func(a, b int) {
							for i := a; i < b; i++ {
								atomic.AddInt32(&seen[o*inner+i], 1)
							}
						})
					}
				})
				for i, c := range seen {
					if c != 1 {
						t.Fatalf("procs %d: index %d visited %d times", procs, i, c)
					}
				}
			}
		}()
	}
}

var parallelSink [1 << 12]float32

func parallelBody(lo, hi int) {
	for i := lo; i < hi; i++ {
		parallelSink[i]++
	}
}

// TestParallelAllocs checks that a warm Parallel call allocates nothing when fn does not.
func TestParallelAllocs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	Parallel(len(parallelSink), 1, parallelBody)
	if a := testing.AllocsPerRun(200, func() { Parallel(len(parallelSink), 1, parallelBody) }); a != 0 {
		t.Fatalf("Parallel allocates %v times per call; want 0", a)
	}
}

func BenchmarkParallel(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Parallel(len(parallelSink), 1, parallelBody)
	}
}

// TestClaimsReuseAcrossPartCounts runs many small parallel jobs back to back with a changing
// number of chunks, so that jobs are reused from one generation to the next with another part
// count while workers may still be finishing the previous one. Every chunk must run once per
// call and no call may hang.
func TestClaimsReuseAcrossPartCounts(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	iters := 20000
	if testing.Short() {
		iters = 5000
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var hits [4]atomic.Int32
		for i := range iters {
			n := 2 + i%3 // 2, 3 or 4 chunks of one index each
			Parallel(n, 1, func(lo, hi int) {
				for j := lo; j < hi; j++ {
					hits[j].Add(1)
				}
				// A little work, so that the workers take chunks too.
				x := float64(lo)
				for k := range 200 * (1 + i%2) {
					x = x*0.999 + float64(k)
				}
				sink.Store(int64(x))
			})
			for j := range n {
				if hits[j].Swap(0) != 1 {
					t.Errorf("call %d: index %d of %d ran other than once", i, j, n)
					return
				}
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("parallel calls hung")
	}
}

var sink atomic.Int64
