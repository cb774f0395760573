package optim

import (
	"math/rand/v2"
	"testing"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/tensor"
)

// mlpParams returns parameters shaped like the 784-256-256-10 MLP (269,322 values) with
// random gradients.
func mlpParams() []autodiff.Param {
	rng := rand.New(rand.NewPCG(1, 1))
	var ps []autodiff.Param
	sizes := []int{784, 256, 256, 10}
	for l := 0; l+1 < len(sizes); l++ {
		for _, shape := range [][]int{{sizes[l], sizes[l+1]}, {sizes[l+1]}} {
			v := &autodiff.Var{Value: tensor.RandNormal(rng, 0, 0.05, shape...), Grad: tensor.RandNormal(rng, 0, 1e-3, shape...), RequiresGrad: true}
			name := "fc" + string(rune('0'+l))
			if len(shape) == 2 {
				name += ".weight"
			} else {
				name += ".bias"
			}
			ps = append(ps, autodiff.Param{Name: name, Var: v})
		}
	}
	return ps
}

func benchStep(b *testing.B, opt Optimizer) {
	n := 0
	for _, p := range opt.Params() {
		n += p.Value.Len()
	}
	opt.Step()
	b.ReportAllocs()
	b.SetBytes(int64(4 * n))
	b.ResetTimer()
	for b.Loop() {
		opt.Step()
	}
}

func BenchmarkAdamStep(b *testing.B) { benchStep(b, NewAdam(mlpParams(), AdamConfig{})) }
func BenchmarkAdamWStep(b *testing.B) {
	benchStep(b, NewAdamW(mlpParams(), AdamConfig{WeightDecay: 0.1, Decay: DecayMatrices}))
}
func BenchmarkSGDStep(b *testing.B) {
	benchStep(b, NewSGD(mlpParams(), SGDConfig{LR: 0.01, Momentum: 0.9, Nesterov: true}))
}
func BenchmarkRMSPropStep(b *testing.B) {
	benchStep(b, NewRMSProp(mlpParams(), RMSPropConfig{Centered: true, Alpha: 0.95, Eps: 1e-5}))
}

func BenchmarkClipGradNorm(b *testing.B) {
	ps := mlpParams()
	b.ReportAllocs()
	for b.Loop() {
		ClipGradNorm(ps, 1e9)
	}
}
