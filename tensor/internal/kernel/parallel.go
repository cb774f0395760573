package kernel

// Parallel hands chunks of a range to long-lived worker goroutines over a channel instead of
// starting goroutines per call, so that a call allocates nothing of its own in steady state
// (the caller's fn closure is the only allocation, when it escapes).
//
// Chunks are claimed, not assigned: the caller and the workers take the next unclaimed chunk
// until none is left, so a worker that wakes late finds nothing to do and the caller computes
// the chunk itself. The chunk boundaries depend only on n, grain, GOMAXPROCS and the number of
// running Concurrent sections (procs), never on which goroutine runs a chunk. Parallel may be
// called from inside fn (nested calls): a caller never waits for a worker to become free, only
// for chunks already claimed to finish.
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
	claims
}

// parJobs keeps jobs between calls.
var parJobs = newFreeList(64, func() *parJob { return &parJob{claims: newClaims()} })

func getParJob() *parJob { return parJobs.get() }

func putParJob(j *parJob) {
	j.fn = nil
	parJobs.put(j)
}

// work claims and runs chunks of generation gen until none is left.
func (j *parJob) work(gen uint32, top bool) { j.claims.work(gen, top, j.runChunk) }

func (j *parJob) runChunk(part int) {
	lo := part * j.chunk
	j.fn(lo, min(lo+j.chunk, j.n))
}

// Parallel splits the index range [0, n) into contiguous chunks of at least grain indices and
// runs fn on each chunk, using up to procs() goroutines. It returns when every chunk is
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
	j.claims.run(j, chunks)
	putParJob(j)
}

// Workers returns how many goroutines Parallel uses for n indices split into chunks of at
// least grain.
func Workers(n, grain int) int {
	grain = max(grain, 1)
	return max(1, min(procs(), n/grain))
}
