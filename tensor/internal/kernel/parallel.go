package kernel

import (
	"runtime"
	"sync"
)

// Parallel splits the index range [0, n) into contiguous chunks of at least grain indices and
// runs fn on each chunk, using up to GOMAXPROCS goroutines. It returns when every chunk is
// done. With one chunk it calls fn(0, n) on the calling goroutine. Callers keep results
// independent of the number of goroutines by computing each output element within one chunk.
func Parallel(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	workers := Workers(n, grain)
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := chunk; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	fn(0, min(chunk, n))
	wg.Wait()
}

// Workers returns how many goroutines Parallel uses for n indices split into chunks of at
// least grain.
func Workers(n, grain int) int {
	grain = max(grain, 1)
	return max(1, min(runtime.GOMAXPROCS(0), n/grain))
}
