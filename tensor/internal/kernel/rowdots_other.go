//go:build purego || !amd64

package kernel

// rowDots4x6AVX512 is never called here: no path of this build has a row-dot kernel.
func rowDots4x6AVX512(k int, a *[rowDotsR][]float32, b *[rowDotsS][]float32, out *[rowDotsR * rowDotsS]float32) {
	panic("kernel: no row-dot kernel in this build")
}
