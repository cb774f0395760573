package optim

import (
	"fmt"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/tensor"
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

// Step applies one Adam (or AdamW) update to every parameter with a gradient, with the fused
// kernel [tensor.AdamUpdate].
func (o *Adam) Step() {
	for i, p := range o.params {
		g, ok := o.grad(i)
		if !ok {
			continue
		}
		st := &o.states[i]
		st.step++
		wd := 0.0
		if o.decay[i] {
			wd = o.wd
		}
		var scale float32
		if o.decoupled && wd != 0 {
			scale = float32(1 - o.lr*wd)
			wd = 0
		}
		ap := tensor.NewAdamParams(o.lr, o.beta1, o.beta2, o.eps, wd, int(st.step))
		ap.Scale = scale
		tensor.AdamUpdate(p.Value.Data(), g, st.bufs[0].Data(), st.bufs[1].Data(), ap)
	}
}
