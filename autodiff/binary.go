package autodiff

import (
	"math"

	"github.com/tenet-ml/tenet/tensor"
)

// Element-wise binary operations with numpy broadcasting. The backward pass sums the output
// gradient over the axes along which an operand was broadcast (the adjoint of broadcasting).

const (
	binAdd = iota
	binSub
	binMul
	binDiv
	binPow
	binMax
	binMin
)

var binaryNames = [...]string{"Add", "Sub", "Mul", "Div", "Pow", "Maximum", "Minimum"}

// Add returns a + b, broadcasting.
func (tp *Tape) Add(a, b *Var) *Var { return tp.binary(binAdd, a, b) }

// Sub returns a − b, broadcasting.
func (tp *Tape) Sub(a, b *Var) *Var { return tp.binary(binSub, a, b) }

// Mul returns the element-wise product a ⊙ b, broadcasting.
func (tp *Tape) Mul(a, b *Var) *Var { return tp.binary(binMul, a, b) }

// Div returns the element-wise quotient a / b, broadcasting.
func (tp *Tape) Div(a, b *Var) *Var { return tp.binary(binDiv, a, b) }

// Pow returns a raised element-wise to the power b, broadcasting. The gradient with respect to
// b uses log a and is meaningful only where a > 0.
func (tp *Tape) Pow(a, b *Var) *Var { return tp.binary(binPow, a, b) }

// Maximum returns the element-wise maximum of a and b, broadcasting. Where they are equal the
// gradient goes to a.
func (tp *Tape) Maximum(a, b *Var) *Var { return tp.binary(binMax, a, b) }

// Minimum returns the element-wise minimum of a and b, broadcasting. Where they are equal the
// gradient goes to a.
func (tp *Tape) Minimum(a, b *Var) *Var { return tp.binary(binMin, a, b) }

func (tp *Tape) binary(kind int, a, b *Var) *Var {
	_, shape, r := newBcast(binaryNames[kind], a.Value.Shape(), b.Value.Shape())
	rec := tp.recording(a.RequiresGrad || b.RequiresGrad)
	out := tp.newVar(tp.buf(shape[:r]...), rec)
	binaryForward[kind](out.Value, a.Value, b.Value)
	if rec {
		rec := record{op: opBinary, out: out, a: a, b: b}
		rec.i[0] = kind
		tp.push(rec)
	}
	return out
}

// binaryForward holds the tensor package's broadcasting kernels, indexed by kind.
var binaryForward = [...]func(dst, a, b *tensor.Tensor) *tensor.Tensor{
	binAdd: tensor.AddInto,
	binSub: tensor.SubInto,
	binMul: tensor.MulInto,
	binDiv: tensor.DivInto,
	binPow: tensor.PowInto,
	binMax: tensor.MaximumInto,
	binMin: tensor.MinimumInto,
}

func binaryBackward(tp *Tape, r *record) {
	kind := r.i[0]
	a, b := r.a, r.b
	bc, out, rank := newBcast(binaryNames[kind], a.Value.Shape(), b.Value.Shape())
	if (kind == binAdd || kind == binSub) && repeatsAlongLeading(a.Value.Shape(), out[:rank]) && repeatsAlongLeading(b.Value.Shape(), out[:rank]) {
		// Each operand is its output-shaped gradient summed over the leading axes it was
		// repeated along (none for a same-shape operand, the rows for a bias). a is written
		// completely before b's gradient is requested, so a var used as both operands gets
		// both contributions.
		// An intermediate operand of the output's shape new to this pass takes over the output's
		// finished gradient instead of a copy (only one operand may, or the two would share
		// storage).
		dy := r.out.Grad.Data()
		shared := tp.gradShare(a, r.out.Grad)
		if !shared {
			addRepeatedGrad(tp, a, dy, 1)
		}
		s := float32(1)
		if kind == binSub {
			s = -1
		}
		if shared || s != 1 || !tp.gradShare(b, r.out.Grad) {
			addRepeatedGrad(tp, b, dy, s)
		}
		return
	}
	ga, gb := tp.grad(a), tp.grad(b)
	dy := r.out.Grad.Data()
	y := r.out.Value.Data()
	av, bv := a.Value.Data(), b.Value.Data()
	bc.each(func(o, ia, ib, n, sa, sb int) {
		g := dy[o : o+n]
		switch kind {
		case binAdd, binSub:
			if ga != nil {
				accStrided(ga[ia:], sa, g, 1)
			}
			if gb != nil {
				s := float32(1)
				if kind == binSub {
					s = -1
				}
				accStrided(gb[ib:], sb, g, s)
			}
		case binMul:
			for j, d := range g {
				if ga != nil {
					ga[ia+j*sa] += d * bv[ib+j*sb]
				}
				if gb != nil {
					gb[ib+j*sb] += d * av[ia+j*sa]
				}
			}
		case binDiv:
			for j, d := range g {
				q := d / bv[ib+j*sb]
				if ga != nil {
					ga[ia+j*sa] += q
				}
				if gb != nil {
					gb[ib+j*sb] -= q * y[o+j]
				}
			}
		case binPow:
			for j, d := range g {
				x, p := float64(av[ia+j*sa]), float64(bv[ib+j*sb])
				if ga != nil {
					ga[ia+j*sa] += d * float32(p*math.Pow(x, p-1))
				}
				if gb != nil && x > 0 {
					gb[ib+j*sb] += d * y[o+j] * float32(math.Log(x))
				}
			}
		default: // Maximum, Minimum: the gradient follows the selected operand.
			for j, d := range g {
				if y[o+j] == av[ia+j*sa] {
					if ga != nil {
						ga[ia+j*sa] += d
					}
				} else if gb != nil {
					gb[ib+j*sb] += d
				}
			}
		}
	})
}

// accStrided adds s·g[j] to dst[j·stride] for every j (stride 0 sums g into dst[0]).
func accStrided(dst []float32, stride int, g []float32, s float32) {
	switch {
	case stride == 1 && s == 1:
		dst = dst[:len(g)]
		for j, v := range g {
			dst[j] += v
		}
	case stride == 0:
		var acc float32
		for _, v := range g {
			acc += v
		}
		dst[0] += s * acc
	default:
		for j, v := range g {
			dst[j*stride] += s * v
		}
	}
}

// repeatsAlongLeading reports whether an operand of shape part, broadcast to out, is repeated
// only along leading axes: part without its leading unit axes equals the trailing axes of out,
// so that output element o reads operand element o mod len(part).
func repeatsAlongLeading(part, out []int) bool {
	for len(part) > 0 && part[0] == 1 {
		part = part[1:]
	}
	if len(part) > len(out) {
		return false
	}
	tail := out[len(out)-len(part):]
	for i := range part {
		if part[i] != tail[i] {
			return false
		}
	}
	return true
}

// addRepeatedGrad adds s·Σ_r dy[r·m : (r+1)·m] to v's gradient (m = v's length): the adjoint
// of repeating v along leading axes. The rows are added in order on the vector kernel; a
// gradient new to this pass is assigned rather than zeroed and accumulated.
func addRepeatedGrad(tp *Tape, v *Var, dy []float32, s float32) {
	g, fresh := tp.gradFirst(v)
	if g == nil {
		return
	}
	m := len(g)
	if m == 0 {
		return
	}
	rows := dy
	if fresh {
		if s == 1 {
			copy(g, dy[:m])
		} else {
			for i, d := range dy[:m] {
				g[i] = s * d
			}
		}
		rows = dy[m:]
	}
	for o := 0; o+m <= len(rows); o += m {
		tensor.Axpy(s, rows[o:o+m], g)
	}
}
