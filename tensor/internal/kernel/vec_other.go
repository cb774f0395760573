//go:build purego || !amd64

package kernel

// expPath is expImpl[p] as a direct call, so that escape analysis sees that the slices do
// not escape and callers may pass stack buffers. Only the generic path exists in this build.
func expPath(p Path, dst, x []float32, shift float32) float32 {
	return expShiftSumGeneric(dst, x, shift)
}
