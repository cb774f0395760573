//go:build !purego

package kernel

// Assembly rectifier kernels (relu_amd64.s). The AVX2 versions process whole vectors and
// return how many elements they did; the Go wrappers finish the tail. The AVX-512 versions
// mask their tail.

//go:noescape
func reluAVX2(dst, x []float32) int

//go:noescape
func reluGradAVX2(dst, x, dy []float32, add bool) int

//go:noescape
func reluAVX512(dst, x []float32)

//go:noescape
func reluGradAVX512(dst, x, dy []float32, add bool)

func init() {
	reluImpl[AVX2] = func(dst, x []float32) {
		k := reluAVX2(dst, x)
		reluGeneric(dst[k:], x[k:])
	}
	reluGradImpl[AVX2] = func(dst, x, dy []float32) {
		k := reluGradAVX2(dst, x, dy, false)
		reluGradGeneric(dst[k:], x[k:], dy[k:])
	}
	reluGradAddImpl[AVX2] = func(dst, x, dy []float32) {
		k := reluGradAVX2(dst, x, dy, true)
		reluGradAddGeneric(dst[k:], x[k:], dy[k:])
	}
	reluImpl[AVX512] = reluAVX512
	reluGradImpl[AVX512] = func(dst, x, dy []float32) { reluGradAVX512(dst, x, dy, false) }
	reluGradAddImpl[AVX512] = func(dst, x, dy []float32) { reluGradAVX512(dst, x, dy, true) }
}
