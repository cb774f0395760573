package kernel

// freeList keeps up to a fixed number of values (jobs, packing buffers) between kernel calls
// for reuse. Unlike a sync.Pool it is a channel, which the garbage collector never empties, so
// steady-state calls allocate nothing.
type freeList[T any] struct {
	c     chan *T
	fresh func() *T // makes a value when none is free
}

func newFreeList[T any](size int, fresh func() *T) freeList[T] {
	return freeList[T]{c: make(chan *T, size), fresh: fresh}
}

// get returns a free value, or a fresh one.
func (f freeList[T]) get() *T {
	select {
	case v := <-f.c:
		return v
	default:
		return f.fresh()
	}
}

// put keeps v for a later get, unless the list is full.
func (f freeList[T]) put(v *T) {
	select {
	case f.c <- v:
	default:
	}
}
