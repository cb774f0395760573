package lm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tenet-ml/tenet"
	"github.com/tenet-ml/tenet/lm/task"
)

// ReSTEMConfig configures a ReSTEM run. The paper's settings (Singh et al., 2023) are 32
// samples per problem for MATH and 64 for APPS, at most 10 correct solutions kept per
// problem, temperature 0.7 with top-k 40, and about three iterations; DefaultReSTEMConfig
// scales the sample count down for a CPU and keeps the rest.
type ReSTEMConfig struct {
	// Iterations is the number of E-step/M-step rounds.
	Iterations int `json:"iterations"`
	// Samples is N, the number of solutions sampled per training problem in each E-step.
	Samples int `json:"samples"`
	// MaxPerProblem is K, the largest number of correct solutions kept per problem, so that
	// easy problems do not dominate the fine-tuning set. 0 means no cap.
	MaxPerProblem int `json:"max_per_problem"`
	// Sampling is the E-step's sampling distribution (the paper: temperature 0.7, top-k 40).
	Sampling SamplingOptions `json:"sampling"`
	// MaxNewTokens bounds the length of every generated solution; 0 means until EOS or the
	// model's MaxLen.
	MaxNewTokens int `json:"max_new_tokens"`
	// MStep configures the fine-tuning of the base model on the kept samples. Its Seed, Eval,
	// RestoreBest and PadToken are set by the run; EvalEvery and Patience (both required)
	// make the early stopping on validation reward, and Steps is the most steps an M-step may
	// take.
	MStep SFTConfig `json:"m_step"`
	// EvalSamples is the number n of sampled solutions per test problem for pass@k and
	// maj@n (0 evaluates greedy pass@1 only); EvalK is the k of pass@k (0 means EvalSamples).
	EvalSamples int `json:"eval_samples"`
	EvalK       int `json:"eval_k"`
	// TrainEvalProblems is how many problems of the training pool (the first ones) the train
	// pass@1 is measured on; 0 means all.
	TrainEvalProblems int `json:"train_eval_problems"`
	// Seed makes the run deterministic.
	Seed uint64 `json:"seed"`
	// Dir, if not empty, is where every finished iteration is checkpointed (model and kept
	// set) and where an interrupted run resumes from. See ReSTEM.Run.
	Dir string `json:"-"`
	// Progress, if not nil, is called as the run advances, from the calling goroutine or
	// serialised from Generate's workers.
	Progress func(ReSTEMProgress) `json:"-"`
}

// DefaultReSTEMConfig returns CPU-scale settings: 3 iterations, N = 8 samples per problem,
// K = 10 kept per problem (the paper's cap), temperature 0.7 and top-k 40 (the paper's),
// solutions of at most 64 tokens, an M-step of at most 800 steps evaluated every 50 steps on
// the validation split and stopped after 3 evaluations without improvement, and test
// pass@4 and maj@8 from 8 samples per problem.
func DefaultReSTEMConfig() ReSTEMConfig {
	ms := DefaultSFTConfig(800)
	ms.WarmupSteps = 50
	ms.EvalEvery = 50
	ms.Patience = 3
	return ReSTEMConfig{
		Iterations:    3,
		Samples:       8,
		MaxPerProblem: 10,
		Sampling:      SamplingOptions{Temperature: 0.7, TopK: 40},
		MaxNewTokens:  64,
		MStep:         ms,
		EvalSamples:   8,
		EvalK:         4,
	}
}

// ReSTEMProgress reports the progress of a run.
type ReSTEMProgress struct {
	// Iteration is the current iteration (0 while the base model is evaluated).
	Iteration int
	// Phase is "sample" (E-step), "train" (M-step), "eval" or "done" (an iteration ended;
	// Result holds its record).
	Phase string
	// Done and Total count generations in the sample and eval phases and steps in the
	// train phase.
	Done, Total int
	// Loss and Score are the M-step's last batch loss and, when Evaluated, its validation
	// pass@1.
	Loss      float64
	Evaluated bool
	Score     float64
	// Result is the record of the iteration that just ended (phase "done").
	Result *ReSTEMIteration
}

// ReSTEMIteration is the record of one iteration; iteration 0 is the base model.
type ReSTEMIteration struct {
	// Iteration is the iteration number, 0 for the base model.
	Iteration int `json:"iteration"`
	// Samples is the number of E-step samples drawn; Correct how many the verifier accepted;
	// Kept how many distinct correct ones were kept (at most MaxPerProblem per problem);
	// ProblemsKept the number of training problems with at least one kept solution. The
	// E-step of iteration i samples from the model of iteration i−1.
	Samples      int `json:"samples"`
	Correct      int `json:"correct"`
	Kept         int `json:"kept"`
	ProblemsKept int `json:"problems_kept"`
	// MStepSteps is the number of M-step training steps taken; BestStep the step whose
	// weights were kept (best validation pass@1).
	MStepSteps int `json:"m_step_steps"`
	BestStep   int `json:"best_step"`
	// ValPass1 is greedy pass@1 on the validation split.
	ValPass1 float64 `json:"val_pass@1"`
	// Train holds greedy pass@1 on the training pool (TrainEvalProblems of it).
	Train EvalResult `json:"train"`
	// Test holds greedy pass@1, pass@k and maj@n on the test split.
	Test EvalResult `json:"test"`
	// Seconds is the wall time of the iteration.
	Seconds float64 `json:"seconds"`
}

// ReSTEMResult is the outcome of a run.
type ReSTEMResult struct {
	// Iterations holds the base model's record and one per iteration, in order.
	Iterations []ReSTEMIteration
	// Model is the model of the last iteration (the base model if no iteration ran).
	Model *Transformer
	// Kept holds the fine-tuning set of the last iteration.
	Kept []KeptSolution
	// Resumed is the number of iterations loaded from checkpoints rather than run.
	Resumed int
}

// KeptSolution is one correct sampled solution of the fine-tuning set.
type KeptSolution struct {
	// Problem is the index of the problem in the training pool.
	Problem int `json:"problem"`
	// Solution is the solution text (without the end token).
	Solution string `json:"solution"`
}

// ReSTEM is Expectation-Maximization self-training with binary feedback, ReST-EM (Singh et
// al., "Beyond Human Data: Scaling Self-Training for Problem-Solving with Language Models",
// arXiv 2312.06585): a language model improves beyond its limited human-written data by
// repeatedly sampling solutions to training problems, keeping those a verifier accepts, and
// fine-tuning on them.
//
// Run performs Algorithm 1 of the paper. Starting from the base model (usually fine-tuned
// on a small set of human-written solutions), each iteration i = 1 … Iterations
//
//   - E-step (generate): samples Samples solutions to every problem of Data.Train from the
//     current model (the base model at i = 1, the model of iteration i−1 afterwards) with
//     the configured temperature and top-k, in parallel on all cores; scores each with the
//     Verifier (binary reward: accepted if Verify > 0); keeps the correct ones, dropping
//     duplicates — identical solution texts of one problem are kept once, so a problem the
//     model solves the same way every time does not weigh more — and keeping at most
//     MaxPerProblem distinct solutions per problem (the first ones in sampling order, which
//     is a uniformly random subset since samples are independent); a solution whose
//     re-encoded text would not fit the model's context is dropped;
//   - M-step (improve): fine-tunes a fresh copy of the base model — not the previous iterate,
//     as the paper prescribes, which limits drift and overfitting — on the kept set with
//     next-token loss on the solution tokens only (SFTTrainer), evaluating greedy pass@1 on
//     Data.Validation every MStep.EvalEvery steps, stopping after MStep.Patience
//     evaluations without improvement and keeping the best-scoring weights;
//   - evaluation: greedy pass@1 on the training pool (as the paper plots train reward) and,
//     on Data.Test, greedy pass@1 (the paper's headline number), the unbiased pass@k and the
//     majority-vote accuracy maj@n of EvalSamples sampled solutions.
//
// The base model is evaluated the same way as iteration 0. No human data enters an M-step:
// the fine-tuning set is model samples only. If nothing is kept, the iteration's model is
// the base model.
//
// A run is deterministic for a seed, whatever the number of cores: every random choice
// (sampling, minibatch order) is seeded from Config.Seed and the iteration number.
// With Config.Dir set, each finished iteration writes iter-NN.safetensors (model weights and
// the records so far) and iter-NN-kept.json (its fine-tuning set); iteration 0 stores the
// base weights, which a resumed run checks against its Base. Run resumes after the last
// iteration whose checkpoint loads, with the same results as an uninterrupted run.
//
// A ReSTEM value is not safe for concurrent use; Run only reads Base.
type ReSTEM struct {
	// Base is the base model every M-step starts from. It is not modified.
	Base *Transformer
	// Format turns problems and solutions into tokens.
	Format Format
	// Verifier scores a solution: accepted if Verify > 0.
	Verifier tenet.Verifier[task.Problem, string]
	// Answer normalises final answers for maj@n; nil uses the Verifier if it is an Answerer
	// (every task.Task is) and otherwise skips maj@n.
	Answer Answerer
	// Data holds the training pool (problems with final answers only: their Solution is
	// never read), the validation split for early stopping and the test split.
	Data task.Splits
	// Config holds the settings.
	Config ReSTEMConfig
}

// mstepHook, if set by a test, sees the model of every M-step just before training.
var mstepHook func(iteration int, m *Transformer)

// Run executes the ReST-EM loop and returns the records of the base model and of every
// iteration, the final model and its fine-tuning set. If ctx is canceled, Run returns the
// records so far with ctx's error; with Config.Dir set, a later Run resumes after the last
// finished iteration.
func (r *ReSTEM) Run(ctx context.Context) (*ReSTEMResult, error) {
	cfg := r.Config
	if err := r.check(); err != nil {
		return nil, err
	}
	answer := r.Answer
	if answer == nil {
		answer, _ = r.Verifier.(Answerer)
	}
	res := &ReSTEMResult{Model: r.Base}
	start := 0
	if cfg.Dir != "" {
		recs, model, kept, err := r.resume()
		if err != nil {
			return nil, err
		}
		if len(recs) > 0 {
			res.Iterations, res.Kept, res.Resumed = recs, kept, len(recs)
			if model != nil {
				res.Model = model
			}
			start = len(recs)
		}
	}
	for it := start; it <= cfg.Iterations; it++ {
		t0 := time.Now()
		rec := ReSTEMIteration{Iteration: it, BestStep: -1}
		model := r.Base
		var kept []KeptSolution
		if it > 0 {
			var err error
			kept, err = r.eStep(ctx, res.Model, it, &rec)
			if err != nil {
				return res, err
			}
			model, err = r.mStep(ctx, kept, it, &rec)
			if err != nil {
				return res, err
			}
		}
		if err := r.evaluate(ctx, model, answer, it, &rec); err != nil {
			return res, err
		}
		rec.Seconds = time.Since(t0).Seconds()
		res.Iterations = append(res.Iterations, rec)
		res.Model, res.Kept = model, kept
		if cfg.Dir != "" {
			if err := r.save(it, model, kept, res.Iterations); err != nil {
				return res, err
			}
		}
		if cfg.Progress != nil {
			cfg.Progress(ReSTEMProgress{Iteration: it, Phase: "done", Result: &res.Iterations[len(res.Iterations)-1]})
		}
	}
	return res, nil
}

func (r *ReSTEM) check() error {
	cfg := r.Config
	switch {
	case r.Base == nil || r.Verifier == nil || r.Format.Tokenizer == nil:
		return errors.New("lm: ReSTEM: Base, Format.Tokenizer and Verifier are required")
	case cfg.Iterations < 0 || cfg.Samples < 1 || cfg.MaxPerProblem < 0:
		return fmt.Errorf("lm: ReSTEM: need Iterations ≥ 0, Samples ≥ 1, MaxPerProblem ≥ 0 (got %d, %d, %d)", cfg.Iterations, cfg.Samples, cfg.MaxPerProblem)
	case cfg.MStep.EvalEvery < 1 || cfg.MStep.Patience < 1 || cfg.MStep.Steps < 1:
		return errors.New("lm: ReSTEM: MStep needs Steps, EvalEvery and Patience ≥ 1 (early stopping on validation reward)")
	case len(r.Data.Train) == 0 || len(r.Data.Validation) == 0:
		return errors.New("lm: ReSTEM: the training pool and the validation split must not be empty")
	case r.Format.EOS < 0 || r.Format.EOS >= r.Base.VocabSize():
		return fmt.Errorf("lm: ReSTEM: EOS %d outside the vocabulary", r.Format.EOS)
	}
	return nil
}

// progress forwards generation progress.
func (r *ReSTEM) progress(it int, phase string) func(done, total int) {
	if r.Config.Progress == nil {
		return nil
	}
	return func(done, total int) {
		r.Config.Progress(ReSTEMProgress{Iteration: it, Phase: phase, Done: done, Total: total})
	}
}

// seed derives the seed of one use of randomness in iteration it.
func (r *ReSTEM) seed(it int, use uint64) *rand.Rand {
	return rand.New(rand.NewPCG(r.Config.Seed^0x5EED_0F_4E57, uint64(it)<<8|use))
}

// eStep samples, verifies and filters solutions to the training pool.
func (r *ReSTEM) eStep(ctx context.Context, model *Transformer, it int, rec *ReSTEMIteration) ([]KeptSolution, error) {
	cfg, f := r.Config, r.Format
	prompts := make([][]int, len(r.Data.Train))
	for i, p := range r.Data.Train {
		prompts[i] = f.Prompt(p)
	}
	// Each prompt is fed once and its Samples continuations start from it.
	gens, err := Generate(ctx, model, prompts, GenerateOptions{
		Sampling: cfg.Sampling, MaxNewTokens: cfg.MaxNewTokens, StopTokens: []int{f.EOS},
		Samples: cfg.Samples, Progress: r.progress(it, "sample"),
	}, r.seed(it, 1))
	if err != nil {
		return nil, err
	}
	return r.filter(gens, rec), nil
}

// filter scores the E-step samples (problem j's samples at j·N … j·N+N−1) and returns the
// distinct correct ones, at most MaxPerProblem per problem, in problem then sample order.
func (r *ReSTEM) filter(gens []Generation, rec *ReSTEMIteration) []KeptSolution {
	n := r.Config.Samples
	var kept []KeptSolution
	seen := map[string]bool{}
	for j, p := range r.Data.Train {
		clear(seen)
		k := 0
		for s := range n {
			sol := r.Format.Solution(gens[j*n+s].Tokens)
			rec.Samples++
			if r.Verifier.Verify(p, sol) <= 0 {
				continue
			}
			rec.Correct++
			if seen[sol] || (r.Config.MaxPerProblem > 0 && k >= r.Config.MaxPerProblem) {
				continue
			}
			// A solution whose text does not re-encode within the context (special tokens
			// decoded as their spellings, say) cannot be trained on.
			if len(r.Format.Prompt(p))+len(r.Format.Completion(sol))-1 > r.Base.MaxLen() {
				continue
			}
			seen[sol] = true
			kept = append(kept, KeptSolution{Problem: j, Solution: sol})
			k++
		}
		if k > 0 {
			rec.ProblemsKept++
		}
	}
	rec.Kept = len(kept)
	return kept
}

// cloneTransformer returns a model with m's configuration and a copy of its weights.
func cloneTransformer(m *Transformer) *Transformer {
	c := NewTransformer(m.Config(), rand.New(rand.NewPCG(0, 0)))
	src, dst := m.Params(), c.Params()
	for i := range src {
		copy(dst[i].Value.Data(), src[i].Value.Data())
	}
	return c
}

// mStep fine-tunes a copy of the base model on the kept solutions with early stopping on
// validation pass@1.
func (r *ReSTEM) mStep(ctx context.Context, kept []KeptSolution, it int, rec *ReSTEMIteration) (*Transformer, error) {
	model := cloneTransformer(r.Base)
	if mstepHook != nil {
		mstepHook(it, model)
	}
	if len(kept) == 0 {
		return model, nil
	}
	data := make([]SFTExample, len(kept))
	for i, k := range kept {
		data[i] = r.Format.Example(r.Data.Train[k.Problem], k.Solution)
	}
	cfg := r.Config.MStep
	cfg.Seed = r.seed(it, 2).Uint64()
	cfg.RestoreBest = true
	cfg.PadToken = r.Format.EOS
	cfg.Eval = func(ctx context.Context, step int) (float64, error) {
		ev, err := Evaluate(ctx, model, r.Format, r.Verifier, nil, r.Data.Validation, EvalOptions{MaxNewTokens: r.Config.MaxNewTokens})
		return ev.Pass1, err
	}
	if r.Config.Progress != nil {
		cfg.Progress = func(p SFTProgress) {
			r.Config.Progress(ReSTEMProgress{Iteration: it, Phase: "train", Done: p.Step, Total: p.Steps, Loss: p.Loss, Evaluated: p.Evaluated, Score: p.Score})
		}
	}
	tr, err := NewSFTTrainer(model, data, cfg)
	if err != nil {
		return nil, err
	}
	sres, err := tr.Train(ctx)
	if err != nil {
		return nil, err
	}
	rec.MStepSteps, rec.BestStep = sres.Steps, sres.BestStep
	return model, nil
}

// evaluate fills the record's validation, train and test metrics.
func (r *ReSTEM) evaluate(ctx context.Context, model *Transformer, answer Answerer, it int, rec *ReSTEMIteration) error {
	cfg := r.Config
	val, err := Evaluate(ctx, model, r.Format, r.Verifier, nil, r.Data.Validation, EvalOptions{MaxNewTokens: cfg.MaxNewTokens, Progress: r.progress(it, "eval")})
	if err != nil {
		return err
	}
	rec.ValPass1 = val.Pass1
	train := r.Data.Train
	if cfg.TrainEvalProblems > 0 && cfg.TrainEvalProblems < len(train) {
		train = train[:cfg.TrainEvalProblems]
	}
	if rec.Train, err = Evaluate(ctx, model, r.Format, r.Verifier, nil, train, EvalOptions{MaxNewTokens: cfg.MaxNewTokens, Progress: r.progress(it, "eval")}); err != nil {
		return err
	}
	rec.Test, err = Evaluate(ctx, model, r.Format, r.Verifier, answer, r.Data.Test, EvalOptions{
		Samples: cfg.EvalSamples, K: cfg.EvalK, Sampling: cfg.Sampling, MaxNewTokens: cfg.MaxNewTokens,
		Seed: r.seed(it, 3).Uint64(), Progress: r.progress(it, "eval"),
	})
	return err
}
