package kernel

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// sections counts the goroutines running inside Concurrent calls. While more than one runs,
// every kernel call divides the processors among them (procs) instead of splitting its own
// work over all of them: sections that each keep a processor busy gain nothing from further
// splitting, only the cost of handing parts to workers that have no processor to run on.
var sections atomic.Int32

// procs returns how many goroutines one kernel call may use: GOMAXPROCS, shared among the
// running sections of Concurrent calls.
func procs() int {
	p := runtime.GOMAXPROCS(0)
	if s := int(sections.Load()); s > 1 {
		p = max(1, p/s)
	}
	return p
}

// Concurrent runs f(0), …, f(n−1) at once, f(0) on the calling goroutine and each other on a
// goroutine of its own, and returns when all have returned. While they run, the kernels they
// call share the processors among the sections (see procs). A panic in any f is re-raised on
// the calling goroutine after all have returned.
func Concurrent(n int, f func(i int)) {
	if n <= 0 {
		return
	}
	if n == 1 {
		f(0)
		return
	}
	sections.Add(int32(n))
	panics := make([]any, n)
	run := func(i int) {
		defer func() {
			sections.Add(-1)
			if r := recover(); r != nil {
				panics[i] = r
			}
		}()
		f(i)
	}
	var wg sync.WaitGroup
	wg.Add(n - 1)
	for i := 1; i < n; i++ {
		go func() {
			defer wg.Done()
			run(i)
		}()
	}
	run(0)
	wg.Wait()
	for i, r := range panics {
		if r != nil {
			panic(fmt.Sprintf("section %d of %d: %v", i, n, r))
		}
	}
}
