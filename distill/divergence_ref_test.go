package distill

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rowReference is the float64 reference of Divergence.row: both softmaxes and every
// logarithm in float64 (math.Exp, math.Log), the mixture of JSD by log-sum-exp. The fast
// path is tested against it on full-size rows.
func (d Divergence) rowReference(grad, teacher, student []float32, scale float64, s *scratch) float64 {
	inv := 1.0
	if d.Temperature != 0 {
		inv = 1 / d.Temperature
	}
	n := len(student)
	lp, lq, p, q := s.lp[:n], s.lq[:n], s.p[:n], s.q[:n]
	logSoftmax(lp, p, teacher, inv)
	logSoftmax(lq, q, student, inv)
	if grad != nil {
		grad = grad[:n]
	}
	gs := scale * inv
	var v float64
	switch d.effective() {
	case ForwardKL:
		// KL(P‖Q) = Σ p (log p − log q); ∂/∂z = q − p.
		for i, pi := range p {
			if pi > 0 {
				v += pi * (lp[i] - lq[i])
			}
		}
		if grad != nil {
			for i, qi := range q {
				grad[i] = float32(gs * (qi - p[i]))
			}
		}
	case ReverseKL:
		// KL(Q‖P) = Σ q (log q − log p); ∂/∂z_j = q_j (log q_j − log p_j − KL).
		for i, qi := range q {
			if qi > 0 {
				v += qi * (lq[i] - lp[i])
			}
		}
		if grad != nil {
			for i, qi := range q {
				var g float64
				if qi > 0 {
					g = qi * (lq[i] - lp[i] - v)
				}
				grad[i] = float32(gs * g)
			}
		}
	case JSD:
		// M = βP + (1−β)Q in probability space: log m = logaddexp(log β + log p,
		// log(1−β) + log q), never a mixture of log-probabilities. With K = KL(Q‖M),
		// ∂/∂z_j = (1−β) q_j (log q_j − log m_j − K).
		b := d.Beta
		lb, l1b := math.Log(b), math.Log1p(-b)
		var kpm, kqm float64
		for i, pi := range p {
			lm := logAddExp(lb+lp[i], l1b+lq[i])
			if pi > 0 {
				kpm += pi * (lp[i] - lm)
			}
			if qi := q[i]; qi > 0 {
				kqm += qi * (lq[i] - lm)
			}
			lp[i] = lm // log p is not needed again: keep log m for the gradient
		}
		v = b*kpm + (1-b)*kqm
		if grad != nil {
			c := gs * (1 - b)
			for i, qi := range q {
				var g float64
				if qi > 0 {
					g = qi * (lq[i] - lp[i] - kqm)
				}
				grad[i] = float32(c * g)
			}
		}
	case TVD:
		// ½ Σ |p − q|; with s = ½ sign(q − p), ∂/∂z_j = q_j (s_j − Σ q s).
		var sq float64
		for i, pi := range p {
			v += math.Abs(pi - q[i])
			sq += q[i] * halfSign(q[i]-pi)
		}
		v /= 2
		if grad != nil {
			for i, qi := range q {
				grad[i] = float32(gs * qi * (halfSign(qi-p[i]) - sq))
			}
		}
	}
	return max(v, 0)
}

// logAddExp returns log(eᵃ + eᵇ) without overflow; −Inf operands are zero terms.
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(a, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// TestRowMatchesReference compares the vectorised row (float32 exponentials, float64 sums)
// with the float64 reference on vocabulary-512 rows: logits of several scales, rows with
// −Inf entries, temperatures, and nearly equal distributions. The existing property and
// closed-form tests run on the fast path directly.
func TestRowMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const v = 512
	ninf := float32(math.Inf(-1))
	for _, d := range allDivergences {
		for trial := range 24 {
			scale := []float64{0.3, 1, 3, 8}[trial%4]
			zt, zs := randomLogits(rng, v, scale), randomLogits(rng, v, scale)
			switch trial % 3 {
			case 1: // a few excluded tokens in both
				for range 8 {
					j := rng.IntN(v)
					zt[j], zs[j] = ninf, ninf
				}
			case 2: // nearly equal distributions
				for j := range zs {
					zs[j] = zt[j] + float32(0.01*rng.NormFloat64())
				}
			}
			g, gr := make([]float32, v), make([]float32, v)
			s := getScratch(v)
			got := d.row(g, zt, zs, 0.5, s)
			want := d.rowReference(gr, zt, zs, 0.5, s)
			scratchPool.Put(s)
			// Each term carries the float32 exponential's rounding (relative 2e-7), so
			// the values agree to a few 1e-7 absolute, the gradients to float32 rounding.
			if math.Abs(got-want) > 3e-7+1e-5*want {
				t.Errorf("%v trial %d: row %v, reference %v (relative %.2g)", d, trial, got, want, (got-want)/want)
			}
			var worst float64
			for j := range g {
				worst = max(worst, math.Abs(float64(g[j])-float64(gr[j])))
			}
			if worst > 1e-7 {
				t.Errorf("%v trial %d: gradient differs from the reference by %v", d, trial, worst)
			}
		}
	}
}

// BenchmarkDivergenceRow times one pass over the 32×64×512 batch, one goroutine,
// of the vectorised row ("fast") and of the float64 reference ("reference"), interleaved
// by the benchmark runner: their ratio is the speedup of the fast path.
func BenchmarkDivergenceRow(b *testing.B) {
	const rows, v = 32 * 64, 512
	rng := rand.New(rand.NewPCG(1, 1))
	teacher, student := randomLogits(rng, rows*v, 2), randomLogits(rng, rows*v, 2)
	grad := make([]float32, rows*v)
	for _, d := range []Divergence{NewForwardKL(), NewReverseKL(), NewJSD(0.5), NewTVD()} {
		for _, impl := range []string{"fast", "reference"} {
			b.Run(d.String()+"/"+impl, func(b *testing.B) {
				s := getScratch(v)
				defer scratchPool.Put(s)
				for b.Loop() {
					for i := range rows {
						lo, hi := i*v, (i+1)*v
						if impl == "fast" {
							d.row(grad[lo:hi], teacher[lo:hi], student[lo:hi], 1, s)
						} else {
							d.rowReference(grad[lo:hi], teacher[lo:hi], student[lo:hi], 1, s)
						}
					}
				}
			})
		}
	}
}
