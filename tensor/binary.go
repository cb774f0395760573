package tensor

import (
	"fmt"
	"math"
	"slices"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// binary describes an elementwise binary operation by its scalar form and, optionally, faster
// loops over a pair of slices (vv), a slice and a scalar (vs) and a scalar and a slice (sv).
type binary struct {
	name string
	f    func(x, y float32) float32
	vv   func(dst, a, b []float32)
	vs   func(dst, a []float32, s float32)
	sv   func(dst []float32, s float32, b []float32)
}

func (op *binary) doVV(dst, a, b []float32) {
	if op.vv != nil {
		op.vv(dst, a, b)
		return
	}
	dst, b = dst[:len(a)], b[:len(a)]
	for i, x := range a {
		dst[i] = op.f(x, b[i])
	}
}

func (op *binary) doVS(dst, a []float32, s float32) {
	if op.vs != nil {
		op.vs(dst, a, s)
		return
	}
	dst = dst[:len(a)]
	for i, x := range a {
		dst[i] = op.f(x, s)
	}
}

func (op *binary) doSV(dst []float32, s float32, b []float32) {
	if op.sv != nil {
		op.sv(dst, s, b)
		return
	}
	dst = dst[:len(b)]
	for i, y := range b {
		dst[i] = op.f(s, y)
	}
}

// parallelGrain is the number of elements below which elementwise work stays on one goroutine.
const parallelGrain = 1 << 15

// Parallel splits the index range [0, n) into contiguous chunks and runs fn on each, on up to
// GOMAXPROCS goroutines (the calling one included; fewer inside Concurrent), and returns when
// every chunk is done. With w = Workers(n, grain) at the time of the call and c = ⌈n/w⌉, chunk
// i is [i·c, min((i+1)·c, n)). Since w ≤ P = GOMAXPROCS, no chunk is shorter than
// c₀ = ⌈n/P⌉, so lo/c₀ numbers the chunks with distinct values below P: callers may index
// per-chunk scratch (P pieces) with it. With one chunk it calls fn(0, n) on the calling
// goroutine. The workers are long-lived: a call allocates nothing beyond fn's closure. Results
// stay independent of GOMAXPROCS when each output element is computed within one index. fn may
// call Parallel itself.
func Parallel(n, grain int, fn func(lo, hi int)) { kernel.Parallel(n, grain, fn) }

// Axpy computes y[i] += alpha·x[i] over len(x) elements on the vector kernel, in parallel for
// long slices; y must be at least as long as x. Every element is computed the same way
// whatever the split. It serves fused operations accumulating into their own buffers.
func Axpy(alpha float32, x, y []float32) { kernel.Axpy(alpha, x, y) }

// Workers returns how many chunks Parallel(n, grain, ·) uses: min(P, n/grain), at least 1,
// where P is GOMAXPROCS shared among the running sections of Concurrent calls.
func Workers(n, grain int) int { return kernel.Workers(n, grain) }

// apply computes dst = op(a, b) with broadcasting. dst is allocated when nil; otherwise it must
// have the broadcast shape (intoName names the operation in that case).
func (op *binary) apply(intoName string, dst, a, b *Tensor) *Tensor {
	if dst == nil {
		dst = New(broadcastShapes(op.name, a.shape, b.shape)...)
	} else if !isBroadcastOf(dst.shape, a.shape, b.shape) {
		out := broadcastShapes(intoName, a.shape, b.shape) // panics if a and b do not broadcast
		panic(fmt.Sprintf("tensor: %s: destination %v, want %v for %v and %v", intoName, dst.shape, out, a.shape, b.shape))
	}
	n := len(dst.data)
	if n == 0 {
		return dst
	}
	switch {
	case len(a.data) == n && len(b.data) == n:
		// Equal element counts under a valid broadcast mean equal shapes up to size-1 axes.
		if n < 2*parallelGrain {
			op.doVV(dst.data, a.data, b.data)
		} else {
			kernel.Parallel(n, parallelGrain, func(lo, hi int) { op.doVV(dst.data[lo:hi], a.data[lo:hi], b.data[lo:hi]) })
		}
		return dst
	case len(b.data) == 1 && len(a.data) == n:
		s := b.data[0]
		if n < 2*parallelGrain {
			op.doVS(dst.data, a.data, s)
		} else {
			kernel.Parallel(n, parallelGrain, func(lo, hi int) { op.doVS(dst.data[lo:hi], a.data[lo:hi], s) })
		}
		return dst
	case len(a.data) == 1 && len(b.data) == n:
		s := a.data[0]
		if n < 2*parallelGrain {
			op.doSV(dst.data, s, b.data)
		} else {
			kernel.Parallel(n, parallelGrain, func(lo, hi int) { op.doSV(dst.data[lo:hi], s, b.data[lo:hi]) })
		}
		return dst
	case len(a.data) == n && isRowOf(b.shape, dst.shape):
		// A row broadcast over the leading axes: a bias add.
		m := len(b.data)
		for o := 0; o < n; o += m {
			op.doVV(dst.data[o:o+m], a.data[o:o+m], b.data)
		}
		return dst
	case len(b.data) == n && isRowOf(a.shape, dst.shape):
		m := len(a.data)
		for o := 0; o < n; o += m {
			op.doVV(dst.data[o:o+m], a.data, b.data[o:o+m])
		}
		return dst
	}
	l := newLoop(dst.shape, a.shape, b.shape)
	ia, ib := l.inner[1], l.inner[2]
	l.run(func(off [3]int, m int) {
		d := dst.data[off[0] : off[0]+m]
		switch {
		case ia == 1 && ib == 1:
			op.doVV(d, a.data[off[1]:off[1]+m], b.data[off[2]:off[2]+m])
		case ia == 1:
			op.doVS(d, a.data[off[1]:off[1]+m], b.data[off[2]])
		case ib == 1:
			op.doSV(d, a.data[off[1]], b.data[off[2]:off[2]+m])
		default:
			v := op.f(a.data[off[1]], b.data[off[2]])
			for i := range d {
				d[i] = v
			}
		}
	})
	return dst
}

// isRowOf reports whether shape s, with leading size-1 axes ignored, equals the trailing axes
// of out and has at least two elements, so that s repeats once per leading index of out.
func isRowOf(s, out []int) bool {
	for len(s) > 0 && s[0] == 1 {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > len(out) {
		return false
	}
	return slices.Equal(s, out[len(out)-len(s):])
}

func mustDst(op string, dst *Tensor) {
	if dst == nil {
		panic(fmt.Sprintf("tensor: %s: nil destination", op))
	}
}

var (
	opAdd = &binary{name: "Add", f: func(x, y float32) float32 { return x + y },
		vv: kernel.Add,
		vs: func(dst, a []float32, s float32) {
			dst = dst[:len(a)]
			for i, x := range a {
				dst[i] = x + s
			}
		},
		sv: func(dst []float32, s float32, b []float32) {
			dst = dst[:len(b)]
			for i, y := range b {
				dst[i] = s + y
			}
		}}
	opSub = &binary{name: "Sub", f: func(x, y float32) float32 { return x - y },
		vv: func(dst, a, b []float32) {
			dst, b = dst[:len(a)], b[:len(a)]
			for i, x := range a {
				dst[i] = x - b[i]
			}
		},
		vs: func(dst, a []float32, s float32) {
			dst = dst[:len(a)]
			for i, x := range a {
				dst[i] = x - s
			}
		},
		sv: func(dst []float32, s float32, b []float32) {
			dst = dst[:len(b)]
			for i, y := range b {
				dst[i] = s - y
			}
		}}
	opMul = &binary{name: "Mul", f: func(x, y float32) float32 { return x * y },
		vv: kernel.Mul,
		vs: func(dst, a []float32, s float32) { kernel.Scale(dst, s, a) },
		sv: func(dst []float32, s float32, b []float32) { kernel.Scale(dst, s, b) }}
	opDiv = &binary{name: "Div", f: func(x, y float32) float32 { return x / y },
		vv: func(dst, a, b []float32) {
			dst, b = dst[:len(a)], b[:len(a)]
			for i, x := range a {
				dst[i] = x / b[i]
			}
		},
		vs: func(dst, a []float32, s float32) {
			dst = dst[:len(a)]
			for i, x := range a {
				dst[i] = x / s
			}
		}}
	opPow     = &binary{name: "Pow", f: pow32, vs: powScalar}
	opMaximum = &binary{name: "Maximum", f: func(x, y float32) float32 { return max(x, y) }}
	opMinimum = &binary{name: "Minimum", f: func(x, y float32) float32 { return min(x, y) }}
)

func pow32(x, y float32) float32 { return float32(math.Pow(float64(x), float64(y))) }

// powScalar computes dst[i] = a[i]^p with exact shortcuts for common exponents.
func powScalar(dst, a []float32, p float32) {
	dst = dst[:len(a)]
	switch p {
	case 1:
		copy(dst, a)
	case 2:
		kernel.Mul(dst, a, a)
	case 0.5:
		for i, x := range a {
			dst[i] = float32(math.Sqrt(float64(x)))
		}
	case -1:
		for i, x := range a {
			dst[i] = 1 / x
		}
	default:
		for i, x := range a {
			dst[i] = pow32(x, p)
		}
	}
}

// Add returns a + b elementwise, with the operands broadcast to a common shape.
func Add(a, b *Tensor) *Tensor { return opAdd.apply("", nil, a, b) }

// AddInto writes a + b into dst, which must have the broadcast shape, and returns dst. dst may
// be a or b when that operand has the broadcast shape.
func AddInto(dst, a, b *Tensor) *Tensor {
	mustDst("AddInto", dst)
	return opAdd.apply("AddInto", dst, a, b)
}

// Sub returns a − b elementwise, with broadcasting.
func Sub(a, b *Tensor) *Tensor { return opSub.apply("", nil, a, b) }

// SubInto writes a − b into dst (the broadcast shape) and returns dst; dst may alias an operand
// of that shape.
func SubInto(dst, a, b *Tensor) *Tensor {
	mustDst("SubInto", dst)
	return opSub.apply("SubInto", dst, a, b)
}

// Mul returns a·b elementwise (the Hadamard product), with broadcasting.
func Mul(a, b *Tensor) *Tensor { return opMul.apply("", nil, a, b) }

// MulInto writes a·b into dst (the broadcast shape) and returns dst; dst may alias an operand
// of that shape.
func MulInto(dst, a, b *Tensor) *Tensor {
	mustDst("MulInto", dst)
	return opMul.apply("MulInto", dst, a, b)
}

// Div returns a / b elementwise, with broadcasting. Division by zero follows IEEE 754 (±Inf or
// NaN).
func Div(a, b *Tensor) *Tensor { return opDiv.apply("", nil, a, b) }

// DivInto writes a / b into dst (the broadcast shape) and returns dst; dst may alias an operand
// of that shape.
func DivInto(dst, a, b *Tensor) *Tensor {
	mustDst("DivInto", dst)
	return opDiv.apply("DivInto", dst, a, b)
}

// Pow returns a^b elementwise, with broadcasting, following math.Pow for special cases (a
// negative base with a non-integer exponent gives NaN).
func Pow(a, b *Tensor) *Tensor { return opPow.apply("", nil, a, b) }

// PowInto writes a^b into dst (the broadcast shape) and returns dst; dst may alias an operand
// of that shape.
func PowInto(dst, a, b *Tensor) *Tensor {
	mustDst("PowInto", dst)
	return opPow.apply("PowInto", dst, a, b)
}

// Maximum returns the elementwise maximum of a and b, with broadcasting. A NaN in either
// operand gives NaN, as torch.maximum.
func Maximum(a, b *Tensor) *Tensor { return opMaximum.apply("", nil, a, b) }

// MaximumInto writes Maximum(a, b) into dst (the broadcast shape) and returns dst.
func MaximumInto(dst, a, b *Tensor) *Tensor {
	mustDst("MaximumInto", dst)
	return opMaximum.apply("MaximumInto", dst, a, b)
}

// Minimum returns the elementwise minimum of a and b, with broadcasting. A NaN in either
// operand gives NaN.
func Minimum(a, b *Tensor) *Tensor { return opMinimum.apply("", nil, a, b) }

// MinimumInto writes Minimum(a, b) into dst (the broadcast shape) and returns dst.
func MinimumInto(dst, a, b *Tensor) *Tensor {
	mustDst("MinimumInto", dst)
	return opMinimum.apply("MinimumInto", dst, a, b)
}

// AddScalar returns a + s elementwise.
func AddScalar(a *Tensor, s float32) *Tensor { return AddScalarInto(New(a.shape...), a, s) }

// AddScalarInto writes a + s into dst, which must have a's shape (it may be a), and returns
// dst.
func AddScalarInto(dst, a *Tensor, s float32) *Tensor {
	return scalarInto("AddScalarInto", opAdd, dst, a, s)
}

// MulScalar returns s·a elementwise.
func MulScalar(a *Tensor, s float32) *Tensor { return MulScalarInto(New(a.shape...), a, s) }

// MulScalarInto writes s·a into dst, which must have a's shape (it may be a), and returns dst.
func MulScalarInto(dst, a *Tensor, s float32) *Tensor {
	return scalarInto("MulScalarInto", opMul, dst, a, s)
}

// PowScalar returns a^p elementwise, following math.Pow; p of 2, 0.5, 1 and −1 take exact
// shortcuts (x·x, √x, x, 1/x).
func PowScalar(a *Tensor, p float32) *Tensor { return PowScalarInto(New(a.shape...), a, p) }

// PowScalarInto writes a^p into dst, which must have a's shape (it may be a), and returns dst.
func PowScalarInto(dst, a *Tensor, p float32) *Tensor {
	return scalarInto("PowScalarInto", opPow, dst, a, p)
}

func scalarInto(name string, op *binary, dst, a *Tensor, s float32) *Tensor {
	mustDst(name, dst)
	mustSameShape(name, dst, a)
	n := len(a.data)
	if n < 2*parallelGrain {
		op.doVS(dst.data, a.data, s)
	} else {
		kernel.Parallel(n, parallelGrain, func(lo, hi int) { op.doVS(dst.data[lo:hi], a.data[lo:hi], s) })
	}
	return dst
}

// Concurrent runs f(0), …, f(n−1) at once, f(0) on the calling goroutine and each other on a
// goroutine of its own, and returns when all have returned. It serves coarse independent
// work, such as the shards of a data-parallel training step: while the sections run, the
// kernels they call share the processors among them (each kernel call splits its work over
// GOMAXPROCS/sections goroutines, at least one) instead of each splitting over all of them. A
// panic in any section is re-raised on the calling goroutine once all have returned.
func Concurrent(n int, f func(i int)) { kernel.Concurrent(n, f) }
