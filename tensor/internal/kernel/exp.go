package kernel

import "math"

// The exponential, the same algorithm on every path (the assembly uses FMA where this file
// writes a multiply and an add, so the paths may differ in the last bit):
//
//  1. Clamp x to [expClampLo, expClampHi]. NaN passes through the clamp. Inputs above
//     expClampHi overflow anyway and inputs below expClampLo underflow anyway, so the clamp
//     only keeps the integer arithmetic below in range.
//  2. Range reduction (Cody–Waite): n = round(x·log2(e)), r = x − n·ln2, with ln2 split into
//     ln2Hi, whose 9 significant bits make n·ln2Hi and x − n·ln2Hi exact, and the small ln2Lo.
//     Then |r| ≤ ln2/2 (plus rounding) and e^x = 2^n·e^r.
//  3. e^r ≈ 1 + r + r²·q(r), q the degree-5 Taylor polynomial c2 + c3·r + … + c7·r⁵ evaluated
//     by Horner's rule; the truncation error is below 6e-9 relative on |r| ≤ 0.35.
//  4. Reconstruction: 2^n is built from exponent bits. To reach both the largest finite result
//     (n = 128) and gradual underflow (n down to −150) with normal powers of two, n is split
//     into k1 = n>>1 and k2 = n−k1 and the result is (p·2^k1)·2^k2; the first product is exact,
//     so a subnormal result is rounded once.
//
// Special values: Exp(NaN) is NaN, Exp(+Inf) = +Inf, Exp(−Inf) = 0, results above the largest
// float32 (x > 88.7228) are +Inf, and results below half the smallest subnormal (x < −103.97)
// are 0. Subnormal results (x between −103.97 and −87.34) are computed, not flushed, with an
// absolute error below one subnormal unit. Elsewhere the relative error is below 2e-7
// (measured by the tests against float64 math.Exp).

const (
	expClampHi = 89.0   // e^89 > MaxFloat32: overflows to +Inf in step 4
	expClampLo = -104.0 // e^-104 < 2^-150: rounds to 0 in step 4
	expLog2E   = 1.44269504088896341
	expLn2Hi   = 0.693359375             // 355/512
	expLn2Lo   = -2.12194440054690583e-4 // ln2 − ln2Hi
	expC2      = 1.0 / 2
	expC3      = 1.0 / 6
	expC4      = 1.0 / 24
	expC5      = 1.0 / 120
	expC6      = 1.0 / 720
	expC7      = 1.0 / 5040
	// expRound is 1.5·2^23: adding it to a float32 of magnitude below 2^22 rounds the value to
	// an integer (ties to even), which subtracting it recovers.
	expRound = 12582912.0
)

var negInf = float32(math.Inf(-1))

// expImpl[p](dst, x, shift) sets dst[i] = e^(x[i]+shift) and returns the sum of dst,
// accumulated in float32 in a fixed order; len(dst) == len(x).
var expImpl = [numPaths]func(dst, x []float32, shift float32) float32{Generic: expShiftSumGeneric}

// transcendentalParallelMin is the length from which Exp and the activations split their work
// over goroutines.
const transcendentalParallelMin = 1 << 14

// Exp computes dst[i] = e^x[i] over len(x) elements; dst may be x. Exp(NaN) is NaN,
// Exp(+Inf) = +Inf, Exp(−Inf) = 0; results beyond the float32 range are +Inf or 0, subnormal
// results are computed. The relative error is below 2e-7 for normal results.
func Exp(dst, x []float32) {
	dst = dst[:len(x)]
	f := expImpl[active]
	if len(x) < transcendentalParallelMin {
		f(dst, x, 0)
		return
	}
	n := len(x)
	Parallel(blocks(n), transcendentalParallelMin/blockLen, func(lo, hi int) {
		lo, hi = span(lo, hi, n)
		f(dst[lo:hi], x[lo:hi], 0)
	})
}

// exp32 is the scalar form of the algorithm above.
func exp32(x float32) float32 {
	if x > expClampHi {
		x = expClampHi
	}
	if x < expClampLo {
		x = expClampLo
	}
	n := x*expLog2E + expRound
	n -= expRound
	r := x - n*expLn2Hi
	r -= n * expLn2Lo
	q := float32(expC7)
	q = q*r + expC6
	q = q*r + expC5
	q = q*r + expC4
	q = q*r + expC3
	q = q*r + expC2
	p := (r*r)*q + r
	p += 1
	k := int32(n) // NaN converts to an arbitrary integer; the product below stays NaN.
	k1 := k >> 1
	k2 := k - k1
	s1 := math.Float32frombits(uint32(k1+127) << 23)
	s2 := math.Float32frombits(uint32(k2+127) << 23)
	return p * s1 * s2
}

// expShiftSumGeneric sets dst[i] = e^(x[i]+shift) and returns their sum, accumulated like
// sumGeneric.
func expShiftSumGeneric(dst, x []float32, shift float32) float32 {
	dst = dst[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i <= len(x)-4; i += 4 {
		xs := (*[4]float32)(x[i:])
		ds := (*[4]float32)(dst[i:])
		e0, e1, e2, e3 := exp32(xs[0]+shift), exp32(xs[1]+shift), exp32(xs[2]+shift), exp32(xs[3]+shift)
		ds[0], ds[1], ds[2], ds[3] = e0, e1, e2, e3
		s0 += e0
		s1 += e1
		s2 += e2
		s3 += e3
	}
	for ; i < len(x); i++ {
		e := exp32(x[i] + shift)
		dst[i] = e
		s0 += e
	}
	return (s0 + s1) + (s2 + s3)
}
