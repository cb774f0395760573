package autodiff

import (
	"math"

	"github.com/tenet-ml/tenet/tensor"
)

// Softmax returns the softmax of x over its last axis.
func (tp *Tape) Softmax(x *Var) *Var { return tp.softmax(opSoftmax, x) }

// LogSoftmax returns the logarithm of the softmax of x over its last axis, computed stably
// (x − logsumexp x).
func (tp *Tape) LogSoftmax(x *Var) *Var { return tp.softmax(opLogSoftmax, x) }

func (tp *Tape) softmax(op opcode, x *Var) *Var {
	if x.Value.Rank() == 0 {
		panic("autodiff: Softmax: scalar input")
	}
	n := x.Value.Dim(-1)
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(x.Value.Shape()...), rec)
	if op == opSoftmax {
		tensor.SoftmaxInto(out.Value, x.Value)
	} else {
		tensor.LogSoftmaxInto(out.Value, x.Value)
	}
	if rec {
		r := record{op: op, out: out, a: x}
		r.i[0] = n
		tp.push(r)
	}
	return out
}

// softmaxRow sets y = softmax(x) for one row and returns log Σ exp x. Softmax itself runs on
// tensor.SoftmaxInto; this row form serves the fused cross-entropy, which also needs the
// log-sum-exp, and attention, which normalises the unmasked prefix of a row in place. The
// exponentials run on the float32 vector kernel; their sum is accumulated in float64.
func softmaxRow(y, x []float32) float64 { return tensor.SoftmaxRow(y, x) }

// softmaxBackward: dx = y ⊙ (dy − Σ dy⊙y) per row.
func softmaxBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	if dx == nil {
		return
	}
	n := r.i[0]
	y, dy := r.out.Value.Data(), r.out.Grad.Data()
	for o := 0; o < len(y); o += n {
		yr, gr, dr := y[o:o+n], dy[o:o+n], dx[o:o+n]
		var s float64
		for i, g := range gr {
			s += float64(g * yr[i])
		}
		sf := float32(s)
		for i, g := range gr {
			dr[i] += yr[i] * (g - sf)
		}
	}
}

// logSoftmaxBackward: dx = dy − softmax(x)·Σ dy per row, with softmax(x) = exp y.
func logSoftmaxBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	if dx == nil {
		return
	}
	n := r.i[0]
	y, dy := r.out.Value.Data(), r.out.Grad.Data()
	for o := 0; o < len(y); o += n {
		yr, gr, dr := y[o:o+n], dy[o:o+n], dx[o:o+n]
		var s float64
		for _, g := range gr {
			s += float64(g)
		}
		sf := float32(s)
		for i, g := range gr {
			dr[i] += g - float32(math.Exp(float64(yr[i])))*sf
		}
	}
}
