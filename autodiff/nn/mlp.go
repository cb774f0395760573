package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
)

// Activation selects an element-wise non-linearity.
type Activation int

// The activations Apply knows.
const (
	Identity Activation = iota
	ReLU
	GELU
	Tanh
	Sigmoid
	Swish
)

// Apply returns act(x) on tp.
func (a Activation) Apply(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	switch a {
	case Identity:
		return x
	case ReLU:
		return tp.ReLU(x)
	case GELU:
		return tp.GELU(x)
	case Tanh:
		return tp.Tanh(x)
	case Sigmoid:
		return tp.Sigmoid(x)
	case Swish:
		return tp.Swish(x)
	}
	panic(fmt.Sprintf("nn: unknown activation %d", a))
}

// MLP is a stack of Linear layers with an activation between consecutive layers (none after
// the last).
type MLP struct {
	Layers []*Linear
	Act    Activation
}

// NewMLP returns an MLP with the given layer sizes (sizes[0] inputs, sizes[len−1] outputs),
// its layers named name.0, name.1, …, initialised with PyTorch's default.
func NewMLP(name string, sizes []int, act Activation, rng *rand.Rand) *MLP {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("nn: NewMLP: sizes %v: want at least an input and an output size", sizes))
	}
	m := &MLP{Act: act}
	for i := range len(sizes) - 1 {
		m.Layers = append(m.Layers, NewLinear(join(name, fmt.Sprint(i)), sizes[i], sizes[i+1], rng))
	}
	return m
}

// Forward applies the layers to x (…, in). Each hidden activation is passed to tp.Observe
// under its layer's name, so a capturing tape collects them (see autodiff.Tape.SetCapture).
func (m *MLP) Forward(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	for i, l := range m.Layers {
		switch {
		case i == len(m.Layers)-1:
			x = l.Forward(tp, x)
		case m.Act == ReLU:
			// The layer and its rectifier in one operation (same values, one pass less).
			x = l.ForwardReLU(tp, x)
			tp.Observe(l.Name, x)
		default:
			x = m.Act.Apply(tp, l.Forward(tp, x))
			tp.Observe(l.Name, x)
		}
	}
	return x
}

// Params returns the parameters of every layer in order.
func (m *MLP) Params() []autodiff.Param {
	var ps []autodiff.Param
	for _, l := range m.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// Init redraws every layer.
func (m *MLP) Init(rng *rand.Rand) {
	for _, l := range m.Layers {
		l.Init(rng)
	}
}

// Clone returns a deep copy of m.
func (m *MLP) Clone() *MLP {
	c := &MLP{Act: m.Act}
	for _, l := range m.Layers {
		c.Layers = append(c.Layers, l.Clone())
	}
	return c
}
