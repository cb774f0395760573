package nn

import (
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
)

// Conv2D is a 2-D convolution layer over (N, C, H, W) inputs.
type Conv2D struct {
	// Name prefixes the parameter names: Name.weight and Name.bias.
	Name string
	// W is the (out, in, kh, kw) filter bank and B the (out) bias, nil without bias.
	W, B *autodiff.Var
	// Stride and Padding apply to both spatial axes.
	Stride, Padding int
	// WeightInit and BiasInit draw the parameters in Init (fan-in in·kh·kw, fan-out
	// out·kh·kw). NewConv2D sets both to FanInUniform, PyTorch's default.
	WeightInit, BiasInit Init
}

// NewConv2D returns a convolution from in to out channels with a k×k kernel and a bias,
// initialised with PyTorch's default.
func NewConv2D(name string, in, out, k, stride, padding int, rng *rand.Rand) *Conv2D {
	c := &Conv2D{Name: name, Stride: stride, Padding: padding, WeightInit: FanInUniform(), BiasInit: FanInUniform()}
	c.W = newParam(c.WeightInit, in*k*k, out*k*k, rng, out, in, k, k)
	c.B = newParam(c.BiasInit, in*k*k, out*k*k, rng, out)
	return c
}

func (c *Conv2D) fans() (int, int) {
	s := c.W.Value.Shape()
	return s[1] * s[2] * s[3], s[0] * s[2] * s[3]
}

// Forward convolves x (N, in, H, W) into (N, out, OH, OW).
func (c *Conv2D) Forward(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	return tp.Conv2D(x, c.W, c.B, c.Stride, c.Padding)
}

// Params returns Name.weight and, with a bias, Name.bias.
func (c *Conv2D) Params() []autodiff.Param {
	ps := []autodiff.Param{{Name: join(c.Name, "weight"), Var: c.W}}
	if c.B != nil {
		ps = append(ps, autodiff.Param{Name: join(c.Name, "bias"), Var: c.B})
	}
	return ps
}

// Init redraws the parameters from the layer's initialisers.
func (c *Conv2D) Init(rng *rand.Rand) {
	fi, fo := c.fans()
	c.WeightInit(c.W.Value.Data(), fi, fo, rng)
	if c.B != nil {
		c.BiasInit(c.B.Value.Data(), fi, fo, rng)
	}
}

// Clone returns a deep copy of c.
func (c *Conv2D) Clone() *Conv2D {
	d := *c
	d.W, d.B = cloneVar(c.W), cloneVar(c.B)
	return &d
}

// MaxPool2D takes the maximum over Size×Size windows every Stride positions. It has no
// parameters.
type MaxPool2D struct {
	Size, Stride int
}

// Forward pools x (N, C, H, W).
func (m MaxPool2D) Forward(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	return tp.MaxPool2D(x, m.Size, m.Stride)
}

// Params returns nil: pooling has no parameters.
func (MaxPool2D) Params() []autodiff.Param { return nil }

// Init does nothing.
func (MaxPool2D) Init(*rand.Rand) {}

// Dropout zeroes activations with probability P while training: on a tape that records
// gradients. On a nil tape or one with gradients disabled it is the identity.
type Dropout struct {
	P   float32
	Rng *rand.Rand
}

// Forward applies dropout to x when tp records gradients.
func (d *Dropout) Forward(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	if d == nil || d.P == 0 || !tp.GradEnabled() {
		return x
	}
	return tp.Dropout(x, d.P, d.Rng)
}
