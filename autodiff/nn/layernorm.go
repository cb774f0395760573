package nn

import (
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
)

// LayerNorm normalises its input over the last axis and applies a learned gain and bias.
type LayerNorm struct {
	// Name prefixes the parameter names: Name.weight (the gain) and Name.bias.
	Name string
	// Gamma (the gain, initially ones) and Beta (the bias, initially zeros) are (dim).
	Gamma, Beta *autodiff.Var
	// Eps is added to the variance (1e-5 by default, as GPT-2).
	Eps float32
}

// NewLayerNorm returns a layer norm over dim features with unit gain and zero bias.
func NewLayerNorm(name string, dim int) *LayerNorm {
	l := &LayerNorm{Name: name, Eps: 1e-5}
	l.Gamma = newParam(Constant(1), dim, dim, nil, dim)
	l.Beta = newParam(Zeros(), dim, dim, nil, dim)
	return l
}

// Forward normalises x (…, dim).
func (l *LayerNorm) Forward(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	return tp.LayerNorm(x, l.Gamma, l.Beta, l.Eps)
}

// Params returns Name.weight and Name.bias.
func (l *LayerNorm) Params() []autodiff.Param {
	return []autodiff.Param{{Name: join(l.Name, "weight"), Var: l.Gamma}, {Name: join(l.Name, "bias"), Var: l.Beta}}
}

// Init resets the gain to ones and the bias to zeros.
func (l *LayerNorm) Init(*rand.Rand) {
	l.Gamma.Value.Fill(1)
	l.Beta.Value.Fill(0)
}

// Clone returns a deep copy of l.
func (l *LayerNorm) Clone() *LayerNorm {
	c := *l
	c.Gamma, c.Beta = cloneVar(l.Gamma), cloneVar(l.Beta)
	return &c
}
