//go:build !purego

package kernel

// Assembly kernels (vec_amd64.s, exp_amd64.s). The slices they receive have been trimmed to a
// common length by the exported wrappers.

//go:noescape
func dotAVX2(x, y []float32) float32

//go:noescape
func sumAVX2(x []float32) float32

//go:noescape
func maxAVX2(x []float32) (m float32, absBits uint32)

//go:noescape
func axpyAVX2(alpha float32, x, y []float32)

//go:noescape
func scaleAVX2(dst []float32, alpha float32, x []float32)

//go:noescape
func addAVX2(dst, a, b []float32)

//go:noescape
func mulAVX2(dst, a, b []float32)

//go:noescape
func dotAVX512(x, y []float32) float32

//go:noescape
func sumAVX512(x []float32) float32

//go:noescape
func maxAVX512(x []float32) (m float32, absBits uint32)

//go:noescape
func axpyAVX512(alpha float32, x, y []float32)

//go:noescape
func scaleAVX512(dst []float32, alpha float32, x []float32)

//go:noescape
func addAVX512(dst, a, b []float32)

//go:noescape
func mulAVX512(dst, a, b []float32)

// nanAbsBits is the largest bit pattern of a non-NaN |x|, +Inf's.
const nanAbsBits = 0x7f800000

// maxNaNAware turns an assembly maximum into Max's result: when the kernel saw a NaN, the
// generic kernel finds the first one.
func maxNaNAware(kernel func(x []float32) (float32, uint32)) func(x []float32) float32 {
	return func(x []float32) float32 {
		m, bits := kernel(x)
		if bits > nanAbsBits {
			return maxGeneric(x)
		}
		return m
	}
}

// The tables are filled whether or not the processor supports the paths: Use refuses an
// unsupported path, so these entries are never reached on such processors.
func init() {
	dotImpl[AVX2], dotImpl[AVX512] = dotAVX2, dotAVX512
	sumImpl[AVX2], sumImpl[AVX512] = sumAVX2, sumAVX512
	maxImpl[AVX2], maxImpl[AVX512] = maxNaNAware(maxAVX2), maxNaNAware(maxAVX512)
	axpyImpl[AVX2], axpyImpl[AVX512] = axpyAVX2, axpyAVX512
	scaleImpl[AVX2], scaleImpl[AVX512] = scaleAVX2, scaleAVX512
	addImpl[AVX2], addImpl[AVX512] = addAVX2, addAVX512
	mulImpl[AVX2], mulImpl[AVX512] = mulAVX2, mulAVX512
}

//go:noescape
func expAVX2(dst, x []float32, shift float32) float32

//go:noescape
func expAVX512(dst, x []float32, shift float32) float32

//go:noescape
func sigmoidAVX512(dst, x []float32)

//go:noescape
func tanhAVX512(dst, x []float32)

//go:noescape
func geluTanhAVX512(dst, x []float32)

//go:noescape
func sigmoidAVX2(dst, x []float32)

//go:noescape
func tanhAVX2(dst, x []float32)

//go:noescape
func geluTanhAVX2(dst, x []float32)

func init() {
	expImpl[AVX2], expImpl[AVX512] = expAVX2, expAVX512
	sigmoidImpl[AVX2], sigmoidImpl[AVX512] = sigmoidAVX2, sigmoidAVX512
	tanhImpl[AVX2], tanhImpl[AVX512] = tanhAVX2, tanhAVX512
	geluImpl[AVX2], geluImpl[AVX512] = geluTanhAVX2, geluTanhAVX512
}

// expPath is expImpl[p] as a direct call, so that escape analysis sees that the slices do
// not escape and callers may pass stack buffers.
func expPath(p Path, dst, x []float32, shift float32) float32 {
	switch p {
	case AVX512:
		return expAVX512(dst, x, shift)
	case AVX2:
		return expAVX2(dst, x, shift)
	}
	return expShiftSumGeneric(dst, x, shift)
}
