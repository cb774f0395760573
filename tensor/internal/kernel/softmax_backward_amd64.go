//go:build !purego

package kernel

//go:noescape
func softmaxGradAVX512(dp, p []float32, scale float32)

func init() { softmaxGradImpl[AVX512] = softmaxGradAVX512 }
