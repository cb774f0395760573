package distill

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/tensor"
)

// Kind names a divergence between a teacher (target) distribution P and a student (draft)
// distribution Q over the vocabulary.
type Kind int

// The divergences of GKD and DistillSpec.
const (
	// ForwardKL is KL(P‖Q) = Σ P log(P/Q): mode covering, the divergence of supervised
	// distillation.
	ForwardKL Kind = iota + 1
	// ReverseKL is KL(Q‖P) = Σ Q log(Q/P): mode seeking.
	ReverseKL
	// JSD is the generalized Jensen–Shannon divergence β·KL(P‖M) + (1−β)·KL(Q‖M) with the
	// mixture M = β·P + (1−β)·Q. Beta 0 and 1 select ForwardKL and ReverseKL exactly (the
	// formula itself vanishes at both ends).
	JSD
	// TVD is the total variation distance ½·Σ|P − Q|, one minus the acceptance probability
	// of speculative decoding.
	TVD
)

// String returns the short name of the kind.
func (k Kind) String() string {
	switch k {
	case ForwardKL:
		return "FKL"
	case ReverseKL:
		return "RKL"
	case JSD:
		return "JSD"
	case TVD:
		return "TVD"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Divergence is a token-level divergence D(P‖Q) between the teacher's next-token distribution
// P and the student's Q, evaluated over the full vocabulary from rows of logits.
//
// Both rows of logits are divided by Temperature before their softmaxes, and gradients are
// taken with respect to the student's raw (unscaled) logits, so they carry the chain-rule
// factor 1/Temperature (multiply the loss by Temperature² for Hinton-style scaling). The
// softmaxes use package tensor's vectorised float32 exponential; log-probabilities are
// formed in float64 as logit minus log-sum-exp, all sums are accumulated in float64, and
// values are clamped at 0, so a divergence is never negative. Each term thus carries the
// float32 exponential's rounding (relative 2e-7): values agree with an all-float64
// evaluation to a few 1e-7 absolute.
//
// The zero value is invalid; use one of the constructors or set Kind. A Divergence is a
// plain value, safe for concurrent use.
type Divergence struct {
	// Kind selects the divergence.
	Kind Kind
	// Beta is the mixture weight of JSD, in [0, 1]: M = Beta·P + (1−Beta)·Q. Beta 0 is
	// forward KL and Beta 1 reverse KL. It is ignored by the other kinds.
	Beta float64
	// Temperature divides both rows of logits; 0 means 1. GKD trains at temperature 1.
	Temperature float64
}

// NewForwardKL returns the forward KL divergence KL(P‖Q).
func NewForwardKL() Divergence { return Divergence{Kind: ForwardKL} }

// NewReverseKL returns the reverse KL divergence KL(Q‖P).
func NewReverseKL() Divergence { return Divergence{Kind: ReverseKL} }

// NewJSD returns the generalized Jensen–Shannon divergence with mixture weight beta
// (JSD(0) is forward KL, JSD(1) reverse KL).
func NewJSD(beta float64) Divergence { return Divergence{Kind: JSD, Beta: beta} }

// NewTVD returns the total variation distance.
func NewTVD() Divergence { return Divergence{Kind: TVD} }

// String names the divergence as in the papers' tables: "FKL", "RKL", "JSD(0.5)", "TVD",
// with the temperature appended when it is not 1.
func (d Divergence) String() string {
	s := d.Kind.String()
	if d.Kind == JSD {
		s = fmt.Sprintf("JSD(%g)", d.Beta)
	}
	if d.Temperature != 0 && d.Temperature != 1 {
		s += fmt.Sprintf("@T=%g", d.Temperature)
	}
	return s
}

// Validate reports whether d is usable: a known Kind, Beta in [0, 1] for JSD and a finite
// non-negative Temperature.
func (d Divergence) Validate() error {
	switch d.Kind {
	case ForwardKL, ReverseKL, TVD:
	case JSD:
		if !(d.Beta >= 0 && d.Beta <= 1) {
			return fmt.Errorf("distill: JSD beta %v outside [0, 1]", d.Beta)
		}
	default:
		return fmt.Errorf("distill: unknown divergence kind %d", int(d.Kind))
	}
	if !(d.Temperature >= 0) || math.IsInf(d.Temperature, 1) {
		return fmt.Errorf("distill: divergence temperature %v must be finite and >= 0", d.Temperature)
	}
	return nil
}

func (d Divergence) mustValidate(op string) {
	if err := d.Validate(); err != nil {
		panic(fmt.Sprintf("%v (in %s)", err, op))
	}
}

// effective returns the kind actually computed: JSD at the ends of [0, 1] is a KL.
func (d Divergence) effective() Kind {
	if d.Kind == JSD {
		switch d.Beta {
		case 0:
			return ForwardKL
		case 1:
			return ReverseKL
		}
	}
	return d.Kind
}

// Row returns D(P‖Q) for one position, where P = softmax(teacher/T) and
// Q = softmax(student/T), and, if grad is not nil, writes ∂D/∂student into grad (the
// teacher is a constant). teacher, student and grad have the vocabulary's length. A logit
// of −Inf is a token of probability zero; a token the teacher allows and the student
// excludes makes forward KL +Inf (and reverse KL likewise with the roles exchanged).
//
// It panics if d is invalid (see Validate) or the lengths differ.
func (d Divergence) Row(grad, teacher, student []float32) float64 {
	d.mustValidate("Divergence.Row")
	if len(teacher) != len(student) || len(teacher) == 0 || (grad != nil && len(grad) != len(student)) {
		panic(fmt.Sprintf("distill: Divergence.Row: lengths teacher %d, student %d, grad %d", len(teacher), len(student), len(grad)))
	}
	s := getScratch(len(student))
	defer scratchPool.Put(s)
	return d.row(grad, teacher, student, 1, s)
}

// Between returns D(P‖Q) for two probability vectors p (teacher) and q (student), such as
// lm.Distribution returns; Temperature is not applied. Entries are used as given (they
// should sum to 1). It panics if d is invalid or the lengths differ.
func (d Divergence) Between(p, q []float32) float64 {
	d.mustValidate("Divergence.Between")
	if len(p) != len(q) {
		panic(fmt.Sprintf("distill: Divergence.Between: lengths %d and %d", len(p), len(q)))
	}
	var v float64
	switch d.effective() {
	case ForwardKL:
		for i := range p {
			v += klTerm(float64(p[i]), float64(q[i]))
		}
	case ReverseKL:
		for i := range p {
			v += klTerm(float64(q[i]), float64(p[i]))
		}
	case JSD:
		b := d.Beta
		for i := range p {
			pi, qi := float64(p[i]), float64(q[i])
			m := b*pi + (1-b)*qi
			v += b*klTerm(pi, m) + (1-b)*klTerm(qi, m)
		}
	case TVD:
		for i := range p {
			v += math.Abs(float64(p[i]) - float64(q[i]))
		}
		v /= 2
	}
	return max(v, 0)
}

// klTerm returns a·log(a/b) with 0·log(0/b) = 0.
func klTerm(a, b float64) float64 {
	if a <= 0 {
		return 0
	}
	return a * (math.Log(a) - math.Log(b))
}

// Batch returns the masked mean divergence over rows of logits and, if grad is not nil,
// writes its gradient with respect to the student's logits into grad.
//
// teacher, student and grad hold N rows of vocab logits each, row-major (a (B, T, V) batch
// flattened to N = B·T rows). mask holds one weight per row — per position, not per token
// id: padding positions get 0, and a real end-of-sequence token is trained on even when its
// id equals the pad id — or is nil for all ones. The value is Σ wᵢ·Dᵢ / Σ wᵢ and grad row i
// is (wᵢ / Σ w)·∂Dᵢ/∂studentᵢ. Rows of zero weight are not read (their teacher logits may
// be anything) and get a zero gradient; with Σ w = 0 the value is 0. Rows are spread over
// GOMAXPROCS goroutines and summed in row order, so the result does not depend on the
// number of goroutines.
//
// It panics if d is invalid, vocab < 1, or the lengths disagree.
func (d Divergence) Batch(grad, teacher, student []float32, vocab int, mask []float32) float64 {
	d.mustValidate("Divergence.Batch")
	if vocab < 1 || len(student)%vocab != 0 || len(teacher) != len(student) || (grad != nil && len(grad) != len(student)) {
		panic(fmt.Sprintf("distill: Divergence.Batch: vocab %d, lengths teacher %d, student %d, grad %d", vocab, len(teacher), len(student), len(grad)))
	}
	n := len(student) / vocab
	if mask != nil && len(mask) != n {
		panic(fmt.Sprintf("distill: Divergence.Batch: mask length %d, want %d rows", len(mask), n))
	}
	var wsum float64
	for i := range n {
		w := float64(1)
		if mask != nil {
			w = float64(mask[i])
		}
		if w < 0 || math.IsNaN(w) {
			panic(fmt.Sprintf("distill: Divergence.Batch: mask[%d] = %v is negative or NaN", i, w))
		}
		wsum += w
	}
	if wsum == 0 {
		if grad != nil {
			clear(grad)
		}
		return 0
	}
	vals := make([]float64, n)
	work := func(lo, hi int) {
		s := getScratch(vocab)
		defer scratchPool.Put(s)
		for i := lo; i < hi; i++ {
			w := float64(1)
			if mask != nil {
				w = float64(mask[i])
			}
			var g []float32
			if grad != nil {
				g = grad[i*vocab : (i+1)*vocab]
			}
			if w == 0 {
				if g != nil {
					clear(g)
				}
				continue
			}
			scale := w / wsum
			vals[i] = scale * d.row(g, teacher[i*vocab:(i+1)*vocab], student[i*vocab:(i+1)*vocab], scale, s)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), n*vocab/(16*1024)+1, n)
	if workers <= 1 {
		work(0, n)
	} else {
		var wg sync.WaitGroup
		for k := range workers {
			lo, hi := k*n/workers, (k+1)*n/workers
			wg.Go(func() { work(lo, hi) })
		}
		wg.Wait()
	}
	var v float64
	for _, x := range vals {
		v += x
	}
	return v
}

// Loss returns the masked mean divergence (see Batch) between the teacher's logits and the
// student's logits var, as a scalar var on tp whose gradient flows into student: the
// distillation loss of GKD. student is (…, V), usually (B, T, V) from a model's forward
// pass; teacher has the same shape and is a constant (compute it without recording); mask
// holds one weight per row of V logits, or is nil.
//
// The value and the gradient are computed here in float64; the var joins the tape as the
// linear surrogate Σ g ⊙ student (plus a constant that makes its value the divergence), so
// the backward pass delivers exactly g to student and on to the parameters. The surrogate
// has the right first derivative only: do not differentiate the loss twice. On a nil tape,
// one with gradients disabled, or for a student that needs no gradient, the result is a
// constant. Loss allocates the gradient tensor; Batch is the allocation-free form.
//
// It panics if d is invalid or the shapes disagree.
func (d Divergence) Loss(tp *autodiff.Tape, student *autodiff.Var, teacher *tensor.Tensor, mask []float32) *autodiff.Var {
	d.mustValidate("Divergence.Loss")
	shape := student.Value.Shape()
	if len(shape) == 0 || !teacher.SameShape(student.Value) {
		panic(fmt.Sprintf("distill: Divergence.Loss: student %v, teacher %v", shape, teacher.Shape()))
	}
	vocab := shape[len(shape)-1]
	needGrad := tp != nil && tp.GradEnabled() && student.RequiresGrad
	var g *tensor.Tensor
	var gd []float32
	if needGrad {
		g = tensor.New(shape...)
		gd = g.Data()
	}
	v := d.Batch(gd, teacher.Data(), student.Value.Data(), vocab, mask)
	return surrogate(tp, student, g, v)
}

// surrogate returns a scalar var on tp whose value is value and whose gradient with respect
// to x is g: Σ g ⊙ x with its value overwritten. A nil g gives a constant.
func surrogate(tp *autodiff.Tape, x *autodiff.Var, g *tensor.Tensor, value float64) *autodiff.Var {
	if g == nil {
		return tp.Const(tensor.FromSlice([]float32{float32(value)}))
	}
	out := tp.SumAll(tp.Mul(tp.Const(g), x))
	// The backward passes of SumAll and Mul read the operands, never the result, so the
	// result may hold the exact loss instead of Σ g ⊙ x.
	out.Value.Data()[0] = float32(value)
	return out
}

// scratch holds the buffers of one row: float64 log-probabilities and probabilities for
// the reference path (logSoftmax), float32 probabilities and temperature-scaled logits for
// the vectorised one.
type scratch struct {
	lp, lq, p, q []float64
	p32, q32     []float32
	xt, xs       []float32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch(n int) *scratch {
	s := scratchPool.Get().(*scratch)
	if cap(s.lp) < n {
		s.lp = make([]float64, n)
		s.lq = make([]float64, n)
		s.p = make([]float64, n)
		s.q = make([]float64, n)
		s.p32 = make([]float32, n)
		s.q32 = make([]float32, n)
		s.xt = make([]float32, n)
		s.xs = make([]float32, n)
	}
	s.lp, s.lq, s.p, s.q = s.lp[:n], s.lq[:n], s.p[:n], s.q[:n]
	s.p32, s.q32, s.xt, s.xs = s.p32[:n], s.q32[:n], s.xt[:n], s.xs[:n]
	return s
}

// logSoftmax writes log softmax(z·inv) into logp and softmax(z·inv) into p, in float64.
func logSoftmax(logp, p []float64, z []float32, inv float64) {
	m := math.Inf(-1)
	for _, v := range z {
		if f := float64(v); f > m {
			m = f
		}
	}
	if math.IsInf(m, 0) || math.IsNaN(m) {
		panic(fmt.Sprintf("distill: logits row without a finite maximum (max %v)", m))
	}
	var sum float64
	p = p[:len(z)]
	logp = logp[:len(z)]
	for i, v := range z {
		x := (float64(v) - m) * inv
		logp[i] = x
		e := math.Exp(x)
		p[i] = e
		sum += e
	}
	lse, r := math.Log(sum), 1/sum
	for i := range logp {
		logp[i] -= lse
		p[i] *= r
	}
}

// softmaxRow sets p = softmax(x) with the vectorised float32 exponential of package tensor
// and returns the row's log-sum-exp lse and 1/Σ p in float64. The kernel normalises by a
// float32 sum; lse is corrected by log Σ p (summed in float64) so that log p_i = x_i − lse
// and p_i·r (r the returned factor) agree to the exponential's own rounding. It panics for a
// row without a finite log-sum-exp (all −Inf, +Inf or NaN).
func softmaxRow(p, x []float32) (lse, r float64) {
	lse = tensor.SoftmaxRow(p, x)
	if math.IsInf(lse, 0) || math.IsNaN(lse) {
		panic(fmt.Sprintf("distill: logits row without a finite maximum, or with NaN (log-sum-exp %v)", lse))
	}
	s := sum64(p)
	return lse + math.Log(s), 1 / s
}

// sum64 returns Σ x in float64 with four accumulators (a fixed order: accumulator j adds
// the entries at indices ≡ j mod 4), which breaks the dependency chain of one running sum.
func sum64(x []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := (*[4]float32)(x[i:])
		s0 += float64(v[0])
		s1 += float64(v[1])
		s2 += float64(v[2])
		s3 += float64(v[3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// klSum returns Σ_{a_i > 0} a_i·(x_i − y_i − c) in float64 (four accumulators, as sum64,
// in the same fixed order):
// the unnormalised KL(A‖B) of rows whose log-probabilities are x − lseX and y − lseY, with
// c = lseX − lseY. Entries with a_i = 0 are skipped, so that 0·log 0 = 0.
func klSum(a, x, y []float32, c float64) float64 {
	n := len(a)
	x, y = x[:n], y[:n]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= n; i += 4 {
		av, xv, yv := (*[4]float32)(a[i:]), (*[4]float32)(x[i:]), (*[4]float32)(y[i:])
		if av[0] > 0 {
			s0 += float64(av[0]) * (float64(xv[0]) - float64(yv[0]) - c)
		}
		if av[1] > 0 {
			s1 += float64(av[1]) * (float64(xv[1]) - float64(yv[1]) - c)
		}
		if av[2] > 0 {
			s2 += float64(av[2]) * (float64(xv[2]) - float64(yv[2]) - c)
		}
		if av[3] > 0 {
			s3 += float64(av[3]) * (float64(xv[3]) - float64(yv[3]) - c)
		}
	}
	for ; i < n; i++ {
		if a[i] > 0 {
			s0 += float64(a[i]) * (float64(x[i]) - float64(y[i]) - c)
		}
	}
	return (s0 + s1) + (s2 + s3)
}

// row computes the divergence of one row; the gradient written to grad (if not nil) is
// multiplied by scale.
//
// The softmaxes use float32 vector exponentials; every log-probability is formed in float64
// as the (scaled) logit minus the row's log-sum-exp, and every sum is accumulated in float64.
// No other transcendental is evaluated except JSD's one log1p per entry.
func (d Divergence) row(grad, teacher, student []float32, scale float64, s *scratch) float64 {
	n := len(student)
	xt, xs := teacher[:n], student[:n]
	inv := 1.0
	if d.Temperature != 0 && d.Temperature != 1 {
		inv = 1 / d.Temperature
		xt, xs = s.xt[:n], s.xs[:n]
		for i := range n {
			xt[i] = float32(float64(teacher[i]) * inv)
			xs[i] = float32(float64(student[i]) * inv)
		}
	}
	p, q := s.p32[:n], s.q32[:n]
	lseP, rp := softmaxRow(p, xt)
	lseQ, rq := softmaxRow(q, xs)
	if grad != nil {
		grad = grad[:n]
	}
	gs := scale * inv
	var v float64
	switch d.effective() {
	case ForwardKL:
		// KL(P‖Q) = Σ p (log p − log q), log p − log q = (x_t − x_s) − (lseP − lseQ);
		// ∂/∂z = q − p.
		v = klSum(p, xt, xs, lseP-lseQ) * rp
		if grad != nil {
			// (q − p)·gs in float32: the gradient is stored in float32 anyway.
			a, b := float32(gs*rq), float32(gs*rp)
			p := p[:len(q)]
			for i, qi := range q {
				grad[i] = a*qi - b*p[i]
			}
		}
	case ReverseKL:
		// KL(Q‖P) = Σ q (log q − log p); ∂/∂z_j = q_j (log q_j − log p_j − KL).
		c := lseQ - lseP
		v = klSum(q, xs, xt, c) * rq
		if grad != nil {
			for i, qi := range q {
				var g float64
				if qi > 0 {
					g = float64(qi) * rq * (float64(xs[i]) - float64(xt[i]) - c - v)
				}
				grad[i] = float32(gs * g)
			}
		}
	case JSD:
		// M = βP + (1−β)Q in probability space, log m from the larger of the two weighted
		// terms: log m = log((1−β)q) + log1p(βp/((1−β)q)) if (1−β)q ≥ βp, else the same with
		// the roles exchanged — never a mixture of log-probabilities. The base log q (or
		// log p) is the exact float64 one, so that KL(Q‖M) stays accurate as β → 0 (and
		// KL(P‖M) as β → 1). With K = KL(Q‖M), ∂/∂z_j = (1−β) q_j (log q_j − log m_j − K).
		b := d.Beta
		lb, l1b := math.Log(b), math.Log1p(-b)
		lm := s.lp[:n]
		var kpm, kqm float64
		for i := range n {
			pi, qi := float64(p[i])*rp, float64(q[i])*rq
			if pi == 0 && qi == 0 {
				lm[i] = math.Inf(-1)
				continue
			}
			wp, wq := b*pi, (1-b)*qi
			lpi := float64(xt[i]) - lseP
			lqi := float64(xs[i]) - lseQ
			var l float64
			if wq >= wp {
				l = l1b + lqi + math.Log1p(wp/wq)
			} else {
				l = lb + lpi + math.Log1p(wq/wp)
			}
			lm[i] = l
			if pi > 0 {
				kpm += pi * (lpi - l)
			}
			if qi > 0 {
				kqm += qi * (lqi - l)
			}
		}
		v = b*kpm + (1-b)*kqm
		if grad != nil {
			c := gs * (1 - b)
			for i, qi := range q {
				var g float64
				if qi > 0 {
					g = float64(qi) * rq * (float64(xs[i]) - lseQ - lm[i] - kqm)
				}
				grad[i] = float32(c * g)
			}
		}
	case TVD:
		// ½ Σ |p − q|; with s = ½ sign(q − p), ∂/∂z_j = q_j (s_j − Σ q s).
		// Branch-free: s_j = ½·sign(d_j) as Copysign(½, d_j)·[d_j ≠ 0].
		var va, vb, sa, sb float64
		for i, pi := range p {
			qi := float64(q[i]) * rq
			di := qi - float64(pi)*rp
			h := halfSign(di)
			if i&1 == 0 {
				va += math.Abs(di)
				sa += qi * h
			} else {
				vb += math.Abs(di)
				sb += qi * h
			}
		}
		v = (va + vb) / 2
		sq := sa + sb
		if grad != nil {
			for i, qi := range q {
				qd := float64(qi) * rq
				grad[i] = float32(gs * qd * (halfSign(qd-float64(p[i])*rp) - sq))
			}
		}
	}
	return max(v, 0)
}

// halfSign returns ½·sign(x) (0 at 0), without a branch on the sign.
func halfSign(x float64) float64 {
	h := math.Copysign(0.5, x)
	if x == 0 {
		h = 0
	}
	return h
}
