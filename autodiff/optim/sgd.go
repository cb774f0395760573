package optim

import (
	"fmt"

	"github.com/tenet-ml/tenet/autodiff"
)

// SGDConfig configures [NewSGD]. Unlike the other configurations, zero fields mean zero (SGD
// has no defaults in PyTorch except LR, which must be set).
type SGDConfig struct {
	// LR is the learning rate.
	LR float64
	// Momentum is the momentum factor μ (0 means plain SGD).
	Momentum float64
	// Dampening τ scales the new gradient's contribution to the momentum buffer by 1 − τ.
	Dampening float64
	// Nesterov selects Nesterov momentum; it needs Momentum > 0 and Dampening = 0.
	Nesterov bool
	// WeightDecay is the L2 coefficient λ added to the gradient as λθ.
	WeightDecay float64
	// Decay selects the parameters weight decay applies to; nil means all of them.
	Decay DecayFunc
}

// SGD is stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight
// decay, with torch.optim.SGD's update (see the package documentation). It is not safe for
// concurrent use.
type SGD struct {
	base
	momentum, dampening, wd float64
	nesterov                bool
}

// NewSGD returns an SGD optimizer over params. It panics if a parameter is nil or two share a
// name, if a hyper-parameter is negative, or if Nesterov is set without momentum or with
// dampening.
func NewSGD(params []autodiff.Param, cfg SGDConfig) *SGD {
	if !(cfg.LR >= 0) || !(cfg.Momentum >= 0) || !(cfg.WeightDecay >= 0) || !(cfg.Dampening >= 0) {
		panic(fmt.Sprintf("optim: NewSGD: invalid hyper-parameters lr=%g momentum=%g dampening=%g weight_decay=%g",
			cfg.LR, cfg.Momentum, cfg.Dampening, cfg.WeightDecay))
	}
	if cfg.Nesterov && (cfg.Momentum <= 0 || cfg.Dampening != 0) {
		panic("optim: NewSGD: Nesterov momentum needs Momentum > 0 and Dampening = 0")
	}
	var keys []string
	if cfg.Momentum != 0 {
		keys = []string{"momentum_buffer"}
	}
	return &SGD{
		base:      newBase("SGD", params, cfg.LR, keys, cfg.Decay),
		momentum:  cfg.Momentum,
		dampening: cfg.Dampening,
		wd:        cfg.WeightDecay,
		nesterov:  cfg.Nesterov,
	}
}

// Step applies one SGD update to every parameter with a gradient.
func (o *SGD) Step() {
	lr := float32(o.lr)
	for i, p := range o.params {
		g, ok := o.grad(i)
		if !ok {
			continue
		}
		st := &o.states[i]
		first := st.step == 0
		st.step++
		var wd float32
		if o.decay[i] {
			wd = float32(o.wd)
		}
		x := p.Value.Data()
		if o.momentum == 0 {
			sgdUpdate(x, g, wd, lr)
			continue
		}
		mu, damp := float32(o.momentum), float32(1-o.dampening)
		if first {
			damp = 1 // PyTorch initialises the buffer with the first (decayed) gradient
			mu = 0
		}
		sgdMomentumUpdate(x, g, st.bufs[0].Data(), wd, mu, damp, lr, float32(o.momentum), o.nesterov)
	}
}

// sgdUpdate is x -= lr·(g + wd·x).
func sgdUpdate(x, g []float32, wd, lr float32) {
	g = g[:len(x)]
	for i := range x {
		d := g[i]
		if wd != 0 {
			d += wd * x[i]
		}
		x[i] -= lr * d
	}
}

// sgdMomentumUpdate is, with d = g + wd·x:
//
//	buf = mu·buf + damp·d
//	x -= lr·(d + momentum·buf)  (Nesterov)  or  x -= lr·buf
func sgdMomentumUpdate(x, g, buf []float32, wd, mu, damp, lr, momentum float32, nesterov bool) {
	g = g[:len(x)]
	buf = buf[:len(x)]
	for i := range x {
		d := g[i]
		if wd != 0 {
			d += wd * x[i]
		}
		b := mu*buf[i] + damp*d
		buf[i] = b
		if nesterov {
			d += momentum * b
		} else {
			d = b
		}
		x[i] -= lr * d
	}
}
