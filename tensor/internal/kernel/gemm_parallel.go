package kernel

import "sync"

// Gemm hands parts of a product to long-lived worker goroutines over a channel instead of
// starting goroutines per call, so that a call allocates nothing in steady state.

type gemmJobKind uint8

const (
	gemmJobPacked gemmJobKind = iota
	gemmJobGemv
)

// gemmJob is one call's work, split into parts; part 0 runs on the calling goroutine.
type gemmJob struct {
	kind   gemmJobKind
	args   gemmArgs
	gv     gemvArgs
	splitN bool // packed: split columns (else rows)
	parts  int
	tiles  int // packed: tiles along the split dimension
	wg     sync.WaitGroup
}

var gemmJobs = sync.Pool{New: func() any { return new(gemmJob) }}

type gemmTask struct {
	job  *gemmJob
	part int
}

var gemmPool struct {
	mu      sync.Mutex
	started int
	tasks   chan gemmTask
}

// gemmWorker runs tasks forever.
func gemmWorker(tasks <-chan gemmTask) {
	for t := range tasks {
		t.job.runPart(t.part)
		t.job.wg.Done()
	}
}

// run executes every part of j and returns when all are done.
func (j *gemmJob) run() {
	if j.parts <= 1 {
		j.runPart(0)
		return
	}
	gemmPool.mu.Lock()
	if gemmPool.tasks == nil {
		gemmPool.tasks = make(chan gemmTask, 64)
	}
	for gemmPool.started < j.parts-1 {
		go gemmWorker(gemmPool.tasks)
		gemmPool.started++
	}
	tasks := gemmPool.tasks
	gemmPool.mu.Unlock()
	j.wg.Add(j.parts - 1)
	for part := 1; part < j.parts; part++ {
		tasks <- gemmTask{j, part}
	}
	j.runPart(0)
	j.wg.Wait()
}

func (j *gemmJob) runPart(part int) {
	switch j.kind {
	case gemmJobPacked:
		j.packedPart(part)
	case gemmJobGemv:
		j.gemvPart(part)
	}
}
