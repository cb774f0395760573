package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// One set of long-lived worker goroutines runs the parts of every parallel kernel (Parallel's
// chunks and Gemm's parts). Parts are claimed, not assigned (see Parallel), so a job never
// waits for a worker to become free, and a kernel called from inside a part of another finds
// the workers busy and runs its own parts.
//
// An idle worker polls for its next task for up to spinWindow before it blocks, and a caller
// that has finished its own parts polls for the others before it blocks. Blocking puts the
// processor to sleep, and on a virtual machine waking it takes tens of microseconds — as long as
// a part of the products of a small training step — so that without polling two cores ran the
// steps little faster than one. Training and decoding loops call the kernels back to back, so
// a worker that polls a little beyond its last task is there for the next one; an idle program
// stops polling within the window. A polling worker yields its processor to any other runnable
// goroutine every few microseconds.
//
// The window is a millisecond because the serial stretches between the parallel kernels of a
// training step (building a convolution's im2col matrix, the elementwise work of the tape) can
// last a few hundred microseconds. With a window of 100 µs the worker of a small conv-net step
// had gone to sleep by the next product in most steps, so the caller ran the worker's part as
// well, and the optimizer then found half of its state in the other core's cache: the step took
// 0.96 ms on two cores against 0.69 ms with the longer window. OpenMP runtimes spin as long or
// longer before they block.

// poolJob is work split into parts that goroutines claim (see claims); work claims and runs
// parts of generation gen until none is left, from the top of the parts when top is set (the
// workers) and from the bottom otherwise (the caller).
type poolJob interface{ work(gen uint32, top bool) }

type poolTask struct {
	job poolJob
	gen uint32
}

// spinWindow is how long a worker or a waiting caller polls before blocking.
const spinWindow = time.Millisecond

var pool struct {
	mu      sync.Mutex
	started int
	tasks   chan poolTask
	pending atomic.Int32 // tasks sent and not yet received
}

// claims is the state of a job split into parts that goroutines claim. claim packs the job's
// generation (high 32 bits) and the unclaimed parts [lo, hi) (hi in the next 16 bits, lo in
// the low 16), so that one atomic load tells a task whether anything is left for it; a task
// from an earlier generation claims nothing. The calling goroutine claims from the bottom and
// the workers from the top, so that when a job of two parts is split between the caller and a
// worker, as the kernels of a training or decoding loop are call after call, each keeps the
// same part and its data stays in the same core's cache. finished receives once when the last
// part of a generation is done.
type claims struct {
	claim    atomic.Uint64
	parts    atomic.Int32
	done     atomic.Int32
	finished chan struct{}
}

func newClaims() claims { return claims{finished: make(chan struct{}, 1)} }

// run starts a new generation of parts (≤ 1<<16 − 1) parts of job, offers it to up to parts−1
// idle workers (starting workers as needed, at most GOMAXPROCS−1 in all), claims parts on the
// calling goroutine, and returns when every part is done.
func (c *claims) run(job poolJob, parts int) {
	gen := uint32(c.claim.Load()>>32) + 1
	c.done.Store(0)
	c.parts.Store(int32(parts))
	c.claim.Store(uint64(gen)<<32 | uint64(parts)<<16)
	helpers := min(parts, procs()) - 1
	pool.mu.Lock()
	if pool.tasks == nil {
		pool.tasks = make(chan poolTask, 64)
	}
	for pool.started < helpers {
		go poolWorker()
		pool.started++
	}
	pool.mu.Unlock()
	for range helpers {
		// The task is in the channel before pending counts it, so that a polling worker that
		// sees the count finds the task there: a worker that blocked on the empty channel
		// would be woken through the scheduler, microseconds later.
		select {
		case pool.tasks <- poolTask{job, gen}:
			pool.pending.Add(1)
		default: // every worker is busy: the parts get claimed anyway
		}
	}
	job.work(gen, false)
	// Poll for the last part's signal itself, not for the count of parts done: the last part
	// counts itself done just before it signals, and a caller that saw the count and then
	// waited on the channel in between parked its goroutine, which on a virtual machine costs
	// tens of microseconds of scheduler round trip (and sometimes left the worker idle on the
	// next job). Polling the count made 3–10% of the MLP step's jobs run without the worker
	// and its first product start 5–10 µs late on average; polling the signal, under 1%.
	spinUntil(func() bool { return len(c.finished) > 0 })
	<-c.finished
}

// work claims parts of generation gen, the lowest left or with top the highest, and runs
// them with runPart until none is left.
func (c *claims) work(gen uint32, top bool, runPart func(part int)) {
	for {
		v := c.claim.Load()
		lo, hi := int(v&0xffff), int(v>>16&0xffff)
		if uint32(v>>32) != gen || lo >= hi {
			return
		}
		part, next := lo, v+1
		if top {
			part, next = hi-1, v-1<<16
		}
		if !c.claim.CompareAndSwap(v, next) {
			continue
		}
		// The count must be read while the claimed part is unfinished: once the generation's
		// last part is done, the next generation may store its own.
		parts := c.parts.Load()
		runPart(part)
		if c.done.Add(1) == parts {
			c.finished <- struct{}{}
		}
	}
}

func poolWorker() {
	for {
		spinUntil(func() bool { return pool.pending.Load() > 0 })
		t := <-pool.tasks
		pool.pending.Add(-1)
		t.job.work(t.gen, true)
	}
}

// spinUntil polls cond, pausing between polls and yielding the processor every few
// microseconds, until it holds or spinWindow has passed.
func spinUntil(cond func() bool) {
	if cond() {
		return
	}
	start := time.Now()
	for i := 1; !cond(); i++ {
		spinPause()
		if i%64 == 0 {
			if time.Since(start) > spinWindow {
				return
			}
			runtime.Gosched()
		}
	}
}
