package kernel

// Vector kernels: dot product, axpy, elementwise arithmetic and reductions on float32 slices.
//
// Every kernel dispatches through a table indexed by Path. The generic entries are filled here;
// the amd64 assembly entries are filled by vec_amd64.go. The exported functions trim the slices
// to the operation's length first, so the implementations may assume equal lengths.
//
// Reductions (Dot, Sum) accumulate in float32 with several independent accumulators. The
// summation order is fixed for each path and length, so results are deterministic; different
// paths may differ in the last bits. Reductions never split across goroutines. Elementwise
// kernels split large inputs over GOMAXPROCS goroutines (see Parallel); every element is
// computed the same way whatever the split, so their results do not depend on GOMAXPROCS.

// elementwiseParallelMin is the length of the chunks into which the memory-bound elementwise
// kernels (Axpy, Scale, Add, Mul, the rectifiers) split their work over goroutines: inputs of
// at least two chunks split. Below it handing a chunk to a worker costs more than it saves.
// It was 1<<16 until a waiting caller stopped parking between a job's last part and its
// signal (pool.go); with handing over that cheap, 1<<14 made the DQN step 6% faster (the
// rectifier of its 51,200-element convolution output and its gradient split in two), left
// the MLP step (16,384-element activations, one chunk) as it was and the language-model
// benchmarks within noise.
const elementwiseParallelMin = 1 << 14

// blockLen is the granularity, in elements, at which elementwise kernels are split over
// goroutines: a multiple of every vector width, so chunks start on vector boundaries relative to
// the slice start.
const blockLen = 64

var (
	dotImpl   = [numPaths]func(x, y []float32) float32{Generic: dotGeneric}
	axpyImpl  = [numPaths]func(alpha float32, x, y []float32){Generic: axpyGeneric}
	scaleImpl = [numPaths]func(dst []float32, alpha float32, x []float32){Generic: scaleGeneric}
	addImpl   = [numPaths]func(dst, a, b []float32){Generic: addGeneric}
	mulImpl   = [numPaths]func(dst, a, b []float32){Generic: mulGeneric}
	sumImpl   = [numPaths]func(x []float32) float32{Generic: sumGeneric}
	maxImpl   = [numPaths]func(x []float32) float32{Generic: maxGeneric}
)

// The kernels without an assembly version on a path use the generic one. This init runs before
// the one in vec_amd64.go, which installs the assembly.
func init() {
	for p := range numPaths {
		if dotImpl[p] == nil {
			dotImpl[p] = dotGeneric
		}
		if axpyImpl[p] == nil {
			axpyImpl[p] = axpyGeneric
		}
		if scaleImpl[p] == nil {
			scaleImpl[p] = scaleGeneric
		}
		if addImpl[p] == nil {
			addImpl[p] = addGeneric
		}
		if mulImpl[p] == nil {
			mulImpl[p] = mulGeneric
		}
		if sumImpl[p] == nil {
			sumImpl[p] = sumGeneric
		}
		if maxImpl[p] == nil {
			maxImpl[p] = maxGeneric
		}
		if expImpl[p] == nil {
			expImpl[p] = expShiftSumGeneric
		}
	}
}

// Dot returns the sum of x[i]·y[i] over len(x) elements; y must be at least as long as x.
// The sum is accumulated in float32 in a fixed order for each path.
func Dot(x, y []float32) float32 {
	return dotImpl[active](x, y[:len(x)])
}

// Axpy computes y[i] += alpha·x[i] over len(x) elements; y must be at least as long as x.
func Axpy(alpha float32, x, y []float32) {
	y = y[:len(x)]
	f := axpyImpl[active]
	if len(x) < elementwiseParallelMin {
		f(alpha, x, y)
		return
	}
	j := getElemJob()
	j.axpy, j.alpha, j.a, j.dst = f, alpha, x, y
	j.split(len(x))
}

// Scale computes dst[i] = alpha·x[i] over len(x) elements; dst may be x.
func Scale(dst []float32, alpha float32, x []float32) {
	dst = dst[:len(x)]
	f := scaleImpl[active]
	if len(x) < elementwiseParallelMin {
		f(dst, alpha, x)
		return
	}
	j := getElemJob()
	j.scale, j.alpha, j.a, j.dst = f, alpha, x, dst
	j.split(len(x))
}

// Add computes dst[i] = a[i] + b[i] over len(a) elements; dst may alias a or b.
func Add(dst, a, b []float32) {
	binary(addImpl[active], dst, a, b)
}

// Mul computes dst[i] = a[i]·b[i] over len(a) elements; dst may alias a or b.
func Mul(dst, a, b []float32) {
	binary(mulImpl[active], dst, a, b)
}

func binary(f func(dst, a, b []float32), dst, a, b []float32) {
	dst, b = dst[:len(a)], b[:len(a)]
	if len(a) < elementwiseParallelMin {
		f(dst, a, b)
		return
	}
	j := getElemJob()
	j.bin, j.dst, j.a, j.b = f, dst, a, b
	j.split(len(a))
}

// elemJob is one call of an elementwise kernel split over goroutines (Axpy, Scale or a binary
// kernel: the one function set), chunks of blocks claimed like Parallel's. A pooled job rather
// than a closure handed to Parallel, so that a split call allocates nothing.
type elemJob struct {
	bin          func(dst, a, b []float32)
	axpy         func(alpha float32, x, y []float32)
	scale        func(dst []float32, alpha float32, x []float32)
	dst, a, b    []float32
	alpha        float32
	n, nb, chunk int // elements, blocks, blocks per chunk
	claims
}

var elemJobs = newFreeList(8, func() *elemJob { return &elemJob{claims: newClaims()} })

func getElemJob() *elemJob { return elemJobs.get() }

// split runs the job's kernel over n elements, in chunks over the goroutines Parallel would
// use (on the calling one alone when that is one), and releases the job.
func (j *elemJob) split(n int) {
	j.n, j.nb = n, blocks(n)
	workers := min(Workers(j.nb, elementwiseParallelMin/blockLen), parallelMaxChunks)
	if workers <= 1 {
		j.run(0, n)
	} else {
		j.chunk = (j.nb + workers - 1) / workers
		j.claims.run(j, (j.nb+j.chunk-1)/j.chunk)
	}
	j.bin, j.axpy, j.scale, j.dst, j.a, j.b = nil, nil, nil, nil, nil, nil
	elemJobs.put(j)
}

func (j *elemJob) work(gen uint32, top bool) { j.claims.work(gen, top, j.runChunk) }

func (j *elemJob) runChunk(part int) {
	lo, hi := span(part*j.chunk, min((part+1)*j.chunk, j.nb), j.n)
	j.run(lo, hi)
}

// run applies the kernel to elements [lo, hi).
func (j *elemJob) run(lo, hi int) {
	switch {
	case j.bin != nil:
		j.bin(j.dst[lo:hi], j.a[lo:hi], j.b[lo:hi])
	case j.axpy != nil:
		j.axpy(j.alpha, j.a[lo:hi], j.dst[lo:hi])
	default:
		j.scale(j.dst[lo:hi], j.alpha, j.a[lo:hi])
	}
}

// blocks returns the number of blockLen blocks covering n elements.
func blocks(n int) int { return (n + blockLen - 1) / blockLen }

// span converts a block range [lo, hi) to an element range clipped to n.
func span(lo, hi, n int) (int, int) { return lo * blockLen, min(hi*blockLen, n) }

// Sum returns the sum of x, accumulated in float32 in a fixed order for each path.
func Sum(x []float32) float32 { return sumImpl[active](x) }

// Max returns the largest element of x, -Inf for an empty x, and NaN if any element is NaN.
// When the maximum is zero its sign is unspecified.
func Max(x []float32) float32 { return maxImpl[active](x) }

// dotGeneric uses four accumulators over groups of four: accumulator j sums the products at
// indices ≡ j (mod 4) of the whole groups, the remainder goes into accumulator 0, and the
// result is (s0+s1)+(s2+s3).
func dotGeneric(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i <= len(x)-4; i += 4 {
		xs := (*[4]float32)(x[i:])
		ys := (*[4]float32)(y[i:])
		s0 += xs[0] * ys[0]
		s1 += xs[1] * ys[1]
		s2 += xs[2] * ys[2]
		s3 += xs[3] * ys[3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func axpyGeneric(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

func scaleGeneric(dst []float32, alpha float32, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = alpha * v
	}
}

func addGeneric(dst, a, b []float32) {
	dst, b = dst[:len(a)], b[:len(a)]
	for i, v := range a {
		dst[i] = v + b[i]
	}
}

func mulGeneric(dst, a, b []float32) {
	dst, b = dst[:len(a)], b[:len(a)]
	for i, v := range a {
		dst[i] = v * b[i]
	}
}

// sumGeneric sums in the same order as dotGeneric.
func sumGeneric(x []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i <= len(x)-4; i += 4 {
		xs := (*[4]float32)(x[i:])
		s0 += xs[0]
		s1 += xs[1]
		s2 += xs[2]
		s3 += xs[3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// maxGeneric relies on the builtin max, which returns NaN if either argument is NaN, so a NaN
// sticks in its accumulator.
func maxGeneric(x []float32) float32 {
	m0, m1, m2, m3 := negInf, negInf, negInf, negInf
	i := 0
	for ; i <= len(x)-4; i += 4 {
		xs := (*[4]float32)(x[i:])
		m0 = max(m0, xs[0])
		m1 = max(m1, xs[1])
		m2 = max(m2, xs[2])
		m3 = max(m3, xs[3])
	}
	for ; i < len(x); i++ {
		m0 = max(m0, x[i])
	}
	return max(m0, m1, m2, m3)
}
