//go:build !purego

package kernel

// Assembly Adam kernels (adam_amd64.s). They process the whole vectors of len(x) elements
// and return how many they did; the Go wrapper finishes the rest with the generic kernel.

//go:noescape
func adamAVX2(x, g, m, v []float32, p *AdamParams, csr uint32) int

//go:noescape
func adamAVX512(x, g, m, v []float32, p *AdamParams, csr uint32) int

//go:noescape
func adamAVX512Fast(x, g, m, v []float32, p *AdamParams, csr uint32) int

// mxcsrFTZDAZ are the MXCSR bits flush-to-zero (15) and denormals-are-zero (6).
const mxcsrFTZDAZ = 1<<15 | 1<<6

// adamFlushBits returns the MXCSR bits the assembly update runs with: flush-to-zero and
// denormals-are-zero when ε is large enough that treating a subnormal moment as zero cannot
// change the rounded denominator √v·InvSqrtBC2 + ε (the square root of the largest subnormal
// is 2⁻⁶³, so its term stays below a quarter of an ulp of ε when InvSqrtBC2·2⁻³⁸ < ε), else
// none.
//
// Subnormal moments are common in long runs: a unit whose gradient is zero (a dead ReLU, an
// action never taken) keeps its second moment decaying by β2 per step, through the subnormal
// range for some 16,000 steps at β2 = 0.999, and x86 processors take ~100 cycles for each
// arithmetic operation on a subnormal operand — a 30-fold slower update.
func adamFlushBits(p AdamParams) uint32 {
	if float64(p.InvSqrtBC2)*0x1p-38 < float64(p.Eps) {
		return mxcsrFTZDAZ
	}
	return 0
}

func init() {
	adamImpl[AVX2] = func(x, g, m, v []float32, p AdamParams) {
		k := adamAVX2(x, g, m, v, &p, adamFlushBits(p))
		adamGeneric(x[k:], g[k:], m[k:], v[k:], p)
	}
	adamImpl[AVX512] = func(x, g, m, v []float32, p AdamParams) {
		// The square root and the division share one divider unit, which bounded the exact
		// update at about 19 cycles a vector even on data in L1. The fast kernel replaces both
		// with refined estimates; it needs the subnormal moments flushed, so it runs when
		// adamFlushBits allows that (ε = 1e-8 and larger with the usual bias corrections).
		var k int
		if csr := adamFlushBits(p); csr != 0 {
			k = adamAVX512Fast(x, g, m, v, &p, csr)
		} else {
			k = adamAVX512(x, g, m, v, &p, csr)
		}
		adamGeneric(x[k:], g[k:], m[k:], v[k:], p)
	}
}
