package main

import (
	"context"
	"math/rand/v2"
	"slices"

	"github.com/tenet-ml/tenet/examples/internal/charlm"
	"github.com/tenet-ml/tenet/lm"
	"github.com/tenet-ml/tenet/lm/task"
)

// mismatch measures how much on-policy data can differ from the fixed data on a task, the
// train/inference mismatch on-policy GKD is meant to remove.
type mismatch struct {
	// OnPrefix is the fraction of the states (output positions) of the student's own
	// samples (temperature 1) whose prefix is a prefix of the human solution: states that
	// supervised KD trains on as well. The other states follow a student error.
	OnPrefix float64
	// ValidOff is the fraction of those states that are off the human solution's prefix yet
	// still completable to a right solution (the task's ValidPrefix): the valid but unusual
	// states that only on-policy data visits. It is negative for a task without ValidPrefix.
	ValidOff float64
	// Errors is the number of problems the student gets wrong (greedy) and the teacher gets
	// right; Recovered is how many of them the teacher still solves (greedy) when it takes
	// over just after the student's first departure from the teacher's own greedy output.
	Errors, Recovered int
}

// measureMismatch computes the mismatch statistics of student against teacher on problems.
func measureMismatch(ctx context.Context, e charlm.Evaluator, teacher, student *lm.Transformer, problems []task.Problem, seed uint64) mismatch {
	var m mismatch
	prompts := make([][]int, len(problems))
	for i, p := range problems {
		prompts[i] = e.Format.Prompt(p)
	}
	stop := []int{e.Format.EOS}
	gen := func(model *lm.Transformer, ps [][]int, s lm.SamplingOptions, maxNew int) []lm.Generation {
		g, err := model.GenerateBatch(ctx, ps, lm.GenerateOptions{Sampling: s, MaxNewTokens: maxNew, StopTokens: stop},
			rand.New(rand.NewPCG(seed, 0x6d6d)))
		check(err)
		return g
	}

	// States of the student's samples on the human solution's prefix, and off it but valid.
	vp, hasValid := e.Task.(interface {
		ValidPrefix(task.Problem, string) bool
	})
	var on, validOff, all int
	for i, g := range gen(student, prompts, lm.SamplingOptions{Temperature: 1}, e.MaxNew) {
		human := e.Format.Completion(problems[i].Solution)
		k := 0 // length of the common prefix of sample and human solution
		for k < len(g.Tokens) && k < len(human) && g.Tokens[k] == human[k] {
			k++
		}
		// State t (predicting token t) has prefix g.Tokens[:t]: on the human prefix iff t ≤ k.
		on += min(k+1, len(g.Tokens))
		all += len(g.Tokens)
		if hasValid {
			for t := k + 1; t < len(g.Tokens); t++ {
				if vp.ValidPrefix(problems[i], e.Format.Solution(g.Tokens[:t])) {
					validOff++
				}
			}
		}
	}
	if all > 0 {
		m.OnPrefix = float64(on) / float64(all)
		m.ValidOff = float64(validOff) / float64(all)
	}
	if !hasValid {
		m.ValidOff = -1
	}

	// Teacher take-over just after the student's first departure.
	sg := gen(student, prompts, lm.SamplingOptions{}, e.MaxNew)
	tg := gen(teacher, prompts, lm.SamplingOptions{}, e.MaxNew)
	var cont [][]int
	var idx []int
	var prefixes [][]int
	for i, p := range problems {
		if e.Task.Verify(p, e.Format.Solution(sg[i].Tokens)) > 0 || e.Task.Verify(p, e.Format.Solution(tg[i].Tokens)) == 0 {
			continue
		}
		s, t := sg[i].Tokens, tg[i].Tokens
		k := 0
		for k < len(s) && k < len(t) && s[k] == t[k] {
			k++
		}
		if k >= len(s) || s[k] == e.Format.EOS {
			continue // the student stopped where the teacher went on: nothing to take over
		}
		pre := slices.Clone(s[:k+1])
		cont = append(cont, append(slices.Clone(prompts[i]), pre...))
		prefixes = append(prefixes, pre)
		idx = append(idx, i)
	}
	m.Errors = len(idx)
	if len(idx) == 0 {
		return m
	}
	for j, g := range gen(teacher, cont, lm.SamplingOptions{}, e.MaxNew) {
		out := append(slices.Clone(prefixes[j]), g.Tokens...)
		if e.Task.Verify(problems[idx[j]], e.Format.Solution(out)) > 0 {
			m.Recovered++
		}
	}
	return m
}
