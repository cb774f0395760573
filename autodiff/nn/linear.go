package nn

import (
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
)

// Linear is the affine map y = x·W + b. W is stored (in, out), GPT-2's Conv1D layout, so
// Hugging Face GPT-2 weights load without transposes; b is (out) and may be nil.
type Linear struct {
	// Name prefixes the parameter names: Name.weight and Name.bias.
	Name string
	// W is the (in, out) weight and B the (out) bias, nil for a layer without bias.
	W, B *autodiff.Var
	// WeightInit and BiasInit draw the parameters in Init. NewLinear sets both to
	// FanInUniform, PyTorch's default.
	WeightInit, BiasInit Init
}

// NewLinear returns a Linear layer from in to out features with a bias, initialised with
// PyTorch's default (FanInUniform) using rng.
func NewLinear(name string, in, out int, rng *rand.Rand) *Linear {
	return NewLinearInit(name, in, out, true, FanInUniform(), FanInUniform(), rng)
}

// NewLinearInit returns a Linear layer with the given initialisers; without bias B is nil.
func NewLinearInit(name string, in, out int, bias bool, weight, biasInit Init, rng *rand.Rand) *Linear {
	l := &Linear{Name: name, WeightInit: weight, BiasInit: biasInit}
	l.W = newParam(weight, in, out, rng, in, out)
	if bias {
		l.B = newParam(biasInit, in, out, rng, out)
	}
	return l
}

// In returns the number of input features.
func (l *Linear) In() int { return l.W.Value.Dim(0) }

// Out returns the number of output features.
func (l *Linear) Out() int { return l.W.Value.Dim(1) }

// Forward returns x·W + b for x of shape (…, in).
func (l *Linear) Forward(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	return tp.Linear(x, l.W, l.B)
}

// ForwardReLU returns max(x·W + b, 0): Forward followed by a rectifier, computed as one
// operation (autodiff.Tape.LinearReLU), with the same values.
func (l *Linear) ForwardReLU(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	return tp.LinearReLU(x, l.W, l.B)
}

// Params returns Name.weight and, with a bias, Name.bias.
func (l *Linear) Params() []autodiff.Param {
	ps := []autodiff.Param{{Name: join(l.Name, "weight"), Var: l.W}}
	if l.B != nil {
		ps = append(ps, autodiff.Param{Name: join(l.Name, "bias"), Var: l.B})
	}
	return ps
}

// Init redraws the parameters from the layer's initialisers.
func (l *Linear) Init(rng *rand.Rand) {
	l.WeightInit(l.W.Value.Data(), l.In(), l.Out(), rng)
	if l.B != nil {
		l.BiasInit(l.B.Value.Data(), l.In(), l.Out(), rng)
	}
}

// Clone returns a deep copy of l with its own parameters (and no gradients).
func (l *Linear) Clone() *Linear {
	c := *l
	c.W, c.B = cloneVar(l.W), cloneVar(l.B)
	return &c
}
