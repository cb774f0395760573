package optim

import (
	"fmt"
	"math"

	"github.com/tenet-ml/tenet/autodiff"
)

// AdamConfig configures [NewAdam] and [NewAdamW]. Zero fields take PyTorch's defaults, noted
// beside each field.
type AdamConfig struct {
	// LR is the learning rate (0 means 1e-3).
	LR float64
	// Beta1 and Beta2 are the decay rates of the first- and second-moment averages (0 means
	// 0.9 and 0.999). To run with β1 = 0, pass a tiny positive value such as 1e-300: in
	// float32 arithmetic it behaves exactly as zero.
	Beta1, Beta2 float64
	// Eps is added to the denominator, outside the square root (0 means 1e-8).
	Eps float64
	// WeightDecay is the decay coefficient λ (0 means none). Adam adds λθ to the gradient (L2
	// regularisation); AdamW multiplies θ by 1 − lr·λ before the update (decoupled decay).
	// PyTorch's AdamW defaults λ to 0.01; here 0 always means no decay.
	WeightDecay float64
	// Decay selects the parameters weight decay applies to; nil means all of them, as in a
	// single PyTorch parameter group. [DecayMatrices] exempts biases and norm gains.
	Decay DecayFunc
}

// Adam is the Adam optimizer (Kingma and Ba, 2015) with PyTorch's bias-corrected update, or
// AdamW (Loshchilov and Hutter, 2019) when built by [NewAdamW]. See the package documentation
// for the formulas. It is not safe for concurrent use.
type Adam struct {
	base
	beta1, beta2, eps, wd float64
	decoupled             bool
}

// NewAdam returns an Adam optimizer over params with L2 weight decay (torch.optim.Adam). It
// panics if a parameter is nil or two share a name, or if a hyper-parameter is out of range.
func NewAdam(params []autodiff.Param, cfg AdamConfig) *Adam {
	return newAdam("Adam", params, cfg, false)
}

// NewAdamW returns an AdamW optimizer over params with decoupled weight decay
// (torch.optim.AdamW). It panics as [NewAdam] does.
func NewAdamW(params []autodiff.Param, cfg AdamConfig) *Adam {
	return newAdam("AdamW", params, cfg, true)
}

func newAdam(kind string, params []autodiff.Param, cfg AdamConfig, decoupled bool) *Adam {
	lr := orDefault(cfg.LR, 1e-3)
	b1 := orDefault(cfg.Beta1, 0.9)
	b2 := orDefault(cfg.Beta2, 0.999)
	eps := orDefault(cfg.Eps, 1e-8)
	if !(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1) || !(eps >= 0) || !(lr >= 0) || !(cfg.WeightDecay >= 0) {
		panic(fmt.Sprintf("optim: New%s: invalid hyper-parameters lr=%g beta1=%g beta2=%g eps=%g weight_decay=%g",
			kind, lr, b1, b2, eps, cfg.WeightDecay))
	}
	return &Adam{
		base:      newBase(kind, params, lr, []string{"exp_avg", "exp_avg_sq"}, cfg.Decay),
		beta1:     b1,
		beta2:     b2,
		eps:       eps,
		wd:        cfg.WeightDecay,
		decoupled: decoupled,
	}
}

func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// Step applies one Adam (or AdamW) update to every parameter with a gradient.
func (o *Adam) Step() {
	for i, p := range o.params {
		g, ok := o.grad(i)
		if !ok {
			continue
		}
		st := &o.states[i]
		st.step++
		t := float64(st.step)
		bc1 := 1 - math.Pow(o.beta1, t)
		bc2 := 1 - math.Pow(o.beta2, t)
		wd := 0.0
		if o.decay[i] {
			wd = o.wd
		}
		x := p.Value.Data()
		if o.decoupled && wd != 0 {
			scaleInPlace(x, float32(1-o.lr*wd))
			wd = 0
		}
		adamUpdate(x, g, st.bufs[0].Data(), st.bufs[1].Data(),
			float32(o.beta1), float32(1-o.beta1), float32(o.beta2), float32(1-o.beta2),
			float32(wd), float32(o.lr/bc1), float32(1/math.Sqrt(bc2)), float32(o.eps))
	}
}

// adamUpdate is the per-element Adam update over x (parameter), g (gradient), m and v
// (moments), all of one length:
//
//	g' = g + wd·x;  m = β1·m + (1−β1)·g';  v = β2·v + (1−β2)·g'²
//	x -= stepSize · m / (√v · invBC2sqrt + eps)
//
// PyTorch divides √v by √(1−β2ᵗ); multiplying by its reciprocal instead saves a division per
// element (the divider is the bottleneck of this loop) and changes results by at most an ulp.
func adamUpdate(x, g, m, v []float32, b1, c1, b2, c2, wd, stepSize, invBC2sqrt, eps float32) {
	g = g[:len(x)]
	m = m[:len(x)]
	v = v[:len(x)]
	for i := range x {
		gi := g[i]
		if wd != 0 {
			gi += wd * x[i]
		}
		mi := b1*m[i] + c1*gi
		vi := b2*v[i] + c2*gi*gi
		m[i] = mi
		v[i] = vi
		denom := float32(math.Sqrt(float64(vi)))*invBC2sqrt + eps
		x[i] -= stepSize * mi / denom
	}
}

func scaleInPlace(x []float32, a float32) {
	for i := range x {
		x[i] *= a
	}
}
