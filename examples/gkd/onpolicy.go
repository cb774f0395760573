package main

import (
	"context"
	"math"
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
	prompts, gens := sampleOwn(ctx, e, student, problems, seed, 0x6f6e)
	outs := make([][]int, len(gens))
	for i, g := range gens {
		outs[i] = g.Tokens
	}
	return distill.MeanDivergence(teacher, student, prompts, outs, distill.NewForwardKL())
}

// sampleOwn returns the prompts of problems and one student solution per prompt, sampled at
// temperature 1 from the generator seeded with (seed, stream).
func sampleOwn(ctx context.Context, e charlm.Evaluator, student *lm.Transformer, problems []task.Problem, seed, stream uint64) ([][]int, []lm.Generation) {
	prompts := make([][]int, len(problems))
	for i, p := range problems {
		prompts[i] = e.Format.Prompt(p)
	}
	gens, err := student.GenerateBatch(ctx, prompts, lm.GenerateOptions{Sampling: lm.SamplingOptions{Temperature: 1}, MaxNewTokens: e.MaxNew,
		StopTokens: []int{e.Format.EOS}}, rand.New(rand.NewPCG(seed, stream)))
	check(err)
	return prompts, gens
}

// entropies holds mean next-token entropies (nats) along a student's own samples.
type entropies struct {
	// Student is the student's entropy at every state of its samples.
	Student float64
	// TeacherValid and TeacherInvalid are the teacher's entropy at the states whose prefix
	// can still be completed to a right solution and at those that cannot (NaN for a task
	// without ValidPrefix).
	TeacherValid, TeacherInvalid float64
}

// measureEntropies samples one solution per problem from student (temperature 1) and
// averages the entropies of student and teacher along the samples.
func measureEntropies(ctx context.Context, e charlm.Evaluator, teacher, student *lm.Transformer, problems []task.Problem, seed uint64) entropies {
	prompts, gens := sampleOwn(ctx, e, student, problems, seed, 0x656e)
	vp, hasValid := e.Task.(interface {
		ValidPrefix(task.Problem, string) bool
	})
	var hs, hv, hi float64
	var ns, nv, ni int
	for i, g := range gens {
		if len(g.Tokens) == 0 {
			continue
		}
		seq := append(append([]int(nil), prompts[i]...), g.Tokens...)
		in := seq[:len(seq)-1]
		srows := student.NewState().Append(in)
		trows := teacher.NewState().Append(in)
		for t := len(prompts[i]) - 1; t < len(in); t++ {
			hs += entropy(srows[t])
			ns++
			if hasValid {
				k := t - (len(prompts[i]) - 1) // output tokens before this state
				if vp.ValidPrefix(problems[i], e.Format.Solution(g.Tokens[:k])) {
					hv += entropy(trows[t])
					nv++
				} else {
					hi += entropy(trows[t])
					ni++
				}
			}
		}
	}
	return entropies{Student: hs / float64(max(ns, 1)), TeacherValid: hv / float64(nv), TeacherInvalid: hi / float64(ni)}
}

// entropy returns the entropy in nats of the softmax of logits, accumulated in float64.
func entropy(logits []float32) float64 {
	m := math.Inf(-1)
	for _, l := range logits {
		m = math.Max(m, float64(l))
	}
	var z, s float64
	for _, l := range logits {
		x := float64(l) - m
		w := math.Exp(x)
		z += w
		s += w * x
	}
	return math.Log(z) - s/z
}
