package kernel

import "math"

// Dot returns the sum of x[i]·y[i] over len(x) elements; y must be at least as long as x.
func Dot(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// Axpy computes y[i] += alpha·x[i] over len(x) elements.
func Axpy(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

// Scale computes dst[i] = alpha·x[i] over len(x) elements; dst may be x.
func Scale(dst []float32, alpha float32, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = alpha * v
	}
}

// Add computes dst[i] = a[i] + b[i] over len(a) elements; dst may alias a or b.
func Add(dst, a, b []float32) {
	dst, b = dst[:len(a)], b[:len(a)]
	for i, v := range a {
		dst[i] = v + b[i]
	}
}

// Mul computes dst[i] = a[i]·b[i] over len(a) elements; dst may alias a or b.
func Mul(dst, a, b []float32) {
	dst, b = dst[:len(a)], b[:len(a)]
	for i, v := range a {
		dst[i] = v * b[i]
	}
}

// Sum returns the sum of x.
func Sum(x []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i]
		s1 += x[i+1]
		s2 += x[i+2]
		s3 += x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// Max returns the largest element of x, -Inf for an empty x, and NaN if any element is NaN.
func Max(x []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range x {
		if v > m || v != v {
			m = v
			if v != v {
				return v
			}
		}
	}
	return m
}

// Exp computes dst[i] = e^x[i]; dst may be x.
func Exp(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = float32(math.Exp(float64(v)))
	}
}

// Tanh computes dst[i] = tanh(x[i]); dst may be x.
func Tanh(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = float32(math.Tanh(float64(v)))
	}
}

// Sigmoid computes dst[i] = 1/(1+e^-x[i]); dst may be x.
func Sigmoid(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = float32(1 / (1 + math.Exp(-float64(v))))
	}
}

// GELUTanh computes the tanh approximation of GELU used by GPT-2,
// dst[i] = ½x(1 + tanh(√(2/π)(x + 0.044715x³))); dst may be x.
func GELUTanh(dst, x []float32) {
	dst = dst[:len(x)]
	const c = 0.7978845608028654 // √(2/π)
	for i, v := range x {
		u := float64(v)
		dst[i] = float32(0.5 * u * (1 + math.Tanh(c*(u+0.044715*u*u*u))))
	}
}

// SoftmaxRow computes dst = softmax(x) over one row, stably (the row maximum is subtracted
// before exponentiation); dst may be x.
func SoftmaxRow(dst, x []float32) {
	dst = dst[:len(x)]
	m := Max(x)
	Exp(dst, subScalar(dst, x, m))
	Scale(dst, 1/Sum(dst), dst)
}

// LogSoftmaxRow computes dst = log softmax(x) over one row, stably; dst may be x.
func LogSoftmaxRow(dst, x []float32) {
	dst = dst[:len(x)]
	m := Max(x)
	var s float64
	for _, v := range x {
		s += math.Exp(float64(v - m))
	}
	lse := m + float32(math.Log(s))
	for i, v := range x {
		dst[i] = v - lse
	}
}

func subScalar(dst, x []float32, s float32) []float32 {
	for i, v := range x {
		dst[i] = v - s
	}
	return dst
}
