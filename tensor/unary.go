package tensor

import (
	"fmt"
	"math"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// unaryInto applies vec, an elementwise function on slices that allows dst to be x, to a and
// writes the result into dst (allocated when nil).
func unaryInto(op string, dst, a *Tensor, vec func(dst, x []float32)) *Tensor {
	if dst == nil {
		dst = New(a.shape...)
	} else {
		mustSameShape(op, dst, a)
	}
	n := len(a.data)
	if n < 2*parallelGrain {
		vec(dst.data, a.data)
	} else {
		kernel.Parallel(n, parallelGrain, func(lo, hi int) { vec(dst.data[lo:hi], a.data[lo:hi]) })
	}
	return dst
}

// mapInto applies f to every element of x.
func mapInto(dst, x []float32, f func(float32) float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = f(v)
	}
}

func negVec(dst, x []float32) { kernel.Scale(dst, -1, x) }
func absVec(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = math.Float32frombits(math.Float32bits(v) &^ (1 << 31))
	}
}
func logVec(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = float32(math.Log(float64(v)))
	}
}
func sqrtVec(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = float32(math.Sqrt(float64(v)))
	}
}
func squareVec(dst, x []float32) { kernel.Mul(dst, x, x) }
func geluErfVec(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		u := float64(v)
		dst[i] = float32(0.5 * u * (1 + math.Erf(u/math.Sqrt2)))
	}
}
func softplusVec(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		u := float64(v)
		dst[i] = float32(max(u, 0) + math.Log1p(math.Exp(-math.Abs(u))))
	}
}
func swishVec(dst, x []float32) {
	var buf [256]float32
	for i := 0; i < len(x); i += len(buf) {
		m := min(len(buf), len(x)-i)
		kernel.Sigmoid(buf[:m], x[i:i+m])
		kernel.Mul(dst[i:i+m], x[i:i+m], buf[:m])
	}
}

// Neg returns −a elementwise.
func Neg(a *Tensor) *Tensor { return unaryInto("Neg", nil, a, negVec) }

// NegInto writes −a into dst, which must have a's shape (it may be a), and returns dst.
func NegInto(dst, a *Tensor) *Tensor {
	mustDst("NegInto", dst)
	return unaryInto("NegInto", dst, a, negVec)
}

// Abs returns |a| elementwise.
func Abs(a *Tensor) *Tensor { return unaryInto("Abs", nil, a, absVec) }

// AbsInto writes |a| into dst, which must have a's shape (it may be a), and returns dst.
func AbsInto(dst, a *Tensor) *Tensor {
	mustDst("AbsInto", dst)
	return unaryInto("AbsInto", dst, a, absVec)
}

// Exp returns e^a elementwise.
func Exp(a *Tensor) *Tensor { return unaryInto("Exp", nil, a, kernel.Exp) }

// ExpInto writes e^a into dst, which must have a's shape (it may be a), and returns dst.
func ExpInto(dst, a *Tensor) *Tensor {
	mustDst("ExpInto", dst)
	return unaryInto("ExpInto", dst, a, kernel.Exp)
}

// Log returns the natural logarithm of a elementwise (−Inf at 0, NaN below 0).
func Log(a *Tensor) *Tensor { return unaryInto("Log", nil, a, logVec) }

// LogInto writes log a into dst, which must have a's shape (it may be a), and returns dst.
func LogInto(dst, a *Tensor) *Tensor {
	mustDst("LogInto", dst)
	return unaryInto("LogInto", dst, a, logVec)
}

// Sqrt returns √a elementwise (NaN below 0).
func Sqrt(a *Tensor) *Tensor { return unaryInto("Sqrt", nil, a, sqrtVec) }

// SqrtInto writes √a into dst, which must have a's shape (it may be a), and returns dst.
func SqrtInto(dst, a *Tensor) *Tensor {
	mustDst("SqrtInto", dst)
	return unaryInto("SqrtInto", dst, a, sqrtVec)
}

// Square returns a² elementwise.
func Square(a *Tensor) *Tensor { return unaryInto("Square", nil, a, squareVec) }

// SquareInto writes a² into dst, which must have a's shape (it may be a), and returns dst.
func SquareInto(dst, a *Tensor) *Tensor {
	mustDst("SquareInto", dst)
	return unaryInto("SquareInto", dst, a, squareVec)
}

// Tanh returns tanh a elementwise.
func Tanh(a *Tensor) *Tensor { return unaryInto("Tanh", nil, a, kernel.Tanh) }

// TanhInto writes tanh a into dst, which must have a's shape (it may be a), and returns dst.
func TanhInto(dst, a *Tensor) *Tensor {
	mustDst("TanhInto", dst)
	return unaryInto("TanhInto", dst, a, kernel.Tanh)
}

// Sigmoid returns the logistic function 1/(1+e^−a) elementwise.
func Sigmoid(a *Tensor) *Tensor { return unaryInto("Sigmoid", nil, a, kernel.Sigmoid) }

// SigmoidInto writes Sigmoid(a) into dst, which must have a's shape (it may be a), and returns
// dst.
func SigmoidInto(dst, a *Tensor) *Tensor {
	mustDst("SigmoidInto", dst)
	return unaryInto("SigmoidInto", dst, a, kernel.Sigmoid)
}

// ReLU returns max(a, 0) elementwise; NaN stays NaN.
func ReLU(a *Tensor) *Tensor { return unaryInto("ReLU", nil, a, kernel.ReLU) }

// ReLUInto writes ReLU(a) into dst, which must have a's shape (it may be a), and returns dst.
func ReLUInto(dst, a *Tensor) *Tensor {
	mustDst("ReLUInto", dst)
	return unaryInto("ReLUInto", dst, a, kernel.ReLU)
}

// ReLUBackward returns the gradient of ReLU at x times dy: dy where x > 0 and 0 elsewhere
// (NaN included). x and dy have the same shape.
func ReLUBackward(x, dy *Tensor) *Tensor { return ReLUBackwardInto(New(x.shape...), x, dy) }

// ReLUBackwardInto writes ReLUBackward(x, dy) into dst, which must have x's shape (it may be x
// or dy), and returns dst.
func ReLUBackwardInto(dst, x, dy *Tensor) *Tensor {
	mustSameShape("ReLUBackwardInto", x, dy)
	mustSameShape("ReLUBackwardInto", dst, x)
	kernel.ReLUGrad(dst.data, x.data, dy.data)
	return dst
}

// ReLUBackwardAdd adds ReLUBackward(x, dy) to dst, which must have x's shape: the accumulating
// form for an input whose gradient already holds other contributions. It returns dst.
func ReLUBackwardAdd(dst, x, dy *Tensor) *Tensor {
	mustSameShape("ReLUBackwardAdd", x, dy)
	mustSameShape("ReLUBackwardAdd", dst, x)
	kernel.ReLUGradAdd(dst.data, x.data, dy.data)
	return dst
}

// GELU returns the tanh approximation of the Gaussian error linear unit used by GPT-2,
//
//	GELU(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))),
//
// elementwise. GELUErf is the exact form.
func GELU(a *Tensor) *Tensor { return unaryInto("GELU", nil, a, kernel.GELUTanh) }

// GELUInto writes GELU(a) into dst, which must have a's shape (it may be a), and returns dst.
func GELUInto(dst, a *Tensor) *Tensor {
	mustDst("GELUInto", dst)
	return unaryInto("GELUInto", dst, a, kernel.GELUTanh)
}

// GELUErf returns the exact Gaussian error linear unit x·Φ(x) = ½·x·(1 + erf(x/√2))
// elementwise.
func GELUErf(a *Tensor) *Tensor { return unaryInto("GELUErf", nil, a, geluErfVec) }

// GELUErfInto writes GELUErf(a) into dst, which must have a's shape (it may be a), and returns
// dst.
func GELUErfInto(dst, a *Tensor) *Tensor {
	mustDst("GELUErfInto", dst)
	return unaryInto("GELUErfInto", dst, a, geluErfVec)
}

// Softplus returns log(1 + e^a) elementwise, computed stably as max(x,0) + log1p(e^−|x|) so that
// large inputs neither overflow nor lose precision.
func Softplus(a *Tensor) *Tensor { return unaryInto("Softplus", nil, a, softplusVec) }

// SoftplusInto writes Softplus(a) into dst, which must have a's shape (it may be a), and
// returns dst.
func SoftplusInto(dst, a *Tensor) *Tensor {
	mustDst("SoftplusInto", dst)
	return unaryInto("SoftplusInto", dst, a, softplusVec)
}

// Swish returns x·sigmoid(x) elementwise (also called SiLU).
func Swish(a *Tensor) *Tensor { return unaryInto("Swish", nil, a, swishVec) }

// SwishInto writes Swish(a) into dst, which must have a's shape (it may be a), and returns dst.
func SwishInto(dst, a *Tensor) *Tensor {
	mustDst("SwishInto", dst)
	return unaryInto("SwishInto", dst, a, swishVec)
}

// Clamp returns a with every element limited to [lo, hi]; NaN stays NaN. It panics if lo > hi.
func Clamp(a *Tensor, lo, hi float32) *Tensor { return clampInto("Clamp", nil, a, lo, hi) }

// ClampInto writes Clamp(a, lo, hi) into dst, which must have a's shape (it may be a), and
// returns dst.
func ClampInto(dst, a *Tensor, lo, hi float32) *Tensor {
	mustDst("ClampInto", dst)
	return clampInto("ClampInto", dst, a, lo, hi)
}

func clampInto(op string, dst, a *Tensor, lo, hi float32) *Tensor {
	if !(lo <= hi) {
		panic(fmt.Sprintf("tensor: %s: lo %v > hi %v", op, lo, hi))
	}
	return unaryInto(op, dst, a, func(dst, x []float32) {
		mapInto(dst, x, func(v float32) float32 { return min(max(v, lo), hi) })
	})
}

// GELUBackward returns the gradient of GELU (the tanh form) at x times dy: with
// u = √(2/π)·(x + 0.044715·x³) and t = tanh u,
//
//	dx = dy · (½·(1 + t) + ½·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)).
//
// It is evaluated in float32 on the vector exponential, in the sigmoid form that keeps 1 + t
// accurate for negative u (relative error of the derivative below 1e-6). x and dy have the same
// shape.
func GELUBackward(x, dy *Tensor) *Tensor { return geluBackwardInto("GELUBackward", nil, x, dy, false) }

// GELUBackwardInto writes GELUBackward(x, dy) into dst, which must have x's shape (it may be x
// or dy), and returns dst.
func GELUBackwardInto(dst, x, dy *Tensor) *Tensor {
	mustDst("GELUBackwardInto", dst)
	return geluBackwardInto("GELUBackwardInto", dst, x, dy, false)
}

// GELUErfBackward returns the gradient of GELUErf at x times dy:
//
//	dx = dy · (Φ(x) + x·φ(x)),  Φ(x) = ½·(1 + erf(x/√2)),  φ(x) = e^(−x²/2)/√(2π).
//
// x and dy have the same shape.
func GELUErfBackward(x, dy *Tensor) *Tensor {
	return geluBackwardInto("GELUErfBackward", nil, x, dy, true)
}

// GELUErfBackwardInto writes GELUErfBackward(x, dy) into dst, which must have x's shape (it may
// be x or dy), and returns dst.
func GELUErfBackwardInto(dst, x, dy *Tensor) *Tensor {
	mustDst("GELUErfBackwardInto", dst)
	return geluBackwardInto("GELUErfBackwardInto", dst, x, dy, true)
}

func geluBackwardInto(op string, dst, x, dy *Tensor, exact bool) *Tensor {
	mustSameShape(op, x, dy)
	if dst == nil {
		dst = New(x.shape...)
	} else {
		mustSameShape(op, dst, x)
	}
	if !exact {
		// The vector kernel splits large inputs over goroutines itself.
		kernel.GELUTanhBackward(dst.data, x.data, dy.data)
		return dst
	}
	body := func(lo, hi int) {
		xs, gs, ds := x.data[lo:hi], dy.data[lo:hi], dst.data[lo:hi]
		gs, ds = gs[:len(xs)], ds[:len(xs)]
		for i, v := range xs {
			u := float64(v)
			var d float64
			if exact {
				cdf := 0.5 * (1 + math.Erf(u/math.Sqrt2))
				pdf := math.Exp(-0.5*u*u) / math.Sqrt(2*math.Pi)
				d = cdf + u*pdf
			} else {
				const c = 0.7978845608028654 // √(2/π)
				t := math.Tanh(c * (u + 0.044715*u*u*u))
				d = 0.5*(1+t) + 0.5*u*(1-t*t)*c*(1+3*0.044715*u*u)
			}
			ds[i] = float32(d * float64(gs[i]))
		}
	}
	if n := len(x.data); n < 2*parallelGrain {
		body(0, n)
	} else {
		kernel.Parallel(n, parallelGrain, body)
	}
	return dst
}
