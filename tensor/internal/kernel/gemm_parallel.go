package kernel

// Gemm hands parts of a product to long-lived worker goroutines over a channel instead of
// starting goroutines per call, so that a call allocates nothing in steady state.
//
// Parts are claimed, not assigned: the caller and the workers take the next unclaimed part
// until none is left. A worker that wakes late (its processor busy with something else) finds
// nothing to do, and the caller, rather than waiting for it, computes the part itself. Which
// goroutine computes a part never changes its result.

// gemmMaxParts bounds the parts of a job (they are counted in 16 bits).
const gemmMaxParts = 1<<16 - 1

type gemmJobKind uint8

const (
	gemmJobPacked gemmJobKind = iota
	gemmJobGemv
	gemmJobGemvRows
	gemmJobSmall
)

// gemmJob is one call's work, split into parts.
type gemmJob struct {
	kind   gemmJobKind
	args   gemmArgs
	gv     gemvArgs
	splitN bool // packed: split columns (else rows)
	splitK bool // packed: split k blocks (see gemmSplitsK)
	parts  int
	tiles  int // tiles or k blocks (packed), granules (gemv) or strips (small) along the split dimension
	// scratch holds the products of the k blocks after the first part's, when splitK.
	scratch []float32
	claims
}

// gemmJobs keeps jobs between calls (like gemmBufs, never emptied by the garbage collector).
var gemmJobs = make(chan *gemmJob, 16)

func getGemmJob() *gemmJob {
	select {
	case j := <-gemmJobs:
		return j
	default:
		return &gemmJob{claims: newClaims()}
	}
}

func putGemmJob(j *gemmJob) {
	select {
	case gemmJobs <- j:
	default:
	}
}

// run executes every part of j and returns when all are done.
func (j *gemmJob) run() {
	if j.parts <= 1 {
		j.runPart(0)
		return
	}
	j.claims.run(j, j.parts)
}

// work claims and runs parts of generation gen until none is left.
func (j *gemmJob) work(gen uint32, top bool) { j.claims.work(gen, top, j.runPart) }

func (j *gemmJob) runPart(part int) {
	switch j.kind {
	case gemmJobPacked:
		j.packedPart(part)
	case gemmJobGemv:
		j.gemvPart(part)
	case gemmJobGemvRows:
		j.gemvRowsPart(part)
	case gemmJobSmall:
		j.smallPart(part)
	}
}
