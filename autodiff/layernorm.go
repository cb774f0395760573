package autodiff

import (
	"fmt"
	"slices"

	"github.com/tenet-ml/tenet/tensor"
)

// LayerNorm normalises x over its last axis and applies a per-feature gain and bias:
// y = (x − mean)/√(var + eps) ⊙ gamma + beta, with the biased variance. x is (…, C); gamma
// and beta are (C); beta may be nil. The backward pass is fused (llm.c's layernorm_backward).
func (tp *Tape) LayerNorm(x, gamma, beta *Var, eps float32) *Var {
	shape := x.Value.Shape()
	if len(shape) == 0 {
		panic("autodiff: LayerNorm: scalar input")
	}
	c := shape[len(shape)-1]
	if !slices.Equal(gamma.Value.Shape(), []int{c}) || (beta != nil && !slices.Equal(beta.Value.Shape(), []int{c})) {
		bs := []int(nil)
		if beta != nil {
			bs = beta.Value.Shape()
		}
		panic(fmt.Sprintf("autodiff: LayerNorm: x %v, gamma %v, beta %v", shape, gamma.Value.Shape(), bs))
	}
	rec := tp.recording(x.RequiresGrad || gamma.RequiresGrad || (beta != nil && beta.RequiresGrad))
	out := tp.newVar(tp.buf(shape...), rec)
	rows := shape[:len(shape)-1]
	mean, rstd := tp.buf(rows...), tp.buf(rows...)
	var bv *tensor.Tensor
	if beta != nil {
		bv = beta.Value
	}
	tensor.LayerNormInto(out.Value, mean, rstd, x.Value, gamma.Value, bv, eps)
	if rec {
		tp.push(record{op: opLayerNorm, out: out, a: x, b: gamma, c: beta, t0: mean, t1: rstd})
	}
	return out
}

// layerNormBackward accumulates the fused gradient (tensor.LayerNormBackward).
func layerNormBackward(tp *Tape, r *record) {
	tensor.LayerNormBackward(r.out.Grad, r.a.Value, r.b.Value, r.t0, r.t1,
		gradTensor(tp, r.a), gradTensor(tp, r.b), gradTensor(tp, r.c))
}
