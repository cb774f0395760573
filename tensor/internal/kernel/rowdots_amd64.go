//go:build !purego

package kernel

//go:noescape
func rowDots4x6AVX512(k int, a *[rowDotsR][]float32, b *[rowDotsS][]float32, out *[rowDotsR * rowDotsS]float32)

func init() { rowDotsPaths[AVX512] = true }
