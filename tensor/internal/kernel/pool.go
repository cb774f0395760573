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

// poolJob is work split into parts that goroutines claim (see claims); work claims and runs
// parts of generation gen until none is left.
type poolJob interface{ work(gen uint32) }

type poolTask struct {
	job poolJob
	gen uint32
}

// spinWindow is how long a worker or a waiting caller polls before blocking.
const spinWindow = 100 * time.Microsecond

var pool struct {
	mu      sync.Mutex
	started int
	tasks   chan poolTask
	pending atomic.Int32 // tasks sent and not yet received
}

// claims is the state of a job split into parts that goroutines claim. claim packs the job's
// generation (high 32 bits), its number of parts (next 16) and the next unclaimed part (low 16),
// so that one atomic load tells a task whether anything is left for it; a task from an earlier
// generation claims nothing. finished receives once when the last part of a generation is done.
type claims struct {
	claim    atomic.Uint64
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
		pool.pending.Add(1)
		select {
		case pool.tasks <- poolTask{job, gen}:
		default: // every worker is busy: the parts get claimed anyway
			pool.pending.Add(-1)
		}
	}
	job.work(gen)
	spinUntil(func() bool { return int(c.done.Load()) >= parts })
	<-c.finished
}

// work claims parts of generation gen and runs them with runPart until none is left.
func (c *claims) work(gen uint32, runPart func(part int)) {
	for {
		v := c.claim.Load()
		next, parts := int(v&0xffff), int(v>>16&0xffff)
		if uint32(v>>32) != gen || next >= parts {
			return
		}
		if !c.claim.CompareAndSwap(v, v+1) {
			continue
		}
		runPart(next)
		if int(c.done.Add(1)) == parts {
			c.finished <- struct{}{}
		}
	}
}

func poolWorker() {
	for {
		spinUntil(func() bool { return pool.pending.Load() > 0 })
		t := <-pool.tasks
		pool.pending.Add(-1)
		t.job.work(t.gen)
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
