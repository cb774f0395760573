// Package charlm holds what the language-model examples share: character-level GPT-2 models
// on lm's tasks, trained with supervised fine-tuning and cached on disk in the Hugging Face
// format, copied, and scored by greedy and sampled pass@1.
package charlm

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/tenet-ml/tenet/lm"
	"github.com/tenet-ml/tenet/lm/task"
)

// CachedSFT returns a transformer of shape cfg fine-tuned on train: loaded from dir/key if a
// checkpoint is there, else trained with lm.SFT and saved there. The validation loss is
// checked every twentieth of the run; training stops early after four checks without
// improvement, and the best weights are kept.
func CachedSFT(ctx context.Context, dir, key string, cfg lm.Config, train, val []lm.SFTExample, steps int, lr float64, seed uint64, pad int, logf func(string, ...any)) (*lm.Transformer, error) {
	path := ""
	if dir != "" {
		path = filepath.Join(dir, key)
		if m, err := lm.LoadGPT2(path); err == nil {
			if m.Config().Layers == cfg.Layers && m.Config().Width == cfg.Width && m.VocabSize() == cfg.VocabSize && m.MaxLen() == cfg.MaxLen {
				logf("loaded %s", path)
				return m, nil
			}
		}
	}
	m := lm.NewTransformer(cfg, rand.New(rand.NewPCG(seed, uint64(cfg.Layers*1000+cfg.Width))))
	sc := lm.DefaultSFTConfig(steps)
	sc.LR, sc.MinLR = lr, lr/10
	sc.Seed, sc.PadToken = seed, pad
	sc.EvalEvery = max(1, steps/20)
	sc.Patience = 4
	sc.RestoreBest = true
	sc.Eval = func(ctx context.Context, step int) (float64, error) {
		return -lm.CompletionLoss(m, val, 64, pad), nil
	}
	sc.Progress = func(p lm.SFTProgress) {
		if p.Step%20 == 0 || p.Step == p.Steps {
			fmt.Fprintf(os.Stderr, "\r  %s step %d/%d loss %.3f", key, p.Step, p.Steps, p.Loss)
			if p.Evaluated {
				fmt.Fprintf(os.Stderr, " val loss %.3f", -p.Score)
			}
		}
	}
	logf("training %s (%d layers, width %d, %d steps)", key, cfg.Layers, cfg.Width, steps)
	res, err := lm.SFT(ctx, m, train, sc)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(os.Stderr)
	logf("%s: best validation loss %.4f at step %d of %d", key, -res.BestScore, res.BestStep, res.Steps)
	if path != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := lm.SaveGPT2(path, m); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Clone returns a copy of m with its own parameters.
func Clone(m *lm.Transformer) *lm.Transformer {
	c := lm.NewTransformer(m.Config(), rand.New(rand.NewPCG(0, 0)))
	src, dst := m.Params(), c.Params()
	for i := range src {
		copy(dst[i].Var.Value.Data(), src[i].Var.Value.Data())
	}
	return c
}

// Evaluator scores models on a task's problems by verifying their decoded solutions. Its
// methods panic if generation fails, which happens only on a cancelled context or invalid
// options: a programming error in an example.
type Evaluator struct {
	// Task verifies solutions.
	Task task.Task
	// Format turns problems into prompts and tokens into solutions.
	Format lm.Format
	// MaxNew bounds the tokens generated per solution.
	MaxNew int
}

// Greedy returns the fraction of problems whose greedy solution is right (greedy pass@1).
func (e Evaluator) Greedy(ctx context.Context, m *lm.Transformer, problems []task.Problem) float64 {
	return e.accuracy(ctx, m, problems, 1, lm.SamplingOptions{}, 0)
}

// Sampled returns the fraction of right solutions among n samples per problem at
// temperature 1 (sampled pass@1).
func (e Evaluator) Sampled(ctx context.Context, m *lm.Transformer, problems []task.Problem, n int, seed uint64) float64 {
	if n < 1 {
		return 0
	}
	return e.accuracy(ctx, m, problems, n, lm.SamplingOptions{Temperature: 1}, seed)
}

func (e Evaluator) accuracy(ctx context.Context, m *lm.Transformer, problems []task.Problem, n int, s lm.SamplingOptions, seed uint64) float64 {
	prompts := make([][]int, 0, n*len(problems))
	for _, p := range problems {
		for range n {
			prompts = append(prompts, e.Format.Prompt(p))
		}
	}
	gens, err := m.GenerateBatch(ctx, prompts, lm.GenerateOptions{Sampling: s, MaxNewTokens: e.MaxNew, StopTokens: []int{e.Format.EOS}},
		rand.New(rand.NewPCG(seed, 0x65766c)))
	if err != nil {
		panic("charlm: Evaluator: " + err.Error())
	}
	var right float64
	for i, g := range gens {
		right += float64(e.Task.Verify(problems[i/n], e.Format.Solution(g.Tokens)))
	}
	return right / float64(len(gens))
}

// SameProblemSplits draws the splits of t with sizes from the seed's generator, as the examples
// draw their main splits, and checks that the training problems have ref's prompts: the same
// problems, solved another way (task.FreeOrderOptions.InOrder draws the same problems as a
// random order).
func SameProblemSplits(t task.Task, sizes task.SplitSizes, seed uint64, ref task.Splits) (task.Splits, error) {
	s, err := task.MakeSplits(t, sizes, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		return s, err
	}
	if len(s.Train) != len(ref.Train) {
		return s, fmt.Errorf("charlm: SameProblemSplits: %d training problems, the reference has %d", len(s.Train), len(ref.Train))
	}
	for i, p := range s.Train {
		if p.Prompt != ref.Train[i].Prompt {
			return s, fmt.Errorf("charlm: SameProblemSplits: training problem %d is %q, the reference's is %q", i, p.Prompt, ref.Train[i].Prompt)
		}
	}
	return s, nil
}
