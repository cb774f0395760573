//go:build !purego

package kernel

// Assembly Adam kernels (adam_amd64.s). They process the whole vectors of len(x) elements
// and return how many they did; the Go wrapper finishes the rest with the generic kernel.

//go:noescape
func adamAVX2(x, g, m, v []float32, p *AdamParams) int

//go:noescape
func adamAVX512(x, g, m, v []float32, p *AdamParams) int

func init() {
	adamImpl[AVX2] = func(x, g, m, v []float32, p AdamParams) {
		k := adamAVX2(x, g, m, v, &p)
		adamGeneric(x[k:], g[k:], m[k:], v[k:], p)
	}
	adamImpl[AVX512] = func(x, g, m, v []float32, p AdamParams) {
		k := adamAVX512(x, g, m, v, &p)
		adamGeneric(x[k:], g[k:], m[k:], v[k:], p)
	}
}
