package sim

import (
	"fmt"
	"runtime"
	"sync"
)

// MetricSet evaluates a list of registered metrics into reusable buffers: Value[m] and
// Valid[m] hold metric m's per-object result after Compute. It is not safe for concurrent
// use; give each simulation its own.
type MetricSet struct {
	Names []string
	Value [][]float32
	Valid [][]bool
	funcs []MetricFunc
}

// NewMetricSet returns a set of the named registered metrics for scenes of n objects. It
// returns an error naming the first unknown metric.
func NewMetricSet(n int, names ...string) (*MetricSet, error) {
	m := &MetricSet{Names: append([]string(nil), names...)}
	for _, name := range names {
		f, ok := LookupMetric(name)
		if !ok {
			return nil, fmt.Errorf("sim: unknown metric %q (registered: %v)", name, MetricNames())
		}
		m.funcs = append(m.funcs, f)
		m.Value = append(m.Value, make([]float32, n))
		m.Valid = append(m.Valid, make([]bool, n))
	}
	return m, nil
}

// Compute evaluates every metric at s's current step. It panics when s has a different number
// of objects than the set was made for.
func (m *MetricSet) Compute(s *SimulatorState) {
	for k, f := range m.funcs {
		f(s, m.Value[k], m.Valid[k])
	}
}

// Index returns the position of the named metric in the set, or −1.
func (m *MetricSet) Index(name string) int {
	for k, n := range m.Names {
		if n == name {
			return k
		}
	}
	return -1
}

// Batch runs a function over many simulators in parallel on a fixed pool of worker
// goroutines. Work is split into contiguous blocks of simulators, one per worker, and every
// simulator is touched by exactly one worker, so results do not depend on the number of
// workers. Dispatching a call does not allocate. Close stops the workers.
//
// A Batch is not safe for concurrent use; its simulators must not be used elsewhere while
// Do runs.
type Batch struct {
	Sims    []*Simulator
	workers int
	jobs    chan batchJob
	wg      sync.WaitGroup
	closed  bool
}

type batchJob struct {
	lo, hi int
	fn     func(i int, sm *Simulator)
}

// NewBatch returns a batch over sims using the given number of workers (GOMAXPROCS when
// workers ≤ 0).
func NewBatch(sims []*Simulator, workers int) *Batch {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(sims)))
	b := &Batch{Sims: sims, workers: workers, jobs: make(chan batchJob, workers)}
	for range workers {
		go func() {
			for j := range b.jobs {
				for i := j.lo; i < j.hi; i++ {
					j.fn(i, b.Sims[i])
				}
				b.wg.Done()
			}
		}()
	}
	return b
}

// Workers returns the number of worker goroutines.
func (b *Batch) Workers() int { return b.workers }

// Do calls fn(i, Sims[i]) for every simulator, in parallel across the workers, and returns
// when all calls have finished. It panics after Close.
func (b *Batch) Do(fn func(i int, sm *Simulator)) {
	if b.closed {
		panic("sim.Batch.Do: batch is closed")
	}
	n := len(b.Sims)
	b.wg.Add(b.workers)
	for w := range b.workers {
		b.jobs <- batchJob{lo: w * n / b.workers, hi: (w + 1) * n / b.workers, fn: fn}
	}
	b.wg.Wait()
}

// Step advances every simulator that is not done by one step.
func (b *Batch) Step() { b.Do(stepIfRunning) }

func stepIfRunning(_ int, sm *Simulator) {
	if !sm.State.Done() {
		sm.Step()
	}
}

// Close stops the workers. The batch cannot be used afterwards.
func (b *Batch) Close() {
	if !b.closed {
		b.closed = true
		close(b.jobs)
	}
}
