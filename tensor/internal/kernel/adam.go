package kernel

import "math"

// Fused optimizer kernel: one pass of the Adam update over a parameter, its gradient and the
// two moment buffers.

// AdamParams holds the scalars of one Adam update (see Adam). The caller computes them in
// float64 and rounds once, so that 1−β and the bias corrections carry no float32 cancellation.
type AdamParams struct {
	Beta1       float32 // β1, decay of the first moment
	Grad1       float32 // 1 − β1
	Beta2       float32 // β2, decay of the second moment
	Grad2       float32 // 1 − β2
	WeightDecay float32 // λ of L2 decay added to the gradient; 0 for none
	StepSize    float32 // lr / (1 − β1ᵗ)
	InvSqrtBC2  float32 // 1 / √(1 − β2ᵗ)
	Eps         float32 // ε, added outside the square root
	Scale       float32 // multiplies the parameter before the update (AdamW's 1 − lr·λ); 0 for none
}

// adamParallelMin is the length from which Adam splits its work over goroutines. The update
// reads four and writes three streams per element, so it pays from a smaller size than the
// other elementwise kernels.
const adamParallelMin = 1 << 15

// adamImpl[p] is Adam on path p for equal-length slices; the assembly versions are installed
// by adam_amd64.go.
var adamImpl = [numPaths]func(x, g, m, v []float32, p AdamParams){
	Generic: adamGeneric, AVX2: adamGeneric, AVX512: adamGeneric,
}

// Adam applies one Adam update to len(x) elements; g, m and v must be at least as long:
//
//	d = g + λ·x;  m = β1·m + (1−β1)·d;  v = β2·v + (1−β2)·d²
//	x = x·Scale − StepSize · m / (√v · InvSqrtBC2 + ε)   (x·Scale only when Scale ≠ 0)
//
// This is PyTorch's update with the division of √v by √(1−β2ᵗ) replaced by a multiplication
// by its reciprocal. The assembly paths fuse multiply-adds, so they may differ from the generic
// path by a few ulps, and they treat subnormal moments as zero when that cannot change the
// denominator (see adamFlushBits). When they do, the AVX-512 path also takes √v and the
// division from the processor's reciprocal estimates refined by a Newton step, within a few
// ulps of the step (the exact instructions share one slow divider). Large inputs are split over goroutines; every element is
// computed the same way whatever the split.
func Adam(x, g, m, v []float32, p AdamParams) {
	n := len(x)
	g, m, v = g[:n], m[:n], v[:n]
	f := adamImpl[active]
	if n < adamParallelMin {
		f(x, g, m, v, p)
		return
	}
	adamParallel(f, x, g, m, v, p)
}

// adamGeneric is the portable Adam update, the oracle of the assembly versions.
func adamGeneric(x, g, m, v []float32, p AdamParams) {
	b1, c1, b2, c2 := p.Beta1, p.Grad1, p.Beta2, p.Grad2
	wd, step, ibc, eps, scale := p.WeightDecay, p.StepSize, p.InvSqrtBC2, p.Eps, p.Scale
	g, m, v = g[:len(x)], m[:len(x)], v[:len(x)]
	for i := range x {
		d := g[i]
		if wd != 0 {
			d += wd * x[i]
		}
		mi := b1*m[i] + c1*d
		vi := b2*v[i] + c2*(d*d)
		m[i] = mi
		v[i] = vi
		// float32(math.Sqrt(float64(·))) compiles to a single-precision square root.
		den := float32(math.Sqrt(float64(vi)))*ibc + eps
		xi := x[i]
		if scale != 0 {
			xi *= scale
		}
		x[i] = xi - step*mi/den
	}
}

// adamJob is a parallel Adam update: chunks of blocks of the vectors, claimed by the shared
// workers (pool.go) like Parallel's chunks.
type adamJob struct {
	f            func(x, g, m, v []float32, p AdamParams)
	x, g, m, v   []float32
	p            AdamParams
	n, nb, chunk int // elements, blocks, blocks per chunk
	claims
}

// adamJobs keeps jobs between calls, so that a parallel update allocates nothing once warm.
var adamJobs = newFreeList(8, func() *adamJob { return &adamJob{claims: newClaims()} })

func (j *adamJob) work(gen uint32, top bool) { j.claims.work(gen, top, j.runChunk) }

func (j *adamJob) runChunk(part int) {
	a, b := span(part*j.chunk, min((part+1)*j.chunk, j.nb), j.n)
	j.f(j.x[a:b], j.g[a:b], j.m[a:b], j.v[a:b], j.p)
}

// adamParallel runs f over equal-length x, g, m, v split into contiguous chunks on up to
// GOMAXPROCS goroutines, the calling one included.
func adamParallel(f func(x, g, m, v []float32, p AdamParams), x, g, m, v []float32, p AdamParams) {
	n := len(x)
	nb := blocks(n)
	workers := Workers(nb, adamParallelMin/blockLen)
	if workers <= 1 {
		f(x, g, m, v, p)
		return
	}
	j := adamJobs.get()
	chunk := (nb + workers - 1) / workers
	j.f, j.x, j.g, j.m, j.v, j.p = f, x, g, m, v, p
	j.n, j.nb, j.chunk = n, nb, chunk
	j.claims.run(j, (nb+chunk-1)/chunk)
	j.f, j.x, j.g, j.m, j.v = nil, nil, nil, nil, nil
	adamJobs.put(j)
}
