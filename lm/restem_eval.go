package lm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet"
	"github.com/tenet-ml/tenet/lm/task"
)

// Format says how the problems of a verifiable task become token sequences: the prompt is
// BOS (if any) followed by the tokens of Problem.Prompt; a completion is the tokens of a
// solution followed by EOS, and sampling stops at EOS. A Format is a plain value and safe for
// concurrent use if its Tokenizer is.
type Format struct {
	// Tokenizer turns text into tokens and back.
	Tokenizer Tokenizer
	// BOS, if non-negative, is the token every prompt starts with.
	BOS int
	// EOS ends every completion and stops generation.
	EOS int
}

// NewFormat returns the Format of a tokenizer with the usual special tokens: BOSToken
// (if the tokenizer has it) and EOSToken, which it must have.
func NewFormat(tok Tokenizer) (Format, error) {
	eos, ok := tok.TokenID(EOSToken)
	if !ok {
		return Format{}, fmt.Errorf("lm: NewFormat: the tokenizer has no %s token", EOSToken)
	}
	bos, ok := tok.TokenID(BOSToken)
	if !ok {
		bos = -1
	}
	return Format{Tokenizer: tok, BOS: bos, EOS: eos}, nil
}

// Prompt returns the tokens the model is conditioned on for p.
func (f Format) Prompt(p task.Problem) []int {
	var ids []int
	if f.BOS >= 0 {
		ids = append(ids, f.BOS)
	}
	return append(ids, f.Tokenizer.Encode(p.Prompt)...)
}

// Completion returns the training tokens of a solution: its tokens, then EOS.
func (f Format) Completion(solution string) []int {
	return append(f.Tokenizer.Encode(solution), f.EOS)
}

// Example returns the supervised example of p with the given solution.
func (f Format) Example(p task.Problem, solution string) SFTExample {
	return SFTExample{Prompt: f.Prompt(p), Completion: f.Completion(solution)}
}

// HumanExamples returns the supervised examples of the problems' human-written solutions
// (Problem.Solution): the limited human data a base model is fine-tuned on.
func (f Format) HumanExamples(problems []task.Problem) []SFTExample {
	out := make([]SFTExample, len(problems))
	for i, p := range problems {
		out[i] = f.Example(p, p.Solution)
	}
	return out
}

// Solution returns the text of generated tokens up to, not including, the first EOS. A
// generation that never reached EOS is returned whole (a verifier will usually reject it).
func (f Format) Solution(tokens []int) string {
	for i, t := range tokens {
		if t == f.EOS {
			tokens = tokens[:i]
			break
		}
	}
	return f.Tokenizer.Decode(tokens)
}

// Answerer extracts the normalised final answer of a solution, for majority voting;
// task.Task implementations have this method.
type Answerer interface {
	Answer(p task.Problem, solution string) (string, bool)
}

// EvalOptions configure Evaluate.
type EvalOptions struct {
	// Samples is the number n of sampled solutions per problem for pass@k and maj@n; 0 skips
	// sampling (only greedy pass@1 is measured).
	Samples int
	// K is the k of pass@k (1 ≤ K ≤ Samples); 0 means Samples.
	K int
	// Sampling is the distribution of the sampled solutions (the greedy pass uses
	// temperature 0).
	Sampling SamplingOptions
	// MaxNewTokens bounds the length of a solution; 0 means until EOS or MaxLen.
	MaxNewTokens int
	// Seed seeds the sampled solutions.
	Seed uint64
	// Progress, if not nil, reports finished generations.
	Progress func(done, total int)
}

// EvalResult holds the metrics of a model on a set of problems.
type EvalResult struct {
	// Problems is the number of problems.
	Problems int `json:"problems"`
	// Pass1 is the fraction solved by greedy decoding (the paper's pass@1).
	Pass1 float64 `json:"pass@1"`
	// PassK is the unbiased pass@K estimate from Samples sampled solutions (NaN without
	// samples).
	PassK float64 `json:"pass@k"`
	// SampleAccuracy is the fraction of sampled solutions that are correct (sampled pass@1;
	// NaN without samples).
	SampleAccuracy float64 `json:"sample_accuracy"`
	// Maj is maj@Samples, the fraction of problems whose majority answer among the samples
	// is right (NaN without samples or without an Answerer).
	Maj float64 `json:"maj@n"`
	// Correct[j] is the number of correct samples of problem j (nil without samples).
	Correct []int `json:"-"`
}

// Evaluate measures model on problems: greedy pass@1 and, with opts.Samples > 0, the
// unbiased pass@K and the majority-vote accuracy of Samples sampled solutions (maj@n needs
// answer; pass nil to skip it). Generation runs on all cores through Generate, which feeds
// each prompt once for all of its samples, and is deterministic for opts.Seed. It returns ctx's error if canceled.
func Evaluate(ctx context.Context, model Model, f Format, v tenet.Verifier[task.Problem, string], answer Answerer, problems []task.Problem, opts EvalOptions) (EvalResult, error) {
	res := EvalResult{Problems: len(problems), PassK: math.NaN(), SampleAccuracy: math.NaN(), Maj: math.NaN()}
	if len(problems) == 0 {
		return res, nil
	}
	k := opts.K
	if k == 0 {
		k = opts.Samples
	}
	if opts.Samples < 0 || (opts.Samples > 0 && (k < 1 || k > opts.Samples)) {
		return res, fmt.Errorf("lm: Evaluate: need 1 ≤ K ≤ Samples, got K=%d Samples=%d", opts.K, opts.Samples)
	}
	prompts := make([][]int, len(problems))
	for i, p := range problems {
		prompts[i] = f.Prompt(p)
	}
	total := len(problems) * (1 + opts.Samples)
	progress := func(offset int) func(int, int) {
		if opts.Progress == nil {
			return nil
		}
		return func(done, _ int) { opts.Progress(offset+done, total) }
	}
	greedy, err := Generate(ctx, model, prompts, GenerateOptions{
		MaxNewTokens: opts.MaxNewTokens, StopTokens: []int{f.EOS}, Progress: progress(0),
	}, rand.New(rand.NewPCG(opts.Seed, 0)))
	if err != nil {
		return res, err
	}
	solved := 0
	for i, g := range greedy {
		if v.Verify(problems[i], f.Solution(g.Tokens)) > 0 {
			solved++
		}
	}
	res.Pass1 = float64(solved) / float64(len(problems))
	if opts.Samples == 0 {
		return res, nil
	}
	n := opts.Samples
	gens, err := Generate(ctx, model, prompts, GenerateOptions{
		Sampling: opts.Sampling, MaxNewTokens: opts.MaxNewTokens, StopTokens: []int{f.EOS}, Samples: n, Progress: progress(len(problems)),
	}, rand.New(rand.NewPCG(opts.Seed, 1)))
	if err != nil {
		return res, err
	}
	res.Correct = make([]int, len(problems))
	majRight, allCorrect := 0, 0
	answers := make([]string, n)
	for j, p := range problems {
		for s := range n {
			sol := f.Solution(gens[j*n+s].Tokens)
			if v.Verify(p, sol) > 0 {
				res.Correct[j]++
			}
			if answer != nil {
				answers[s] = ""
				if a, ok := answer.Answer(p, sol); ok {
					answers[s] = a
				}
			}
		}
		allCorrect += res.Correct[j]
		if answer != nil {
			if a, votes := task.MajorityVote(answers); votes > 0 && a == p.Answer {
				majRight++
			}
		}
	}
	res.PassK = task.MeanPassAtK(n, res.Correct, k)
	res.SampleAccuracy = float64(allCorrect) / float64(n*len(problems))
	if answer != nil {
		res.Maj = float64(majRight) / float64(len(problems))
	}
	return res, nil
}
