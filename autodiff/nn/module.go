package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/tensor"
)

// Module is what every layer in this package implements: its parameters with stable names,
// and a way to draw them afresh from its own initialisers.
type Module interface {
	// Params returns the trainable parameters, in a fixed order with stable names.
	Params() []autodiff.Param
	// Init redraws every parameter from the layer's initialisers, using rng.
	Init(rng *rand.Rand)
}

// join prefixes a parameter or layer name: join("h.0", "attn") is "h.0.attn"; an empty
// prefix leaves the name alone.
func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// newParam returns a trainable var of the given shape, filled by init.
func newParam(init Init, fanIn, fanOut int, rng *rand.Rand, shape ...int) *autodiff.Var {
	v := autodiff.NewVar(tensor.New(shape...), true)
	init(v.Value.Data(), fanIn, fanOut, rng)
	return v
}

// cloneVar returns a deep copy of v's value as a new trainable var (without a gradient).
func cloneVar(v *autodiff.Var) *autodiff.Var {
	if v == nil {
		return nil
	}
	return autodiff.NewVar(v.Value.Clone(), v.RequiresGrad)
}

// NumParams returns the total number of elements of params.
func NumParams(params []autodiff.Param) int {
	n := 0
	for _, p := range params {
		n += p.Value.Len()
	}
	return n
}

// CopyParams copies the values of src into dst, which must list the same names and shapes in
// the same order (as two instances of one architecture do). It is how a target network is
// synchronised with the online one.
func CopyParams(dst, src []autodiff.Param) {
	mustMatch("CopyParams", dst, src)
	for i, p := range dst {
		p.Value.CopyFrom(src[i].Value)
	}
}

// Polyak moves dst towards src by the exponential moving average
// θ_dst ← (1−τ)·θ_dst + τ·θ_src (soft target update; τ = 1 copies). Lists must match as for
// CopyParams.
func Polyak(dst, src []autodiff.Param, tau float32) {
	mustMatch("Polyak", dst, src)
	for i, p := range dst {
		d, s := p.Value.Data(), src[i].Value.Data()
		for j, v := range s {
			d[j] = (1-tau)*d[j] + tau*v
		}
	}
}

// ShrinkPerturb applies shrink-and-perturb to m: θ ← α·θ + (1−α)·θ_fresh, where θ_fresh is
// drawn from m's own initialisers with rng (α = 1 keeps θ, α = 0 re-initialises). BBF uses it
// at every reset.
func ShrinkPerturb(m Module, alpha float32, rng *rand.Rand) {
	ps := m.Params()
	old := make([]*tensor.Tensor, len(ps))
	for i, p := range ps {
		old[i] = p.Value.Clone()
	}
	m.Init(rng)
	for i, p := range ps {
		d, o := p.Value.Data(), old[i].Data()
		for j := range d {
			d[j] = alpha*o[j] + (1-alpha)*d[j]
		}
	}
}

func mustMatch(op string, dst, src []autodiff.Param) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("nn: %s: %d parameters and %d", op, len(dst), len(src)))
	}
	for i, p := range dst {
		if p.Name != src[i].Name || !p.Value.SameShape(src[i].Value) {
			panic(fmt.Sprintf("nn: %s: parameter %d is %s %v and %s %v", op, i, p.Name, p.Value.Shape(), src[i].Name, src[i].Value.Shape()))
		}
	}
}
