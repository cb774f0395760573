package kernel

import "math"

// GELUTanhBackward is the derivative of GELUTanh: AVX-512 assembly with the exponential
// inlined, and on the other paths Go built on the path's vector exponential in chunks like the
// generic activations (activation.go). Both follow the formula below.
//
// With z = √(2/π)(x + 0.044715x³), GELUTanh(x) = x·s, s = sigmoid(2z), and
//
//	d/dx GELUTanh = s + x·s·(1−s)·2√(2/π)(1 + 3·0.044715x²),
//
// which equals ½(1 + tanh z) + ½x(1 − tanh²z)·√(2/π)(1 + 3·0.044715x²) without the
// cancellation of 1 + tanh z for negative z: s and 1−s both come from e = e^(−2|z|) as 1/(1+e)
// and e/(1+e). x is clamped to [−20, 20], as GELUTanh clamps below (beyond, the derivative is
// below 1e-30 or equal to 1 in float32), so GELUTanhBackward(±Inf) is 0 and dy rather than NaN.

// GELUTanhBackward computes dst[i] = dy[i]·GELUTanh'(x[i]) over len(x) elements; dy and dst
// must be at least as long, and dst may be x or dy. The relative error of the derivative is
// below 1e-6 where it is not tiny (checked against float64 by the tests).
func GELUTanhBackward(dst, x, dy []float32) {
	n := len(x)
	dst, dy = dst[:n], dy[:n]
	f := geluBackwardImpl[active]
	if n < transcendentalParallelMin {
		f(dst, x, dy)
		return
	}
	Parallel(blocks(n), transcendentalParallelMin/blockLen, func(lo, hi int) {
		lo, hi = span(lo, hi, n)
		f(dst[lo:hi], x[lo:hi], dy[lo:hi])
	})
}

// geluBackwardImpl[p] is GELUTanhBackward on path p for equal-length slices: AVX-512 assembly
// (gelu_backward_amd64.s) where available, else the chunked Go form on the path's exponential.
var geluBackwardImpl = [numPaths]func(dst, x, dy []float32){
	Generic: geluTanhBackwardChunks, AVX2: geluTanhBackwardChunks, AVX512: geluTanhBackwardChunks,
}

const geluMaxBackward = 20.0

func geluTanhBackwardChunks(dst, x, dy []float32) {
	var buf [chunkLen]float32
	p := active
	for len(x) > 0 {
		k := min(len(x), chunkLen)
		xs, gs, ds, t := x[:k], dy[:k], dst[:k], buf[:k]
		gs, ds, t = gs[:len(xs)], ds[:len(xs)], t[:len(xs)]
		for i, v := range xs {
			if v < geluMin {
				v = geluMin
			}
			z := (geluC * v) * (geluA*(v*v) + 1)
			t[i] = -2 * abs32(z)
		}
		expPath(p, t, t, 0)
		for i, v := range xs {
			// Comparisons rather than min and max: NaN passes through, and the branches are
			// almost never taken.
			if v < geluMin {
				v = geluMin
			}
			if v > geluMaxBackward {
				v = geluMaxBackward
			}
			e := t[i]
			r := 1 / (1 + e)
			q := e * r // r = sigmoid(2|z|), q = 1 − r; s·(1−s) = r·q whatever the sign of z
			// s = sigmoid(2z) is r for z ≥ 0 and q for z < 0 (z has the sign of x), selected
			// without a branch: neg is all ones for negative x.
			neg := uint32(int32(math.Float32bits(v)) >> 31)
			s := math.Float32frombits(math.Float32bits(r)&^neg | math.Float32bits(q)&neg)
			dz := (2 * geluC) * (3*geluA*(v*v) + 1)
			ds[i] = gs[i] * (s + v*(r*q)*dz)
		}
		x, dy, dst = x[k:], dy[k:], dst[k:]
	}
}
