package optim

import (
	"fmt"
	"math"

	"github.com/tenet-ml/tenet/autodiff"
)

// RMSPropConfig configures [NewRMSProp]. Zero fields take PyTorch's defaults where noted.
type RMSPropConfig struct {
	// LR is the learning rate (0 means 1e-2).
	LR float64
	// Alpha is the decay rate of the squared-gradient average (0 means 0.99; TensorFlow calls
	// it decay). DQN uses 0.95.
	Alpha float64
	// Eps is the stabiliser in the denominator (0 means 1e-8). Where it goes depends on
	// EpsInsideSqrt.
	Eps float64
	// EpsInsideSqrt selects TensorFlow's convention, dividing by √(s + ε), instead of
	// PyTorch's √s + ε (the default). DQN-family agents ported from TensorFlow (Dopamine's
	// centered RMSProp with ε = 1e-5, for example) use the TensorFlow form.
	EpsInsideSqrt bool
	// Centered normalises by an estimate of the gradient's variance, s − ḡ², instead of its
	// uncentered second moment s, as in Graves (2013) and DQN.
	Centered bool
	// Momentum is the momentum factor (0 means none).
	Momentum float64
	// WeightDecay is the L2 coefficient λ added to the gradient as λθ.
	WeightDecay float64
	// Decay selects the parameters weight decay applies to; nil means all of them.
	Decay DecayFunc
}

// RMSProp is the RMSProp optimizer (Tieleman and Hinton, 2012) with torch.optim.RMSprop's
// update, optionally centered and with TensorFlow's placement of ε; see the package
// documentation. It is not safe for concurrent use.
type RMSProp struct {
	base
	alpha, eps, momentum, wd float64
	centered, epsInside      bool
	// indices of the buffers in base.keys, or -1
	gavg, mom int
}

// NewRMSProp returns an RMSProp optimizer over params. It panics if a parameter is nil or two
// share a name, or if a hyper-parameter is out of range.
func NewRMSProp(params []autodiff.Param, cfg RMSPropConfig) *RMSProp {
	lr := orDefault(cfg.LR, 1e-2)
	alpha := orDefault(cfg.Alpha, 0.99)
	eps := orDefault(cfg.Eps, 1e-8)
	if !(lr >= 0) || !(alpha >= 0 && alpha < 1) || !(eps >= 0) || !(cfg.Momentum >= 0) || !(cfg.WeightDecay >= 0) {
		panic(fmt.Sprintf("optim: NewRMSProp: invalid hyper-parameters lr=%g alpha=%g eps=%g momentum=%g weight_decay=%g",
			lr, alpha, eps, cfg.Momentum, cfg.WeightDecay))
	}
	keys := []string{"square_avg"}
	o := &RMSProp{alpha: alpha, eps: eps, momentum: cfg.Momentum, wd: cfg.WeightDecay,
		centered: cfg.Centered, epsInside: cfg.EpsInsideSqrt, gavg: -1, mom: -1}
	if cfg.Centered {
		o.gavg = len(keys)
		keys = append(keys, "grad_avg")
	}
	if cfg.Momentum > 0 {
		o.mom = len(keys)
		keys = append(keys, "momentum_buffer")
	}
	o.base = newBase("RMSProp", params, lr, keys, cfg.Decay)
	return o
}

// Step applies one RMSProp update to every parameter with a gradient.
func (o *RMSProp) Step() {
	a, c := float32(o.alpha), float32(1-o.alpha)
	eps, lr, mu := float32(o.eps), float32(o.lr), float32(o.momentum)
	for i, p := range o.params {
		g, ok := o.grad(i)
		if !ok {
			continue
		}
		st := &o.states[i]
		st.step++
		var wd float32
		if o.decay[i] {
			wd = float32(o.wd)
		}
		var gavg, buf []float32
		if o.gavg >= 0 {
			gavg = st.bufs[o.gavg].Data()
		}
		if o.mom >= 0 {
			buf = st.bufs[o.mom].Data()
		}
		rmspropUpdate(p.Value.Data(), g, st.bufs[0].Data(), gavg, buf, a, c, eps, lr, mu, wd, o.epsInside)
	}
}

// rmspropUpdate is, with d = g + wd·x:
//
//	s = α·s + (1−α)·d²;  centered: ḡ = α·ḡ + (1−α)·d, s' = s − ḡ², else s' = s
//	den = √s' + ε  (or √(s' + ε) when epsInside)
//	with momentum: buf = μ·buf + d/den, x -= lr·buf;  else x -= lr·d/den
//
// gavg is nil unless centered and buf is nil unless momentum is used.
func rmspropUpdate(x, g, s, gavg, buf []float32, a, c, eps, lr, mu, wd float32, epsInside bool) {
	g = g[:len(x)]
	s = s[:len(x)]
	if gavg != nil {
		gavg = gavg[:len(x)]
	}
	if buf != nil {
		buf = buf[:len(x)]
	}
	for i := range x {
		d := g[i]
		if wd != 0 {
			d += wd * x[i]
		}
		si := a*s[i] + c*d*d
		s[i] = si
		if gavg != nil {
			ga := a*gavg[i] + c*d
			gavg[i] = ga
			si -= ga * ga
		}
		var den float32
		if epsInside {
			den = float32(math.Sqrt(float64(si + eps)))
		} else {
			den = float32(math.Sqrt(float64(si))) + eps
		}
		if buf != nil {
			b := mu*buf[i] + d/den
			buf[i] = b
			x[i] -= lr * b
		} else {
			x[i] -= lr * d / den
		}
	}
}
