package kernel

import (
	"runtime"
	"sync/atomic"
)

// Parallel hands chunks of a range to long-lived worker goroutines over a channel instead of
// starting goroutines per call, so that a call allocates nothing of its own in steady state
// (the caller's fn closure is the only allocation, when it escapes).
//
// Chunks are claimed, not assigned: the caller and the workers take the next unclaimed chunk
// until none is left, so a worker that wakes late finds nothing to do and the caller computes
// the chunk itself. The chunk boundaries depend only on n, grain and GOMAXPROCS, never on which
// goroutine runs a chunk. Parallel may be called from inside fn (nested calls): a caller never
// waits for a worker to become free, only for chunks already claimed to finish.
//
// The same workers run the Gemm parts (gemm_parallel.go); see pool.go.

// parallelMaxChunks bounds the chunks of one call (they are counted in 16 bits).
const parallelMaxChunks = 1<<16 - 1

// parJob is one call's work.
type parJob struct {
	fn     func(lo, hi int)
	n      int
	chunk  int
	chunks int

	// claim packs the job's generation (high 32 bits), its number of chunks (next 16) and the
	// next unclaimed chunk (low 16), so that one atomic load tells a task whether anything is
	// left for it; a task from an earlier generation claims nothing.
	claim    atomic.Uint64
	done     atomic.Int32
	finished chan struct{} // receives once when the last chunk is done
}

// parJobs keeps jobs between calls (a channel, which the garbage collector never empties).
var parJobs = make(chan *parJob, 64)

func getParJob() *parJob {
	select {
	case j := <-parJobs:
		return j
	default:
		return &parJob{finished: make(chan struct{}, 1)}
	}
}

func putParJob(j *parJob) {
	j.fn = nil
	select {
	case parJobs <- j:
	default:
	}
}

// work claims and runs chunks of generation gen until none is left.
func (j *parJob) work(gen uint32) {
	for {
		c := j.claim.Load()
		next, chunks := int(c&0xffff), int(c>>16&0xffff)
		if uint32(c>>32) != gen || next >= chunks {
			return
		}
		if !j.claim.CompareAndSwap(c, c+1) {
			continue
		}
		lo := next * j.chunk
		j.fn(lo, min(lo+j.chunk, j.n))
		if int(j.done.Add(1)) == chunks {
			j.finished <- struct{}{}
		}
	}
}

// Parallel splits the index range [0, n) into contiguous chunks of at least grain indices and
// runs fn on each chunk, using up to GOMAXPROCS goroutines. It returns when every chunk is
// done. With one chunk it calls fn(0, n) on the calling goroutine. Callers keep results
// independent of the number of goroutines by computing each output element within one chunk.
func Parallel(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	workers := min(Workers(n, grain), parallelMaxChunks)
	if workers <= 1 {
		fn(0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	chunks := (n + chunk - 1) / chunk
	if chunks <= 1 {
		fn(0, n)
		return
	}
	j := getParJob()
	j.fn, j.n, j.chunk, j.chunks = fn, n, chunk, chunks
	gen := uint32(j.claim.Load()>>32) + 1
	j.done.Store(0)
	j.claim.Store(uint64(gen)<<32 | uint64(chunks)<<16)
	poolRun(j, gen, chunks-1, &j.done, chunks, j.finished)
	putParJob(j)
}

// Workers returns how many goroutines Parallel uses for n indices split into chunks of at
// least grain.
func Workers(n, grain int) int {
	grain = max(grain, 1)
	return max(1, min(runtime.GOMAXPROCS(0), n/grain))
}
