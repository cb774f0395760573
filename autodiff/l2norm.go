package autodiff

import "math"

// L2Normalize returns x divided by its Euclidean norm along axis, the norm being clamped
// below at eps (as torch.nn.functional.normalize): y = x / max(‖x‖, eps).
func (tp *Tape) L2Normalize(x *Var, axis int, eps float32) *Var {
	shape := x.Value.Shape()
	checkRank("L2Normalize", shape)
	axis = normAxis("L2Normalize", shape, axis)
	outer, n, inner := splitAxis(shape, axis)
	rec := tp.recording(x.RequiresGrad)
	out := tp.newVar(tp.buf(shape...), rec)
	norms := tp.buf(outer * inner)
	y, xs, nr := out.Value.Data(), x.Value.Data(), norms.Data()
	for o := range outer {
		for i := range inner {
			var ss float64
			for j := range n {
				v := float64(xs[(o*n+j)*inner+i])
				ss += v * v
			}
			d := float32(max(math.Sqrt(ss), float64(eps)))
			nr[o*inner+i] = d
			for j := range n {
				k := (o*n+j)*inner + i
				y[k] = xs[k] / d
			}
		}
	}
	if rec {
		r := record{op: opL2Normalize, out: out, a: x, t0: norms}
		r.i = [6]int{outer, n, inner}
		r.f[0] = eps
		tp.push(r)
	}
	return out
}

// l2NormalizeBackward: where the norm r exceeds eps, dx = (dy − y·Σ dy⊙y)/r; where it was
// clamped, y = x/eps is linear and dx = dy/eps.
func l2NormalizeBackward(tp *Tape, r *record) {
	dx := tp.grad(r.a)
	if dx == nil {
		return
	}
	outer, n, inner, eps := r.i[0], r.i[1], r.i[2], r.f[0]
	y, dy, nr := r.out.Value.Data(), r.out.Grad.Data(), r.t0.Data()
	for o := range outer {
		for i := range inner {
			d := nr[o*inner+i]
			var dot float32
			if d > eps {
				for j := range n {
					k := (o*n+j)*inner + i
					dot += dy[k] * y[k]
				}
			}
			for j := range n {
				k := (o*n+j)*inner + i
				dx[k] += (dy[k] - y[k]*dot) / d
			}
		}
	}
}
