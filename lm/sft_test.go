package lm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/tenet-ml/tenet/autodiff"
)

// tinyConfig is a model small enough for fast tests.
func tinyConfig(vocab int) Config {
	return Config{VocabSize: vocab, MaxLen: 16, Layers: 1, Heads: 2, Width: 16}
}

// copyData is a toy task over a vocabulary of 12: prompt [1, a, b, c, 3], completion
// [c, b, a, 2] (reverse three symbols from 4..11, then the end token 2).
func copyData(n int, seed uint64) []SFTExample {
	r := rand.New(rand.NewPCG(seed, 7))
	data := make([]SFTExample, n)
	for i := range data {
		a, b, c := 4+r.IntN(8), 4+r.IntN(8), 4+r.IntN(8)
		data[i] = SFTExample{Prompt: []int{1, a, b, c, 3}, Completion: []int{c, b, a, 2}}
	}
	return data
}

func TestSFTLossDecreases(t *testing.T) {
	m := NewTransformer(tinyConfig(12), rand.New(rand.NewPCG(1, 2)))
	train, val := copyData(256, 1), copyData(64, 2)
	before := CompletionLoss(m, val, 32, 0)
	cfg := DefaultSFTConfig(400)
	cfg.LR = 3e-3
	cfg.BatchSize = 16
	var seen int
	cfg.Progress = func(p SFTProgress) {
		seen++
		if p.Step != seen || math.IsNaN(p.Loss) {
			t.Fatalf("progress %+v after %d calls", p, seen-1)
		}
	}
	res, err := SFT(context.Background(), m, train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	after := CompletionLoss(m, val, 32, 0)
	if res.Steps != 400 || seen != 400 {
		t.Fatalf("steps %d, progress calls %d", res.Steps, seen)
	}
	// Uniform guessing over 12 tokens costs ln 12 ≈ 2.48 nats; the completion is learnable.
	if !(after < 0.6*before) {
		t.Fatalf("validation loss %.3f → %.3f: did not decrease enough", before, after)
	}
}

func TestFillSequenceMasksPrompt(t *testing.T) {
	ex := SFTExample{Prompt: []int{1, 5, 6}, Completion: []int{7, 8, 2}}
	ids, targets, mask := make([]int, 7), make([]int, 7), make([]float32, 7)
	fillSequence(ids, targets, mask, ex, 0)
	wantIDs := []int{1, 5, 6, 7, 8, 0, 0}
	wantT := []int{5, 6, 7, 8, 2, 0, 0}
	wantM := []float32{0, 0, 1, 1, 1, 0, 0}
	for i := range ids {
		if ids[i] != wantIDs[i] || targets[i] != wantT[i] || mask[i] != wantM[i] {
			t.Fatalf("position %d: id %d target %d mask %g; want %d %d %g", i, ids[i], targets[i], mask[i], wantIDs[i], wantT[i], wantM[i])
		}
	}
}

// TestSFTPromptGetsNoGradient checks that the trainer's loss is exactly cross-entropy on the
// completion targets: its gradient equals that of the loss with every prompt and padding
// target ignored, and it does not change when the prompt targets are replaced.
func TestSFTPromptGetsNoGradient(t *testing.T) {
	data := copyData(4, 3)
	grads := func(m *Transformer, ignorePrompt bool, scramble bool) []float32 {
		cfg := DefaultSFTConfig(1)
		cfg.BatchSize = 4
		tr, err := NewSFTTrainer(m, data, cfg)
		if err != nil {
			t.Fatal(err)
		}
		tr.fillBatch(0)
		ids := append([]int(nil), tr.ids...)
		targets := append([]int(nil), tr.targets...)
		mask := tr.mask
		for i := range targets {
			if tr.mask[i] == 0 {
				if ignorePrompt {
					targets[i] = autodiff.IgnoreIndex
				}
				if scramble {
					targets[i] = (targets[i] + 5) % 12
				}
			}
		}
		if ignorePrompt {
			mask = nil
		}
		tp := autodiff.NewTape()
		autodiff.ZeroGrad(m.Params())
		tp.Backward(m.Loss(tp, ids, targets, mask, 4))
		var g []float32
		for _, p := range m.Params() {
			g = append(g, p.Grad.Data()...)
		}
		return g
	}
	m := NewTransformer(tinyConfig(12), rand.New(rand.NewPCG(4, 5)))
	masked := grads(m, false, false)
	ignored := grads(m, true, false)
	scrambled := grads(m, false, true)
	for i := range masked {
		if d := math.Abs(float64(masked[i] - ignored[i])); d > 1e-6 {
			t.Fatalf("gradient %d: masked %g, prompt ignored %g", i, masked[i], ignored[i])
		}
		if masked[i] != scrambled[i] {
			t.Fatalf("gradient %d changed with the prompt targets: %g vs %g", i, masked[i], scrambled[i])
		}
	}
}

func TestSFTResumeIsBitIdentical(t *testing.T) {
	for _, replicas := range []int{1, 2} {
		t.Run(fmt.Sprintf("replicas=%d", replicas), func(t *testing.T) { testSFTResume(t, replicas) })
	}
}

func testSFTResume(t *testing.T, replicas int) {
	train, val := copyData(64, 5), copyData(16, 6)
	const steps = 20
	newRun := func(seed uint64) (*Transformer, *SFTTrainer) {
		m := NewTransformer(tinyConfig(12), rand.New(rand.NewPCG(seed, 9)))
		cfg := DefaultSFTConfig(steps)
		cfg.BatchSize = 12 // not a divisor of 64: batches straddle epochs
		cfg.WarmupSteps = 3
		cfg.Seed = 11
		cfg.EvalEvery = 4
		cfg.RestoreBest = true
		cfg.Replicas = replicas
		cfg.Eval = func(context.Context, int) (float64, error) { return -CompletionLoss(m, val, 16, 0), nil }
		tr, err := NewSFTTrainer(m, train, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return m, tr
	}
	ctx := context.Background()
	mA, a := newRun(1)
	resA, err := a.Train(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// The first half runs through Train (so its evaluations happen) and is cut by cancellation.
	_, b := newRun(1)
	ctxB, cancel := context.WithCancel(ctx)
	b.cfg.Progress = func(p SFTProgress) {
		if p.Step == steps/2 {
			cancel()
		}
	}
	if _, err := b.Train(ctxB); !errors.Is(err, context.Canceled) {
		t.Fatalf("Train after cancel: %v", err)
	}
	if b.StepCount() != steps/2 {
		t.Fatalf("stopped at step %d", b.StepCount())
	}
	path := filepath.Join(t.TempDir(), "sft.safetensors")
	if err := b.Save(path); err != nil {
		t.Fatal(err)
	}
	mC, c := newRun(2) // different initial weights: all must come from the checkpoint
	if err := c.Load(path); err != nil {
		t.Fatal(err)
	}
	resC, err := c.Train(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pa, pc := mA.Params(), mC.Params()
	for i := range pa {
		da, dc := pa[i].Value.Data(), pc[i].Value.Data()
		for j := range da {
			if math.Float32bits(da[j]) != math.Float32bits(dc[j]) {
				t.Fatalf("%s[%d]: straight %v, resumed %v", pa[i].Name, j, da[j], dc[j])
			}
		}
	}
	if resA.FinalLoss != resC.FinalLoss || resA.BestStep != resC.BestStep || len(resA.Evals) != len(resC.Evals) {
		t.Fatalf("results differ: %+v vs %+v", resA, resC)
	}
	for i := range resA.Evals {
		if resA.Evals[i] != resC.Evals[i] {
			t.Fatalf("evaluation %d: %+v vs %+v", i, resA.Evals[i], resC.Evals[i])
		}
	}
}

func TestSFTEarlyStoppingRestoresBest(t *testing.T) {
	m := NewTransformer(tinyConfig(12), rand.New(rand.NewPCG(1, 2)))
	scores := []float64{1, 3, 2, 2, 2, 9}
	var calls int
	var atBest []float32
	cfg := DefaultSFTConfig(60)
	cfg.EvalEvery = 5
	cfg.Patience = 3
	cfg.RestoreBest = true
	cfg.Eval = func(_ context.Context, step int) (float64, error) {
		s := scores[calls]
		calls++
		if s == 3 {
			atBest = append([]float32(nil), m.Params()[0].Value.Data()...)
		}
		return s, nil
	}
	res, err := SFT(context.Background(), m, copyData(32, 1), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.EarlyStopped || res.Steps != 25 || res.BestStep != 10 || res.BestScore != 3 || calls != 5 {
		t.Fatalf("result %+v after %d evaluations", res, calls)
	}
	for j, v := range m.Params()[0].Value.Data() {
		if v != atBest[j] {
			t.Fatalf("parameter %d is %v, best was %v", j, v, atBest[j])
		}
	}
}

func TestSFTErrors(t *testing.T) {
	m := NewTransformer(tinyConfig(12), rand.New(rand.NewPCG(1, 2)))
	ok := copyData(4, 1)
	for name, c := range map[string]struct {
		data []SFTExample
		cfg  SFTConfig
	}{
		"no steps":     {ok, SFTConfig{}},
		"no data":      {nil, DefaultSFTConfig(5)},
		"empty prompt": {[]SFTExample{{Completion: []int{2}}}, DefaultSFTConfig(5)},
		"bad token":    {[]SFTExample{{Prompt: []int{1}, Completion: []int{12}}}, DefaultSFTConfig(5)},
		"too long":     {[]SFTExample{{Prompt: make([]int, 10), Completion: make([]int, 10)}}, DefaultSFTConfig(5)},
		"patience":     {ok, SFTConfig{Steps: 5, Patience: 2}},
		"replicas":     {ok, SFTConfig{Steps: 5, Replicas: -1}},
	} {
		if _, err := NewSFTTrainer(m, c.data, c.cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestSFTStepAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	m := NewTransformer(tinyConfig(12), rand.New(rand.NewPCG(1, 2)))
	tr, err := NewSFTTrainer(m, copyData(64, 1), DefaultSFTConfig(1000))
	if err != nil {
		t.Fatal(err)
	}
	tr.Step()
	tr.Step()
	// The trainer reuses its tape and batch buffers; the only allocations left are a few
	// small ones inside the parallel layer-norm and GELU kernels of package tensor, a fixed
	// number per step whatever the batch size.
	if a := testing.AllocsPerRun(20, func() { tr.Step() }); a > 16 {
		t.Errorf("a training step allocates %v times", a)
	}
}

// TestSFTReplicasTakeTheSameSteps checks that data-parallel steps follow the one-tape steps:
// the same batch losses up to the order of floating-point additions.
func TestSFTReplicasTakeTheSameSteps(t *testing.T) {
	var losses [2][]float64
	for k, replicas := range []int{1, 3} {
		m := NewTransformer(tinyConfig(12), rand.New(rand.NewPCG(1, 2)))
		cfg := DefaultSFTConfig(10)
		cfg.BatchSize = 8
		cfg.Replicas = replicas
		tr, err := NewSFTTrainer(m, copyData(64, 1), cfg)
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			losses[k] = append(losses[k], tr.Step())
		}
	}
	for i := range losses[0] {
		if math.Abs(losses[0][i]-losses[1][i]) > 1e-4 {
			t.Fatalf("step %d: loss %v on one tape, %v on 3 replicas", i+1, losses[0][i], losses[1][i])
		}
	}
}
