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
	// tc, if not nil, receives the transpose of the rows of a packed product split by rows,
	// each part's rows as it finishes them (see gemmTransposed): C[i][j] goes to
	// tc[j*tldc+i].
	tc   []float32
	tldc int
	claims
}

// gemmJobs keeps jobs between calls.
var gemmJobs = newFreeList(16, func() *gemmJob { return &gemmJob{claims: newClaims()} })

func getGemmJob() *gemmJob { return gemmJobs.get() }

func putGemmJob(j *gemmJob) { gemmJobs.put(j) }

// run executes every part of j and returns when all are done (adding the k blocks of a
// product split over k into C).
func (j *gemmJob) run() {
	if j.parts <= 1 {
		j.runPart(0)
		return
	}
	j.claims.run(j, j.parts)
	if j.splitK {
		j.addKBlocks()
	}
}

// splitOverK makes j split its k blocks over parts goroutines (see gemmSplitsK), with scratch
// for the blocks after the first part's.
func (j *gemmJob) splitOverK(kBlocks, parts int) {
	j.splitK, j.tiles, j.parts = true, kBlocks, parts
	j.scratch = gemmAligned(j.scratch, (kBlocks-kBlocks/parts)*j.args.m*j.args.n)
}

// splitKPart runs the part-th range of k blocks of a product split over k: the first part's
// blocks as one chain into C, each later block alone into its own scratch matrix, which
// addKBlocks adds into C in block order. run computes the k range [k0, k1) into c (row stride
// ldc, indexed like C), its first block with beta.
func (j *gemmJob) splitKPart(part int, run func(k0, k1 int, c []float32, ldc int, beta float32)) {
	p := &j.args
	lo, hi := part*j.tiles/j.parts, (part+1)*j.tiles/j.parts
	if part == 0 {
		run(0, min(hi*p.kc, p.k), p.c, p.ldc, p.beta)
		return
	}
	first, mn := j.tiles/j.parts, p.m*p.n
	for kb := lo; kb < hi; kb++ {
		run(kb*p.kc, min((kb+1)*p.kc, p.k), j.scratch[(kb-first)*mn:(kb-first+1)*mn], p.n, 0)
	}
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
