package kernel

import "math"

// Activations and softmax rows, built on the vector exponential.
//
// The AVX2 and AVX-512 paths compute Tanh, Sigmoid and GELUTanh entirely in assembly
// (exp_amd64.s), with the exponential inlined. The Go implementations here serve the generic
// path (and any path without assembly): they work on chunks of chunkLen elements, a first loop
// preparing the argument of the exponential in a stack buffer, the path's exp kernel running on
// the whole chunk, and a second loop finishing each element. Both follow the same formulas.
//
// Formulas, chosen for small relative error over the whole range:
//
//	tanh(x)    = sign(x)·(1−t)/(1+t), t = e^(−2|x|), for |x| ≥ 0.625;
//	             x + x³·P(x²) for |x| < 0.625 (a least-squares fit, error below 1e-7 relative),
//	             where 1−t would cancel.
//	sigmoid(x) = 1/(1+t) for x ≥ 0 and t/(1+t) for x < 0, t = e^(−|x|): no cancellation and
//	             no overflow; tiny results are computed, down to subnormals.
//	GELUTanh   = ½x(1+tanh z) = x·sigmoid(2z), z = √(2/π)(x + 0.044715x³), using the sigmoid
//	             form above; x below −20 (where the result is −0 in float32) is clamped to −20,
//	             so GELUTanh(−Inf) = −0 rather than NaN.
//
// Error bounds, checked against float64 by the tests: Tanh and Sigmoid relative error below
// 4e-7 (Sigmoid where its result is a normal float32; measured about 1.5e-7 and 1.8e-7);
// GELUTanh relative error below 4e-7 + 2e-7·|2z|·sigmoid(−2z), the second term being
// float32's rounding of z amplified where the curve is steep in relative terms (x < 0; it
// reaches about 1e-5 near x = −10, where the result is about 1e-37), and one subnormal unit
// times (1+|x|) where the result underflows.

const (
	chunkLen  = 256
	tanhSmall = 0.625
	// tanh(x) ≈ x + x·u·(t0 + t1·u + … + t5·u⁵), u = x², for |x| < tanhSmall.
	tanhP0 = -0.333333313
	tanhP1 = 0.1333327
	tanhP2 = -0.0539544001
	tanhP3 = 0.0217400659
	tanhP4 = -0.00826945156
	tanhP5 = 0.00222301297
	// geluC is √(2/π); geluA the cubic coefficient of GPT-2's approximation.
	geluC   = 0.7978845608028654
	geluA   = 0.044715
	geluMin = -20.0
)

var (
	tanhImpl    = [numPaths]func(dst, x []float32){tanhGo, tanhGo, tanhGo}
	sigmoidImpl = [numPaths]func(dst, x []float32){sigmoidGo, sigmoidGo, sigmoidGo}
	geluImpl    = [numPaths]func(dst, x []float32){geluTanhGo, geluTanhGo, geluTanhGo}
)

// Tanh computes dst[i] = tanh(x[i]) over len(x) elements; dst may be x. The relative error is
// below 4e-7; Tanh(±Inf) = ±1 and Tanh(NaN) is NaN.
func Tanh(dst, x []float32) { unaryParallel(tanhImpl[active], dst, x) }

// Sigmoid computes dst[i] = 1/(1+e^−x[i]) over len(x) elements; dst may be x. The relative
// error is below 4e-7 where the result is a normal float32 (x > −87.3); Sigmoid(−Inf) = 0,
// Sigmoid(+Inf) = 1 and Sigmoid(NaN) is NaN.
func Sigmoid(dst, x []float32) { unaryParallel(sigmoidImpl[active], dst, x) }

// GELUTanh computes the tanh approximation of GELU used by GPT-2,
// dst[i] = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), over len(x) elements; dst may be x.
// It is evaluated as x·sigmoid(2√(2/π)(x + 0.044715x³)), accurate also for negative x;
// GELUTanh(−Inf) = −0, GELUTanh(+Inf) = +Inf, GELUTanh(NaN) is NaN.
func GELUTanh(dst, x []float32) { unaryParallel(geluImpl[active], dst, x) }

func unaryParallel(f func(dst, x []float32), dst, x []float32) {
	dst = dst[:len(x)]
	if len(x) < transcendentalParallelMin {
		f(dst, x)
		return
	}
	n := len(x)
	Parallel(blocks(n), transcendentalParallelMin/blockLen, func(lo, hi int) {
		lo, hi = span(lo, hi, n)
		f(dst[lo:hi], x[lo:hi])
	})
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

func tanhGo(dst, x []float32) {
	var buf [chunkLen]float32
	p := active
	for len(x) > 0 {
		k := min(len(x), chunkLen)
		xs, ds, t := x[:k], dst[:k], buf[:k]
		for i, v := range xs {
			t[i] = -2 * abs32(v)
		}
		expPath(p, t, t, 0)
		for i, v := range xs {
			var y float32
			if abs32(v) < tanhSmall {
				u := v * v
				p := float32(tanhP5)
				p = p*u + tanhP4
				p = p*u + tanhP3
				p = p*u + tanhP2
				p = p*u + tanhP1
				p = p*u + tanhP0
				y = (v*u)*p + v
			} else {
				e := t[i]
				y = (1 - e) / (1 + e)
				y = math.Float32frombits(math.Float32bits(y) | math.Float32bits(v)&(1<<31))
			}
			ds[i] = y
		}
		x, dst = x[k:], dst[k:]
	}
}

func sigmoidGo(dst, x []float32) {
	var buf [chunkLen]float32
	p := active
	for len(x) > 0 {
		k := min(len(x), chunkLen)
		xs, ds, t := x[:k], dst[:k], buf[:k]
		for i, v := range xs {
			t[i] = -abs32(v)
		}
		expPath(p, t, t, 0)
		for i, v := range xs {
			e := t[i]
			num := e
			if v >= 0 {
				num = 1
			}
			ds[i] = num / (1 + e)
		}
		x, dst = x[k:], dst[k:]
	}
}

func geluTanhGo(dst, x []float32) {
	var buf [chunkLen]float32
	p := active
	for len(x) > 0 {
		k := min(len(x), chunkLen)
		xs, ds, t := x[:k], dst[:k], buf[:k]
		for i, v := range xs {
			v = max(v, geluMin)
			z := (geluC * v) * (geluA*(v*v) + 1)
			t[i] = -2 * abs32(z)
		}
		expPath(p, t, t, 0)
		for i, v := range xs {
			v = max(v, geluMin)
			e := t[i]
			num := e
			if v >= 0 { // z has the sign of x
				num = 1
			}
			ds[i] = v * (num / (1 + e))
		}
		x, dst = x[k:], dst[k:]
	}
}

// SoftmaxRow computes dst = softmax(x) over one row, stably: the row maximum m is subtracted
// before exponentiation, e = e^(x−m) is summed in float32 and dst = e·(1/sum); dst may be x.
// Entries equal to −Inf give 0. A row containing NaN or +Inf, or with every entry −Inf, gives
// NaN throughout. The result is within 4e-7 relative (plus rounding of the float32 sum,
// about 1e-7·log2(len)) of the float64 softmax.
func SoftmaxRow(dst, x []float32) {
	dst = dst[:len(x)]
	if len(x) == 0 {
		return
	}
	m := Max(x)
	s := expPath(active, dst, x, -m)
	Scale(dst, 1/s, dst)
}

// LogSoftmaxRow computes dst = log softmax(x) = (x−m) − log Σ e^(x−m) over one row, stably,
// with m the row maximum; dst may be x. Entries equal to −Inf give −Inf; a row containing NaN
// or +Inf, or with every entry −Inf, gives NaN throughout.
func LogSoftmaxRow(dst, x []float32) {
	dst = dst[:len(x)]
	if len(x) == 0 {
		return
	}
	m := Max(x)
	var buf [chunkLen]float32
	p := active
	var s float64
	for lo := 0; lo < len(x); lo += chunkLen {
		hi := min(lo+chunkLen, len(x))
		s += float64(expPath(p, buf[:hi-lo], x[lo:hi], -m))
	}
	ls := float32(math.Log(s))
	for i, v := range x {
		dst[i] = (v - m) - ls
	}
}

// SoftmaxRowLSE is SoftmaxRow that also returns log Σ e^x, the row's log-sum-exp: the
// exponentials e^(x−m) are computed on the path's vector kernel in chunks whose float32 sums
// are added in float64, and the result is m + log(sum). dst may be x. It is meant for losses
// that need both the probabilities and the log-normaliser (fused cross-entropy). A row with no
// finite maximum gives NaN throughout and a NaN or infinite log-sum-exp.
func SoftmaxRowLSE(dst, x []float32) float64 {
	dst = dst[:len(x)]
	if len(x) == 0 {
		return math.Inf(-1)
	}
	m := Max(x)
	p := active
	var s float64
	for lo := 0; lo < len(x); lo += chunkLen {
		hi := min(lo+chunkLen, len(x))
		s += float64(expPath(p, dst[lo:hi], x[lo:hi], -m))
	}
	Scale(dst, float32(1/s), dst)
	return float64(m) + math.Log(s)
}
