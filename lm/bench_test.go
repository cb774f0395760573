package lm

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/optim"
)

// benchConfigs are the two nanoGPT configurations of the speed targets, with their batch
// size: "cpu" from nanoGPT's README and shakespeare-char.
var benchConfigs = []struct {
	name  string
	cfg   Config
	batch int
}{
	{"nanogpt-cpu", Config{VocabSize: 65, MaxLen: 64, Layers: 4, Heads: 4, Width: 128}, 12},
	{"shakespeare-char", Config{VocabSize: 65, MaxLen: 256, Layers: 6, Heads: 6, Width: 384}, 12},
}

// BenchmarkTrainStep times one training step on batch×MaxLen tokens: forward, fused
// cross-entropy, backward, AdamW update. The forward and backward passes run data-parallel
// (LossBackward) with one replica per processor, as SFTConfig.Replicas sets up for the
// trainer; BenchmarkTrainStepOneTape is the same step on one tape whose kernels split
// across processors. It reports tokens/s.
func BenchmarkTrainStep(b *testing.B) { benchTrainStep(b, true) }

// BenchmarkTrainStepOneTape is BenchmarkTrainStep with Loss and Backward on one tape.
func BenchmarkTrainStepOneTape(b *testing.B) { benchTrainStep(b, false) }

func benchTrainStep(b *testing.B, replicated bool) {
	for _, bc := range benchConfigs {
		b.Run(bc.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			m := NewTransformer(bc.cfg, rng)
			n := bc.batch * bc.cfg.MaxLen
			ids := randomIDs(n, bc.cfg.VocabSize, 3)
			targets := randomIDs(n, bc.cfg.VocabSize, 4)
			opt := optim.NewAdamW(m.Params(), optim.AdamConfig{LR: 1e-3, WeightDecay: 0.1, Decay: optim.DecayMatrices})
			tp := autodiff.NewTape()
			dp := autodiff.NewDataParallel(m.Params(), runtime.GOMAXPROCS(0))
			step := func() {
				opt.ZeroGrad()
				if replicated {
					m.LossBackward(dp, ids, targets, nil, bc.batch)
				} else {
					tp.Reset()
					tp.Backward(m.Loss(tp, ids, targets, nil, bc.batch))
				}
				opt.Step()
			}
			step()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				step()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

// BenchmarkGenerate times batch-1 decoding with the KV cache: from a one-token prompt, MaxLen
// tokens sampled at temperature 1 (as the PyTorch anchor does). It reports tokens/s.
func BenchmarkGenerate(b *testing.B) {
	for _, bc := range benchConfigs {
		b.Run(bc.name, func(b *testing.B) {
			m := NewTransformer(bc.cfg, rand.New(rand.NewPCG(1, 2)))
			rng := rand.New(rand.NewPCG(5, 6))
			opts := SamplingOptions{Temperature: 1}
			st := m.NewState()
			var dist []float32
			tok := []int{0}
			gen := func() {
				st.Truncate(0)
				tok[0] = 0
				for range bc.cfg.MaxLen {
					logits := st.Append(tok)[0]
					dist = Distribution(dist, logits, opts)
					tok[0] = Sample(dist, rng)
				}
			}
			gen()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				gen()
			}
			b.ReportMetric(float64(bc.cfg.MaxLen*b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

// BenchmarkGenerateBatch times Transformer.GenerateBatch on GenerateBatchRows one-token
// prompts, each continued by MaxLen/2 tokens at temperature 1: decoding many sequences at once,
// with each weight read once per step for all of them. It reports generated tokens/s.
func BenchmarkGenerateBatch(b *testing.B) {
	for _, bc := range benchConfigs {
		b.Run(bc.name, func(b *testing.B) {
			m := NewTransformer(bc.cfg, rand.New(rand.NewPCG(1, 2)))
			prompts := make([][]int, GenerateBatchRows)
			for i := range prompts {
				prompts[i] = []int{i % bc.cfg.VocabSize}
			}
			opts := GenerateOptions{Sampling: SamplingOptions{Temperature: 1}, MaxNewTokens: bc.cfg.MaxLen / 2}
			rng := rand.New(rand.NewPCG(5, 6))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := m.GenerateBatch(context.Background(), prompts, opts, rng); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(prompts)*opts.MaxNewTokens*b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}
