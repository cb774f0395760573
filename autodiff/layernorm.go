package autodiff

import (
	"fmt"
	"math"
	"slices"
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
	n := x.Value.Len() / max(c, 1)
	rec := tp.recording(x.RequiresGrad || gamma.RequiresGrad || (beta != nil && beta.RequiresGrad))
	out := tp.newVar(tp.buf(shape...), rec)
	var mean, rstd []float32
	stats := tp.bufIf(rec, 2, n)
	if stats != nil {
		mean, rstd = stats.Data()[:n], stats.Data()[n:]
	}
	var bv []float32
	if beta != nil {
		bv = beta.Value.Data()
	}
	layerNormForward(out.Value.Data(), mean, rstd, x.Value.Data(), gamma.Value.Data(), bv, n, c, eps)
	if rec {
		tp.push(record{op: opLayerNorm, out: out, a: x, b: gamma, c: beta, t0: stats})
	}
	return out
}

// layerNormForward: x and y are (N, C); mean and rstd (N), saved when not nil.
func layerNormForward(y, mean, rstd, x, gamma, beta []float32, n, c int, eps float32) {
	for i := range n {
		xr, yr := x[i*c:(i+1)*c], y[i*c:(i+1)*c]
		var s float64
		for _, v := range xr {
			s += float64(v)
		}
		m := s / float64(c)
		var ss float64
		for _, v := range xr {
			d := float64(v) - m
			ss += d * d
		}
		rs := float32(1 / math.Sqrt(ss/float64(c)+float64(eps)))
		mf := float32(m)
		gamma = gamma[:c]
		for j, v := range xr {
			o := (v - mf) * rs * gamma[j]
			if beta != nil {
				o += beta[j]
			}
			yr[j] = o
		}
		if mean != nil {
			mean[i], rstd[i] = mf, rs
		}
	}
}

// layerNormBackward: with x̂ = (x − mean)·rstd and g = dy ⊙ gamma,
// dx = rstd·(g − mean(g) − x̂·mean(g ⊙ x̂)), dgamma += Σ dy ⊙ x̂, dbeta += Σ dy.
func layerNormBackward(tp *Tape, r *record) {
	x, gamma, dy := r.a.Value.Data(), r.b.Value.Data(), r.out.Grad.Data()
	c := len(gamma)
	n := len(x) / max(c, 1)
	st := r.t0.Data()
	mean, rstd := st[:n], st[n:]
	dx, dg, db := tp.grad(r.a), tp.grad(r.b), tp.grad(r.c)
	for i := range n {
		xr, gr := x[i*c:(i+1)*c], dy[i*c:(i+1)*c]
		m, rs := mean[i], rstd[i]
		var sg, sgx float32
		for j, g := range gr {
			xh := (xr[j] - m) * rs
			gg := g * gamma[j]
			sg += gg
			sgx += gg * xh
			if dg != nil {
				dg[j] += g * xh
			}
			if db != nil {
				db[j] += g
			}
		}
		if dx == nil {
			continue
		}
		sg /= float32(c)
		sgx /= float32(c)
		dr := dx[i*c : (i+1)*c]
		for j, g := range gr {
			xh := (xr[j] - m) * rs
			dr[j] += rs * (g*gamma[j] - sg - xh*sgx)
		}
	}
}
