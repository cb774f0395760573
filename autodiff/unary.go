package autodiff

import (
	"math"

	"github.com/tenet-ml/tenet/tensor"
)

// Element-wise unary operations share one record kind: the forward pass applies f to each
// element and the backward pass multiplies the output gradient by f′, computed from the input
// x, the output y and the operation's scalar parameter c.

const (
	unNeg = iota
	unAbs
	unExp
	unLog
	unSqrt
	unSquare
	unTanh
	unSigmoid
	unReLU
	unGELU
	unGELUErf
	unSoftplus
	unSwish
	unAddScalar
	unMulScalar
	unPowScalar
	unClamp
)

// Neg returns −x.
func (tp *Tape) Neg(x *Var) *Var { return tp.unary(unNeg, x, 0, 0) }

// Abs returns |x|; its gradient at 0 is taken as 0.
func (tp *Tape) Abs(x *Var) *Var { return tp.unary(unAbs, x, 0, 0) }

// Exp returns eˣ.
func (tp *Tape) Exp(x *Var) *Var { return tp.unary(unExp, x, 0, 0) }

// Log returns the natural logarithm of x.
func (tp *Tape) Log(x *Var) *Var { return tp.unary(unLog, x, 0, 0) }

// Sqrt returns √x.
func (tp *Tape) Sqrt(x *Var) *Var { return tp.unary(unSqrt, x, 0, 0) }

// Square returns x².
func (tp *Tape) Square(x *Var) *Var { return tp.unary(unSquare, x, 0, 0) }

// AddScalar returns x + c.
func (tp *Tape) AddScalar(x *Var, c float32) *Var { return tp.unary(unAddScalar, x, c, 0) }

// MulScalar returns c·x.
func (tp *Tape) MulScalar(x *Var, c float32) *Var { return tp.unary(unMulScalar, x, c, 0) }

// PowScalar returns x raised element-wise to the constant power p.
func (tp *Tape) PowScalar(x *Var, p float32) *Var { return tp.unary(unPowScalar, x, p, 0) }

// Clamp returns x limited to [lo, hi]; the gradient is zero where x is outside the range.
func (tp *Tape) Clamp(x *Var, lo, hi float32) *Var { return tp.unary(unClamp, x, lo, hi) }

func (tp *Tape) unary(kind int, x *Var, c0, c1 float32) *Var {
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(x.Value.Shape()...), rec)
	if !unaryTensor(kind, out.Value, x.Value) {
		unaryForward(kind, out.Value.Data(), x.Value.Data(), c0, c1)
	}
	if rec {
		r := record{op: opUnary, out: out, a: x}
		r.i[0] = kind
		r.f = [2]float32{c0, c1}
		tp.push(r)
	}
	return out
}

const (
	sqrt2OverPi = 0.7978845608028654 // √(2/π)
	geluCoef    = 0.044715
)

// unaryTensor computes y = f(x) with the tensor package's vector kernels where it has them,
// reporting whether it did.
func unaryTensor(kind int, y, x *tensor.Tensor) bool {
	switch kind {
	case unExp:
		tensor.ExpInto(y, x)
	case unTanh:
		tensor.TanhInto(y, x)
	case unSigmoid:
		tensor.SigmoidInto(y, x)
	case unGELU:
		tensor.GELUInto(y, x)
	case unGELUErf:
		tensor.GELUErfInto(y, x)
	case unSoftplus:
		tensor.SoftplusInto(y, x)
	case unSwish:
		tensor.SwishInto(y, x)
	default:
		return false
	}
	return true
}

// unaryForward is the scalar path of the forward pass: y = f(x).
func unaryForward(kind int, y, x []float32, c0, c1 float32) {
	x = x[:len(y)]
	switch kind {
	case unNeg:
		for i, v := range x {
			y[i] = -v
		}
	case unAbs:
		for i, v := range x {
			y[i] = float32(math.Abs(float64(v)))
		}
	case unExp:
		for i, v := range x {
			y[i] = float32(math.Exp(float64(v)))
		}
	case unLog:
		for i, v := range x {
			y[i] = float32(math.Log(float64(v)))
		}
	case unSqrt:
		for i, v := range x {
			y[i] = float32(math.Sqrt(float64(v)))
		}
	case unSquare:
		for i, v := range x {
			y[i] = v * v
		}
	case unTanh:
		for i, v := range x {
			y[i] = float32(math.Tanh(float64(v)))
		}
	case unSigmoid:
		for i, v := range x {
			y[i] = sigmoid(v)
		}
	case unReLU:
		for i, v := range x {
			y[i] = max(v, 0)
		}
	case unGELU:
		for i, v := range x {
			u := float64(v)
			y[i] = float32(0.5 * u * (1 + math.Tanh(sqrt2OverPi*(u+geluCoef*u*u*u))))
		}
	case unGELUErf:
		for i, v := range x {
			u := float64(v)
			y[i] = float32(0.5 * u * (1 + math.Erf(u/math.Sqrt2)))
		}
	case unSoftplus:
		for i, v := range x {
			y[i] = softplus(v)
		}
	case unSwish:
		for i, v := range x {
			y[i] = v * sigmoid(v)
		}
	case unAddScalar:
		for i, v := range x {
			y[i] = v + c0
		}
	case unMulScalar:
		for i, v := range x {
			y[i] = v * c0
		}
	case unPowScalar:
		p := float64(c0)
		for i, v := range x {
			y[i] = float32(math.Pow(float64(v), p))
		}
	case unClamp:
		for i, v := range x {
			y[i] = min(max(v, c0), c1)
		}
	}
}

func sigmoid(v float32) float32 {
	if v >= 0 {
		return float32(1 / (1 + math.Exp(-float64(v))))
	}
	e := math.Exp(float64(v))
	return float32(e / (1 + e))
}

func softplus(v float32) float32 {
	u := float64(v)
	return float32(max(u, 0) + math.Log1p(math.Exp(-math.Abs(u))))
}

func unaryBackward(tp *Tape, r *record) {
	gx := tp.grad(r.a)
	if gx == nil {
		return
	}
	x, y, dy := r.a.Value.Data(), r.out.Value.Data(), r.out.Grad.Data()
	gx = gx[:len(dy)]
	x, y = x[:len(dy)], y[:len(dy)]
	c0, c1 := r.f[0], r.f[1]
	switch r.i[0] {
	case unNeg:
		for i, d := range dy {
			gx[i] -= d
		}
	case unAbs:
		for i, d := range dy {
			switch {
			case x[i] > 0:
				gx[i] += d
			case x[i] < 0:
				gx[i] -= d
			}
		}
	case unExp:
		for i, d := range dy {
			gx[i] += d * y[i]
		}
	case unLog:
		for i, d := range dy {
			gx[i] += d / x[i]
		}
	case unSqrt:
		for i, d := range dy {
			gx[i] += d * 0.5 / y[i]
		}
	case unSquare:
		for i, d := range dy {
			gx[i] += 2 * d * x[i]
		}
	case unTanh:
		for i, d := range dy {
			gx[i] += d * (1 - y[i]*y[i])
		}
	case unSigmoid:
		for i, d := range dy {
			gx[i] += d * y[i] * (1 - y[i])
		}
	case unReLU:
		for i, d := range dy {
			if x[i] > 0 {
				gx[i] += d
			}
		}
	case unGELU, unGELUErf:
		tmp := tp.buf(r.a.Value.Shape()...)
		if r.i[0] == unGELU {
			tensor.GELUBackwardInto(tmp, r.a.Value, r.out.Grad)
		} else {
			tensor.GELUErfBackwardInto(tmp, r.a.Value, r.out.Grad)
		}
		for i, v := range tmp.Data()[:len(gx)] {
			gx[i] += v
		}
	case unSoftplus:
		for i, d := range dy {
			gx[i] += d * sigmoid(x[i])
		}
	case unSwish:
		for i, d := range dy {
			s := sigmoid(x[i])
			gx[i] += d * (s + x[i]*s*(1-s))
		}
	case unAddScalar:
		for i, d := range dy {
			gx[i] += d
		}
	case unMulScalar:
		for i, d := range dy {
			gx[i] += d * c0
		}
	case unPowScalar:
		p := float64(c0)
		for i, d := range dy {
			gx[i] += d * float32(p*math.Pow(float64(x[i]), p-1))
		}
	case unClamp:
		for i, d := range dy {
			if x[i] >= c0 && x[i] <= c1 {
				gx[i] += d
			}
		}
	}
}
