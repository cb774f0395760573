package autodiff

import "math"

// MSE returns the mean squared error mean((pred − target)²) over all elements, as a scalar.
// pred and target must have the same shape; both may require gradients.
func (tp *Tape) MSE(pred, target *Var) *Var {
	sameShape("MSE", pred.Value.Shape(), target.Value.Shape())
	rec := tp.recording(pred.RequiresGrad || target.RequiresGrad)
	out := tp.newVar(tp.buf(), rec)
	p, t := pred.Value.Data(), target.Value.Data()
	var acc float64
	for i, v := range p {
		d := float64(v - t[i])
		acc += d * d
	}
	out.Value.Data()[0] = float32(acc / float64(max(len(p), 1)))
	if rec {
		tp.push(record{op: opMSE, out: out, a: pred, b: target})
	}
	return out
}

func mseBackward(tp *Tape, r *record) {
	p, t := r.a.Value.Data(), r.b.Value.Data()
	s := 2 * r.out.Grad.Data()[0] / float32(max(len(p), 1))
	dp, dt := tp.grad(r.a), tp.grad(r.b)
	for i, v := range p {
		g := s * (v - t[i])
		if dp != nil {
			dp[i] += g
		}
		if dt != nil {
			dt[i] -= g
		}
	}
}

// Huber returns the mean Huber loss over all elements, as a scalar: for d = pred − target,
// ½d² where |d| ≤ delta and delta·(|d| − ½delta) elsewhere (PyTorch's HuberLoss; with
// delta = 1 it is the smooth-L1 loss DQN uses). pred and target must have the same shape.
func (tp *Tape) Huber(pred, target *Var, delta float32) *Var {
	sameShape("Huber", pred.Value.Shape(), target.Value.Shape())
	rec := tp.recording(pred.RequiresGrad || target.RequiresGrad)
	out := tp.newVar(tp.buf(), rec)
	p, t := pred.Value.Data(), target.Value.Data()
	dl := float64(delta)
	var acc float64
	for i, v := range p {
		d := math.Abs(float64(v - t[i]))
		if d <= dl {
			acc += 0.5 * d * d
		} else {
			acc += dl * (d - 0.5*dl)
		}
	}
	out.Value.Data()[0] = float32(acc / float64(max(len(p), 1)))
	if rec {
		r := record{op: opHuber, out: out, a: pred, b: target}
		r.f[0] = delta
		tp.push(r)
	}
	return out
}

func huberBackward(tp *Tape, r *record) {
	p, t := r.a.Value.Data(), r.b.Value.Data()
	delta := r.f[0]
	s := r.out.Grad.Data()[0] / float32(max(len(p), 1))
	dp, dt := tp.grad(r.a), tp.grad(r.b)
	for i, v := range p {
		g := min(max(v-t[i], -delta), delta) * s
		if dp != nil {
			dp[i] += g
		}
		if dt != nil {
			dt[i] -= g
		}
	}
}
