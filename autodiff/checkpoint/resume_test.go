package checkpoint

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/nn"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/tensor"
)

// mlp is a 1-16-1 tanh network trained on y = sin(x) through the autodiff tape.
type mlp struct {
	l1, l2 *nn.Linear
	tp     *autodiff.Tape
	opt    optim.Optimizer
	x, y   *tensor.Tensor // minibatch buffers
}

func newMLP(seed uint64) *mlp {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := &mlp{l1: nn.NewLinear("fc1", 1, 16, rng), l2: nn.NewLinear("fc2", 16, 1, rng),
		tp: autodiff.NewTape(), x: tensor.New(8, 1), y: tensor.New(8, 1)}
	m.opt = optim.NewAdamW(m.params(), optim.AdamConfig{WeightDecay: 0.01, Decay: optim.DecayMatrices})
	return m
}

func (m *mlp) params() []autodiff.Param { return append(m.l1.Params(), m.l2.Params()...) }

// step samples a minibatch with noisy targets from rng and takes one clipped, scheduled step.
func (m *mlp) step(s int64, sched optim.Schedule, rng *rand.Rand) float32 {
	for i := range 8 {
		v := rng.Float64()*2*math.Pi - math.Pi
		m.x.Data()[i] = float32(v)
		m.y.Data()[i] = float32(math.Sin(v) + 0.01*rng.NormFloat64())
	}
	m.tp.Reset()
	pred := m.l2.Forward(m.tp, m.tp.Tanh(m.l1.Forward(m.tp, autodiff.NewVar(m.x, false))))
	loss := m.tp.MSE(pred, autodiff.NewVar(m.y, false))
	m.opt.ZeroGrad()
	m.tp.Backward(loss)
	optim.ClipGradNorm(m.params(), 1)
	m.opt.SetLR(sched(s))
	m.opt.Step()
	return loss.Value.Item()
}

// TestResumeAutodiffModel is TestResumeIsExact on a real autodiff network: training resumed
// from a checkpoint at step 150 ends bit-identical to 300 uninterrupted steps.
func TestResumeAutodiffModel(t *testing.T) {
	const steps = 300
	sched := optim.WarmupCosine(0.02, 0.001, 30, steps)

	ref := newMLP(1)
	refRNG := rand.New(rand.NewPCG(4, 4))
	var first, last float32
	for s := int64(0); s < steps; s++ {
		loss := ref.step(s, sched, refRNG)
		if s == 0 {
			first = loss
		}
		last = loss
	}
	if !(last < first/4) {
		t.Errorf("loss %v → %v: the reference run did not learn", first, last)
	}

	path := filepath.Join(t.TempDir(), "mlp.safetensors")
	half := newMLP(1)
	src := rand.NewPCG(4, 4)
	rng := rand.New(src)
	for s := int64(0); s < steps/2; s++ {
		half.step(s, sched, rng)
	}
	if err := Save(path, Checkpoint{Params: half.params(), Optimizer: half.opt, Step: steps / 2,
		RNG: map[string]RandState{"data": src}}); err != nil {
		t.Fatal(err)
	}

	resumed := newMLP(2)
	src2 := rand.NewPCG(0, 0)
	ck := Checkpoint{Params: resumed.params(), Optimizer: resumed.opt, RNG: map[string]RandState{"data": src2}}
	if err := Load(path, &ck); err != nil {
		t.Fatal(err)
	}
	rng2 := rand.New(src2)
	for s := ck.Step; s < steps; s++ {
		resumed.step(s, sched, rng2)
	}
	want, got := ref.params(), resumed.params()
	for i := range want {
		if !got[i].Value.Equal(want[i].Value) {
			t.Errorf("%s differs after resuming", want[i].Name)
		}
	}
}
