package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/tensor"
)

// UnitLayer is a layer whose outputs are units (neurons) that can be re-initialised one by
// one, as ReDo recycles dormant neurons: Linear (a unit is an output feature) and Conv2D (a
// unit is an output channel).
type UnitLayer interface {
	// Units returns the number of output units.
	Units() int
	reinitIncoming(units []int, rng *rand.Rand)
	zeroOutgoing(units []int, inUnits int)
}

// Units returns the number of output features.
func (l *Linear) Units() int { return l.Out() }

// Units returns the number of output channels.
func (c *Conv2D) Units() int { return c.W.Value.Dim(0) }

// ReinitUnits re-initialises the given output units of layer: their incoming weights are
// redrawn from the layer's weight initialiser, their biases zeroed, and, when next is not nil,
// their outgoing weights in next (the layer that consumes layer's output) set to zero, so the
// network's function is unchanged at the moment of the reset. A Linear next may follow a
// flattened Conv2D: each channel then owns H·W consecutive input rows.
func ReinitUnits(layer UnitLayer, next UnitLayer, units []int, rng *rand.Rand) {
	n := layer.Units()
	for _, u := range units {
		if u < 0 || u >= n {
			panic(fmt.Sprintf("nn: ReinitUnits: unit %d of %d", u, n))
		}
	}
	layer.reinitIncoming(units, rng)
	if next != nil {
		next.zeroOutgoing(units, n)
	}
}

func (l *Linear) reinitIncoming(units []int, rng *rand.Rand) {
	in, out := l.In(), l.Out()
	fresh := make([]float32, in*out)
	l.WeightInit(fresh, in, out, rng)
	w := l.W.Value.Data()
	for _, u := range units {
		for i := range in {
			w[i*out+u] = fresh[i*out+u]
		}
		if l.B != nil {
			l.B.Value.Data()[u] = 0
		}
	}
}

func (l *Linear) zeroOutgoing(units []int, inUnits int) {
	in, out := l.In(), l.Out()
	if in%inUnits != 0 {
		panic(fmt.Sprintf("nn: ReinitUnits: next layer %s has %d inputs for %d units", l.Name, in, inUnits))
	}
	per := in / inUnits
	w := l.W.Value.Data()
	for _, u := range units {
		clear(w[u*per*out : (u+1)*per*out])
	}
}

func (c *Conv2D) reinitIncoming(units []int, rng *rand.Rand) {
	fi, fo := c.fans()
	fresh := make([]float32, c.W.Value.Len())
	c.WeightInit(fresh, fi, fo, rng)
	w := c.W.Value.Data()
	for _, u := range units {
		copy(w[u*fi:(u+1)*fi], fresh[u*fi:(u+1)*fi])
		if c.B != nil {
			c.B.Value.Data()[u] = 0
		}
	}
}

func (c *Conv2D) zeroOutgoing(units []int, inUnits int) {
	s := c.W.Value.Shape()
	if s[1] != inUnits {
		panic(fmt.Sprintf("nn: ReinitUnits: next layer %s has %d input channels for %d units", c.Name, s[1], inUnits))
	}
	k := s[2] * s[3]
	w := c.W.Value.Data()
	for o := range s[0] {
		for _, u := range units {
			clear(w[(o*s[1]+u)*k : (o*s[1]+u+1)*k])
		}
	}
}

// UnitActivity returns the mean absolute activation of each unit of an activation tensor, as
// ReDo scores neurons: for (N, units) the mean of |a| over N; for (N, C, H, W) the mean over
// N, H and W per channel. Means are accumulated in float64.
func UnitActivity(a *tensor.Tensor) []float64 {
	s := a.Shape()
	if len(s) < 2 {
		panic(fmt.Sprintf("nn: UnitActivity: shape %v: want (N, units, …)", s))
	}
	n, c := s[0], s[1]
	inner := a.Len() / max(n*c, 1)
	out := make([]float64, c)
	d := a.Data()
	for i := range n {
		for u := range c {
			for _, v := range d[(i*c+u)*inner : (i*c+u+1)*inner] {
				out[u] += math.Abs(float64(v))
			}
		}
	}
	for u := range out {
		out[u] /= float64(max(n*inner, 1))
	}
	return out
}
