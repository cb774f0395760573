package autodiff

import (
	"math/rand/v2"
	"testing"

	"github.com/tenet-ml/tenet/tensor"
)

// randVar returns a leaf of the given shape with values uniform in [lo, hi).
func randVar(rng *rand.Rand, lo, hi float32, shape ...int) *Var {
	return NewVar(tensor.RandUniform(rng, lo, hi, shape...), true)
}

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

// check runs GradCheck with the default options and fails the test on disagreement.
func check(t *testing.T, name string, f func(tp *Tape) *Var, inputs ...*Var) {
	t.Helper()
	if err := GradCheck(f, inputs, nil); err != nil {
		t.Errorf("%s: %v", name, err)
	}
}

// awayFrom nudges every element of v at least gap away from each of the points (kinks of
// non-smooth functions), so finite differences do not straddle them.
func awayFrom(v *Var, gap float32, points ...float32) *Var {
	d := v.Value.Data()
	for i := range d {
		for _, p := range points {
			if d[i]-p < gap && d[i]-p > -gap {
				if d[i] >= p {
					d[i] = p + gap + (d[i] - p)
				} else {
					d[i] = p - gap + (d[i] - p)
				}
			}
		}
	}
	return v
}
