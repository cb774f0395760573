package main

import (
	"context"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/distill"
	"github.com/tenet-ml/tenet/examples/internal/charlm"
	"github.com/tenet-ml/tenet/lm"
	"github.com/tenet-ml/tenet/lm/task"
)

// onPolicyFKL returns the divergence on-policy GKD minimises, measured: the token-averaged
// forward KL from the teacher to the student along one student sample (temperature 1) per
// problem.
func onPolicyFKL(ctx context.Context, e charlm.Evaluator, teacher, student *lm.Transformer, problems []task.Problem, seed uint64) float64 {
	prompts := make([][]int, len(problems))
	for i, p := range problems {
		prompts[i] = e.Format.Prompt(p)
	}
	gens, err := student.GenerateBatch(ctx, prompts, lm.GenerateOptions{Sampling: lm.SamplingOptions{Temperature: 1}, MaxNewTokens: e.MaxNew,
		StopTokens: []int{e.Format.EOS}}, rand.New(rand.NewPCG(seed, 0x6f6e)))
	check(err)
	outs := make([][]int, len(gens))
	for i, g := range gens {
		outs[i] = g.Tokens
	}
	return distill.MeanDivergence(teacher, student, prompts, outs, distill.NewForwardKL())
}
