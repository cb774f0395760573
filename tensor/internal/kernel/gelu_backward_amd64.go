//go:build !purego

package kernel

//go:noescape
func geluTanhBackwardAVX512(dst, x, dy []float32)

func init() { geluBackwardImpl[AVX512] = geluTanhBackwardAVX512 }
