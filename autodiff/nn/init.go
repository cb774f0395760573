package nn

import (
	"math"
	"math/rand/v2"
)

// Init fills w, the storage of a parameter, with initial values drawn from rng. fanIn and
// fanOut are the numbers of inputs and outputs of a unit (for a convolution, channels times
// the kernel area). Inits are plain functions: write your own to taste.
type Init func(w []float32, fanIn, fanOut int, rng *rand.Rand)

// Zeros returns an Init that sets every value to zero.
func Zeros() Init { return func(w []float32, _, _ int, _ *rand.Rand) { clear(w) } }

// Constant returns an Init that sets every value to c (layer-norm gains use 1).
func Constant(c float32) Init {
	return func(w []float32, _, _ int, _ *rand.Rand) {
		for i := range w {
			w[i] = c
		}
	}
}

// Normal returns an Init drawing from N(0, std²), e.g. GPT-2's std 0.02.
func Normal(std float64) Init {
	return func(w []float32, _, _ int, rng *rand.Rand) { fillNormal(w, std, rng) }
}

// Uniform returns an Init drawing from U(−bound, bound).
func Uniform(bound float64) Init {
	return func(w []float32, _, _ int, rng *rand.Rand) { fillUniform(w, bound, rng) }
}

// FanInUniform returns an Init drawing from U(−1/√fanIn, 1/√fanIn): PyTorch's default for the
// weights and biases of Linear and Conv2d (kaiming_uniform_ with a = √5).
func FanInUniform() Init {
	return func(w []float32, fanIn, _ int, rng *rand.Rand) {
		fillUniform(w, 1/math.Sqrt(float64(max(fanIn, 1))), rng)
	}
}

// XavierUniform returns the Glorot–Bengio uniform Init: U(−b, b) with
// b = gain·√(6/(fanIn+fanOut)).
func XavierUniform(gain float64) Init {
	return func(w []float32, fanIn, fanOut int, rng *rand.Rand) {
		fillUniform(w, gain*math.Sqrt(6/float64(max(fanIn+fanOut, 1))), rng)
	}
}

// XavierNormal returns the Glorot–Bengio normal Init: N(0, σ²) with σ = gain·√(2/(fanIn+fanOut)).
func XavierNormal(gain float64) Init {
	return func(w []float32, fanIn, fanOut int, rng *rand.Rand) {
		fillNormal(w, gain*math.Sqrt(2/float64(max(fanIn+fanOut, 1))), rng)
	}
}

// HeUniform returns the He (Kaiming) uniform Init for a leaky-ReLU of negative slope a (0 for
// ReLU), on the fan-in: U(−b, b) with b = √(2/(1+a²))·√(3/fanIn).
func HeUniform(a float64) Init {
	return func(w []float32, fanIn, _ int, rng *rand.Rand) {
		gain := math.Sqrt(2 / (1 + a*a))
		fillUniform(w, gain*math.Sqrt(3/float64(max(fanIn, 1))), rng)
	}
}

// HeNormal returns the He (Kaiming) normal Init for a leaky-ReLU of negative slope a, on the
// fan-in: N(0, σ²) with σ = √(2/(1+a²))/√fanIn.
func HeNormal(a float64) Init {
	return func(w []float32, fanIn, _ int, rng *rand.Rand) {
		fillNormal(w, math.Sqrt(2/(1+a*a))/math.Sqrt(float64(max(fanIn, 1))), rng)
	}
}

func fillUniform(w []float32, bound float64, rng *rand.Rand) {
	for i := range w {
		w[i] = float32((2*rng.Float64() - 1) * bound)
	}
}

func fillNormal(w []float32, std float64, rng *rand.Rand) {
	for i := range w {
		w[i] = float32(rng.NormFloat64() * std)
	}
}
