package tensor

import "math/rand/v2"

// RandNormal returns a tensor of the given shape with elements drawn independently from the
// normal distribution with the given mean and standard deviation, using rng.
func RandNormal(rng *rand.Rand, mean, std float32, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.data {
		t.data[i] = mean + std*float32(rng.NormFloat64())
	}
	return t
}

// RandUniform returns a tensor of the given shape with elements drawn independently and
// uniformly from [lo, hi), using rng.
func RandUniform(rng *rand.Rand, lo, hi float32, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.data {
		t.data[i] = lo + (hi-lo)*rng.Float32()
	}
	return t
}
