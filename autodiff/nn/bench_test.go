package nn_test

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/nn"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/tensor"
)

// mlpStep is one training step of a 784-256-256-10 classifier, batch 64, with Adam.
type mlpStep struct {
	tp      *autodiff.Tape
	net     *nn.MLP
	opt     *optim.Adam
	x       *autodiff.Var
	targets []int
}

func newMLPStep() *mlpStep {
	rng := rand.New(rand.NewPCG(1, 2))
	s := &mlpStep{tp: autodiff.NewTape(), net: nn.NewMLP("mlp", []int{784, 256, 256, 10}, nn.ReLU, rng)}
	s.opt = optim.NewAdam(s.net.Params(), optim.AdamConfig{LR: 1e-3})
	s.x = autodiff.NewVar(tensor.RandNormal(rng, 0, 1, 64, 784), false)
	for range 64 {
		s.targets = append(s.targets, rng.IntN(10))
	}
	return s
}

func (s *mlpStep) run() float32 {
	s.tp.Reset()
	loss := s.tp.CrossEntropy(s.net.Forward(s.tp, s.x), s.targets)
	s.opt.ClearGrad()
	s.tp.Backward(loss)
	s.opt.Step()
	return loss.Value.Item()
}

// dqnStep is one training step of a DQN-style network: (32, 4, 10, 10) → conv 3×3 16, padding
// 1 → ReLU → fc 1600→128 → ReLU → fc 6, Huber loss on Q(s, a), Adam (the geometry of the
// PyTorch anchor's conv net).
type dqnStep struct {
	tp        *autodiff.Tape
	conv      *nn.Conv2D
	fc1, fc2  *nn.Linear
	opt       *optim.Adam
	x, target *autodiff.Var
	actions   []int
}

func newDQNStep() *dqnStep {
	rng := rand.New(rand.NewPCG(3, 4))
	s := &dqnStep{tp: autodiff.NewTape()}
	s.conv = nn.NewConv2D("conv", 4, 16, 3, 1, 1, rng)
	s.fc1 = nn.NewLinear("fc1", 16*10*10, 128, rng)
	s.fc2 = nn.NewLinear("fc2", 128, 6, rng)
	ps := append(append(s.conv.Params(), s.fc1.Params()...), s.fc2.Params()...)
	s.opt = optim.NewAdam(ps, optim.AdamConfig{LR: 1e-4})
	s.x = autodiff.NewVar(tensor.RandUniform(rng, 0, 1, 32, 4, 10, 10), false)
	s.target = autodiff.NewVar(tensor.RandNormal(rng, 0, 1, 32, 1), false)
	for range 32 {
		s.actions = append(s.actions, rng.IntN(6))
	}
	return s
}

func (s *dqnStep) run() float32 {
	tp := s.tp
	tp.Reset()
	h := tp.ReLU(s.conv.Forward(tp, s.x))
	h = tp.ReLU(s.fc1.Forward(tp, tp.Flatten(h)))
	q := tp.TakeAlong(s.fc2.Forward(tp, h), 1, s.actions)
	loss := tp.Huber(q, s.target, 1)
	s.opt.ClearGrad()
	tp.Backward(loss)
	s.opt.Step()
	return loss.Value.Item()
}

// gptStep is a forward and backward pass of one GPT-2 block, B=8, T=64, C=128, 4 heads.
type gptStep struct {
	tp     *autodiff.Tape
	block  *nn.Block
	params []autodiff.Param
	x      *autodiff.Var
}

func newGPTStep() *gptStep {
	rng := rand.New(rand.NewPCG(5, 6))
	s := &gptStep{
		tp:    autodiff.NewTape(),
		block: nn.NewBlock("h.0", 128, 4, 4, rng),
		x:     autodiff.NewVar(tensor.RandNormal(rng, 0, 1, 8, 64, 128), true),
	}
	s.params = s.block.Params()
	return s
}

func (s *gptStep) run() float32 {
	s.tp.Reset()
	loss := s.tp.MeanAll(s.tp.Square(s.block.Forward(s.tp, s.x)))
	autodiff.ZeroGrad(s.params)
	s.tp.Backward(loss)
	return loss.Value.Item()
}

func BenchmarkMLPAdamStep(b *testing.B) {
	s := newMLPStep()
	s.run()
	b.ReportAllocs()
	for b.Loop() {
		s.run()
	}
}

// BenchmarkMLPForwardBackward is BenchmarkMLPAdamStep without the optimizer step: the share
// of the tape.
func BenchmarkMLPForwardBackward(b *testing.B) {
	s := newMLPStep()
	s.run()
	ps := s.net.Params()
	b.ReportAllocs()
	for b.Loop() {
		s.tp.Reset()
		loss := s.tp.CrossEntropy(s.net.Forward(s.tp, s.x), s.targets)
		autodiff.ClearGrad(ps)
		s.tp.Backward(loss)
	}
}

func BenchmarkDQNConvAdamStep(b *testing.B) {
	s := newDQNStep()
	s.run()
	b.ReportAllocs()
	for b.Loop() {
		s.run()
	}
}

func BenchmarkGPTBlockForwardBackward(b *testing.B) {
	s := newGPTStep()
	s.run()
	b.ReportAllocs()
	for b.Loop() {
		s.run()
	}
}

// TestTrainingStepAllocations checks the allocation budget of a steady-state training step:
// fewer than 64 allocations and 64 KiB per step after warm-up, and no growth over many steps.
func TestTrainingStepAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	steps := 1000
	if testing.Short() {
		steps = 50
	}
	for _, c := range []struct {
		name string
		run  func() float32
	}{
		{"mlp", newMLPStep().run},
		{"dqn", newDQNStep().run},
		{"gpt-block", newGPTStep().run},
	} {
		n := steps
		if c.name == "gpt-block" {
			n = min(n, 20)
		}
		c.run()
		c.run()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range n {
			c.run()
		}
		runtime.ReadMemStats(&after)
		allocs := float64(after.Mallocs-before.Mallocs) / float64(n)
		bytes := float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
		t.Logf("%s: %.1f allocs, %.0f bytes per step over %d steps", c.name, allocs, bytes, n)
		if allocs >= 64 || bytes >= 64<<10 {
			t.Errorf("%s: %.1f allocations and %.0f bytes per step; budget is 64 and 64 KiB", c.name, allocs, bytes)
		}
	}
}
