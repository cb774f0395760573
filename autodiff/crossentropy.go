package autodiff

import (
	"fmt"
	"math"

	"github.com/tenet-ml/tenet/tensor"
)

// IgnoreIndex is the target value CrossEntropy skips (as in PyTorch): rows whose target is
// IgnoreIndex contribute neither to the loss nor to the count it is averaged over.
const IgnoreIndex = -100

// CrossEntropy returns the mean negative log-likelihood of integer targets under the softmax
// of logits: logits is (…, V), read as N rows of V classes, and targets holds N class indices.
// Rows whose target is IgnoreIndex are skipped; the mean is over the other rows (zero if there
// are none). Softmax and loss are fused: the backward pass is (softmax − onehot)/count. The
// tape keeps targets until Backward: the caller must not modify it before then.
func (tp *Tape) CrossEntropy(logits *Var, targets []int) *Var {
	return tp.crossEntropy(logits, targets, nil)
}

// CrossEntropyMasked is CrossEntropy with per-row weights: the loss is Σ wᵢ·nllᵢ / Σ wᵢ over
// the rows, so a 0/1 mask averages over the unmasked rows. Targets of rows with zero weight
// are not read. The tape keeps targets and weights until Backward.
func (tp *Tape) CrossEntropyMasked(logits *Var, targets []int, weights []float32) *Var {
	if weights == nil {
		panic("autodiff: CrossEntropyMasked: nil weights")
	}
	return tp.crossEntropy(logits, targets, weights)
}

func (tp *Tape) crossEntropy(logits *Var, targets []int, w []float32) *Var {
	shape := logits.Value.Shape()
	if len(shape) == 0 {
		panic("autodiff: CrossEntropy: scalar logits")
	}
	v := shape[len(shape)-1]
	rows := logits.Value.Len() / max(v, 1)
	if len(targets) != rows || (w != nil && len(w) != rows) {
		panic(fmt.Sprintf("autodiff: CrossEntropy: logits %v (%d rows), %d targets, %d weights", shape, rows, len(targets), len(w)))
	}
	rec := tp.recording(logits.RequiresGrad)
	out := tp.newVar(tp.buf(), rec)
	x := logits.Value.Data()
	var probs []float32
	var pt = tp.bufIf(rec, rows, v)
	if pt != nil {
		probs = pt.Data()
	}
	var loss, count float64
	for i, t := range targets {
		wi := float64(1)
		if w != nil {
			wi = float64(w[i])
		}
		if wi == 0 || (w == nil && t == IgnoreIndex) {
			continue
		}
		if t < 0 || t >= v {
			panic(fmt.Sprintf("autodiff: CrossEntropy: target %d out of range for %d classes (row %d)", t, v, i))
		}
		row := x[i*v : (i+1)*v]
		var lse float64
		if probs != nil {
			lse = softmaxRow(probs[i*v:(i+1)*v], row)
		} else {
			lse = logSumExp(row)
		}
		loss += wi * (lse - float64(row[t]))
		count += wi
	}
	if count > 0 {
		loss /= count
	}
	out.Value.Data()[0] = float32(loss)
	if rec {
		r := record{op: opCrossEntropy, out: out, a: logits, t0: pt, ix: targets}
		r.i[0] = v
		r.f[0] = float32(count)
		r.fw = w
		tp.push(r)
	}
	return out
}

// bufIf returns tape storage of the given shape when cond holds, else nil.
func (tp *Tape) bufIf(cond bool, shape ...int) *tensor.Tensor {
	if !cond {
		return nil
	}
	return tp.buf(shape...)
}

func logSumExp(x []float32) float64 {
	m := float32(math.Inf(-1))
	for _, v := range x {
		m = max(m, v)
	}
	var s float64
	for _, v := range x {
		s += math.Exp(float64(v - m))
	}
	return float64(m) + math.Log(s)
}

func crossEntropyBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	count := float64(r.f[0])
	if dx == nil || count == 0 {
		return
	}
	v := r.i[0]
	p := r.t0.Data()
	w := r.fw
	g := float64(r.out.Grad.Data()[0]) / count
	for i, t := range r.ix {
		wi := float64(1)
		if w != nil {
			wi = float64(w[i])
		}
		if wi == 0 || (w == nil && t == IgnoreIndex) {
			continue
		}
		s := float32(g * wi)
		pr, dr := p[i*v:(i+1)*v], dx[i*v:(i+1)*v]
		for j, pj := range pr {
			dr[j] += s * pj
		}
		dr[t] -= s
	}
}
