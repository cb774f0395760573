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

// Clamp returns x limited to [lo, hi]; the gradient is zero where x is outside the range. It
// panics if lo > hi.
func (tp *Tape) Clamp(x *Var, lo, hi float32) *Var { return tp.unary(unClamp, x, lo, hi) }

func (tp *Tape) unary(kind int, x *Var, c0, c1 float32) *Var {
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(x.Value.Shape()...), rec)
	unaryForward(kind, out.Value, x.Value, c0, c1)
	if rec {
		r := record{op: opUnary, out: out, a: x}
		r.i[0] = kind
		r.f = [2]float32{c0, c1}
		tp.push(r)
	}
	return out
}

// unaryForward computes y = f(x) with the tensor package's elementwise kernels.
func unaryForward(kind int, y, x *tensor.Tensor, c0, c1 float32) {
	switch kind {
	case unNeg:
		tensor.NegInto(y, x)
	case unAbs:
		tensor.AbsInto(y, x)
	case unExp:
		tensor.ExpInto(y, x)
	case unLog:
		tensor.LogInto(y, x)
	case unSqrt:
		tensor.SqrtInto(y, x)
	case unSquare:
		tensor.SquareInto(y, x)
	case unTanh:
		tensor.TanhInto(y, x)
	case unSigmoid:
		tensor.SigmoidInto(y, x)
	case unReLU:
		tensor.ReLUInto(y, x)
	case unGELU:
		tensor.GELUInto(y, x)
	case unGELUErf:
		tensor.GELUErfInto(y, x)
	case unSoftplus:
		tensor.SoftplusInto(y, x)
	case unSwish:
		tensor.SwishInto(y, x)
	case unAddScalar:
		tensor.AddScalarInto(y, x, c0)
	case unMulScalar:
		tensor.MulScalarInto(y, x, c0)
	case unPowScalar:
		tensor.PowScalarInto(y, x, c0)
	case unClamp:
		tensor.ClampInto(y, x, c0, c1)
	}
}

func sigmoid(v float32) float32 {
	if v >= 0 {
		return float32(1 / (1 + math.Exp(-float64(v))))
	}
	e := math.Exp(float64(v))
	return float32(e / (1 + e))
}

func unaryBackward(tp *Tape, r *record) {
	gx, fresh := tp.gradFirst(r.a)
	if gx == nil {
		return
	}
	if r.i[0] == unReLU {
		if fresh {
			tensor.ReLUBackwardInto(gradTensor(tp, r.a), r.a.Value, r.out.Grad)
		} else {
			tensor.ReLUBackwardAdd(gradTensor(tp, r.a), r.a.Value, r.out.Grad)
		}
		return
	}
	if fresh {
		if r.i[0] == unGELU {
			// A gradient new to this pass takes the kernel's output directly.
			tensor.GELUBackwardInto(gradTensor(tp, r.a), r.a.Value, r.out.Grad)
			return
		}
		clear(gx)
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
	case unGELU, unGELUErf:
		tmp := tp.buf(r.a.Value.Shape()...)
		if r.i[0] == unGELU {
			tensor.GELUBackwardInto(tmp, r.a.Value, r.out.Grad)
		} else {
			tensor.GELUErfBackwardInto(tmp, r.a.Value, r.out.Grad)
		}
		tensor.Axpy(1, tmp.Data()[:len(gx)], gx)
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
