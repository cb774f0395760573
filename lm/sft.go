package lm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/checkpoint"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/tensor"
)

// SFTExample is one supervised fine-tuning example: the model reads Prompt and is trained to
// continue it with Completion. Only the completion tokens are scored (the prompt is masked
// out of the loss), so a completion should end with the end-of-sequence token if the model
// is to learn where to stop.
type SFTExample struct {
	// Prompt is the conditioning text; it needs at least one token.
	Prompt []int
	// Completion is the text the model learns to write after Prompt; it needs at least one
	// token.
	Completion []int
}

// SFTConfig configures supervised fine-tuning. DefaultSFTConfig gives a starting point;
// fields are used as given except where a zero value is documented to mean a default.
//
// The JSON-encodable fields are saved in checkpoints; Eval and Progress are not.
type SFTConfig struct {
	// Steps is the number of optimizer steps (required, ≥ 1).
	Steps int `json:"steps"`
	// BatchSize is the number of sequences per step; 0 means 32.
	BatchSize int `json:"batch_size"`
	// LR is the peak learning rate; 0 means 1e-3.
	LR float64 `json:"lr"`
	// MinLR is the floor the cosine schedule decays to at the last step.
	MinLR float64 `json:"min_lr"`
	// WarmupSteps is the length of the linear warmup (0 for none); it must be below Steps.
	WarmupSteps int `json:"warmup_steps"`
	// WeightDecay is AdamW's decoupled decay coefficient, applied to matrices and embeddings
	// only (optim.DecayMatrices), never to biases and layer-norm parameters.
	WeightDecay float64 `json:"weight_decay"`
	// Beta2 is Adam's second-moment decay; 0 means 0.99 (small-model convention).
	Beta2 float64 `json:"beta2"`
	// ClipNorm bounds the global L2 norm of the gradients; 0 means 1.0, negative disables
	// clipping.
	ClipNorm float64 `json:"clip_norm"`
	// Seed seeds the minibatch order.
	Seed uint64 `json:"seed"`
	// PadToken fills the unused positions of a batch (they are masked out of the loss).
	PadToken int `json:"pad_token"`
	// Replicas, if above 1, runs each step's forward and backward passes data-parallel on
	// that many replicas (Transformer.LossBackward), each taking a contiguous share of the
	// batch's sequences; set it to the number of processors (runtime.GOMAXPROCS(0)) for the
	// fastest steps on small models. 0 or 1 runs them on one tape whose kernels split across
	// processors. The gradient is the same up to the order of floating-point additions, so
	// results differ slightly between settings but are reproducible for each.
	Replicas int `json:"replicas,omitempty"`

	// EvalEvery, if positive, calls Eval every EvalEvery steps and after the last step.
	EvalEvery int `json:"eval_every"`
	// Patience, if positive, stops training once Patience consecutive evaluations have not
	// improved on the best score (early stopping). It needs Eval.
	Patience int `json:"patience"`
	// RestoreBest, if set, leaves the model with the parameters of the best evaluation when
	// training ends (normally or by early stopping); of equal scores the latest wins. It
	// needs Eval.
	RestoreBest bool `json:"restore_best"`

	// Eval, if not nil, scores the model at the current step; higher is better (return the
	// negated loss for a loss). It may run inference on the model but must not change its
	// parameters. An error stops training and is returned.
	Eval func(ctx context.Context, step int) (float64, error) `json:"-"`
	// Progress, if not nil, is called after every step from the training goroutine.
	Progress func(SFTProgress) `json:"-"`
}

// DefaultSFTConfig returns a configuration for small character-level models: the given
// number of steps, batch 32, peak learning rate 1e-3 decaying to 1e-4 after a warmup of
// min(100, steps/10) steps, weight decay 0.1, β2 0.99 and gradient clipping at 1.
func DefaultSFTConfig(steps int) SFTConfig {
	return SFTConfig{
		Steps:       steps,
		BatchSize:   32,
		LR:          1e-3,
		MinLR:       1e-4,
		WarmupSteps: min(100, steps/10),
		WeightDecay: 0.1,
		Beta2:       0.99,
		ClipNorm:    1,
	}
}

// SFTProgress reports one finished training step.
type SFTProgress struct {
	// Step is the number of steps taken so far; Steps the planned total.
	Step, Steps int
	// Loss is the mean cross-entropy (nats per completion token) of the step's batch.
	Loss float64
	// LR is the learning rate the step used.
	LR float64
	// GradNorm is the global gradient norm before clipping.
	GradNorm float64
	// Evaluated says whether Eval ran after this step; Score is its result.
	Evaluated bool
	Score     float64
}

// SFTEval is one evaluation recorded during training.
type SFTEval struct {
	Step  int     `json:"step"`
	Score float64 `json:"score"`
}

// SFTResult summarises a training run.
type SFTResult struct {
	// Steps is the number of steps taken (fewer than planned after early stopping or
	// cancellation).
	Steps int `json:"steps"`
	// FinalLoss is the batch loss of the last step (NaN if no step ran).
	FinalLoss float64 `json:"final_loss"`
	// Evals lists every evaluation in order.
	Evals []SFTEval `json:"evals"`
	// BestStep and BestScore are the best evaluation (BestStep −1 if there was none).
	BestStep  int     `json:"best_step"`
	BestScore float64 `json:"best_score"`
	// EarlyStopped says whether Patience ended training before Steps.
	EarlyStopped bool `json:"early_stopped"`
}

// SFTTrainer fine-tunes a Transformer on prompt/completion pairs with next-token
// cross-entropy on the completion tokens only.
//
// Each step draws BatchSize examples in a seeded order (a fresh permutation of the data
// every epoch, a pure function of Seed and the epoch, so the order survives a resume),
// lays them out left-aligned in a (BatchSize, T) grid padded with PadToken, where T is the
// longest example of the data set minus one, and minimises Σ mask·nll / Σ mask with the
// mask set on the positions whose target is a completion token (the end token included,
// padding and prompt excluded). The update is AdamW with decay on matrices only, a linear
// warmup then cosine decay of the learning rate, and global-norm clipping. One tape (or
// one per replica, see SFTConfig.Replicas) is reused across steps, so after the first step
// a training step allocates little.
//
// Save and Load write and restore a checkpoint (parameters, optimizer state, step,
// early-stopping state and the best parameters so far): a run of N steps and a run of N/2
// steps, saved, loaded into a fresh trainer and continued, end with bit-identical
// parameters.
//
// An SFTTrainer is not safe for concurrent use, and the model must not be used by other
// goroutines while a step runs.
type SFTTrainer struct {
	model *Transformer
	data  []SFTExample
	cfg   SFTConfig
	opt   *optim.Adam
	sched optim.Schedule
	clip  float64

	tape    *autodiff.Tape
	dp      *autodiff.DataParallel // with Replicas > 1, instead of tape
	ids     []int
	targets []int
	mask    []float32
	seqLen  int

	perm      []int
	permEpoch int
	pcg       *rand.PCG
	rng       *rand.Rand

	st         sftState
	bestParams []*tensor.Tensor
}

// sftState is the part of the trainer's state beyond parameters and optimizer that a
// checkpoint carries.
type sftState struct {
	Step      int       `json:"step"`
	FinalLoss float64   `json:"final_loss"`
	Evals     []SFTEval `json:"evals"`
	BestStep  int       `json:"best_step"`
	BestScore float64   `json:"best_score"`
	Bad       int       `json:"bad"`
	Stopped   bool      `json:"stopped"`
}

// NewSFTTrainer returns a trainer of m on data with configuration cfg, at step 0. It returns
// an error if the configuration is invalid, if data is empty, if an example has an empty
// prompt or completion or a token outside the vocabulary, or if the longest example does
// not fit the model's context (len(Prompt)+len(Completion)−1 ≤ MaxLen).
func NewSFTTrainer(m *Transformer, data []SFTExample, cfg SFTConfig) (*SFTTrainer, error) {
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 32
	}
	if cfg.LR == 0 {
		cfg.LR = 1e-3
	}
	if cfg.Beta2 == 0 {
		cfg.Beta2 = 0.99
	}
	clip := cfg.ClipNorm
	if clip == 0 {
		clip = 1
	}
	switch {
	case cfg.Steps < 1:
		return nil, fmt.Errorf("lm: SFT: Steps %d < 1", cfg.Steps)
	case cfg.BatchSize < 1:
		return nil, fmt.Errorf("lm: SFT: BatchSize %d < 1", cfg.BatchSize)
	case cfg.Replicas < 0:
		return nil, fmt.Errorf("lm: SFT: Replicas %d < 0", cfg.Replicas)
	case cfg.LR < 0 || cfg.MinLR < 0 || cfg.WeightDecay < 0:
		return nil, errors.New("lm: SFT: negative learning rate or weight decay")
	case cfg.WarmupSteps < 0 || (cfg.WarmupSteps > 0 && cfg.WarmupSteps >= cfg.Steps):
		return nil, fmt.Errorf("lm: SFT: WarmupSteps %d must be in [0, Steps=%d)", cfg.WarmupSteps, cfg.Steps)
	case cfg.Beta2 < 0 || cfg.Beta2 >= 1:
		return nil, fmt.Errorf("lm: SFT: Beta2 %g outside [0, 1)", cfg.Beta2)
	case (cfg.Patience > 0 || cfg.RestoreBest) && (cfg.Eval == nil || cfg.EvalEvery < 1):
		return nil, errors.New("lm: SFT: Patience and RestoreBest need Eval and EvalEvery > 0")
	case cfg.PadToken < 0 || cfg.PadToken >= m.VocabSize():
		return nil, fmt.Errorf("lm: SFT: PadToken %d outside the vocabulary [0, %d)", cfg.PadToken, m.VocabSize())
	case len(data) == 0:
		return nil, errors.New("lm: SFT: no examples")
	}
	longest := 0
	for i, ex := range data {
		if len(ex.Prompt) == 0 || len(ex.Completion) == 0 {
			return nil, fmt.Errorf("lm: SFT: example %d has an empty prompt or completion", i)
		}
		for _, seq := range [2][]int{ex.Prompt, ex.Completion} {
			for _, tok := range seq {
				if tok < 0 || tok >= m.VocabSize() {
					return nil, fmt.Errorf("lm: SFT: example %d holds token %d outside the vocabulary [0, %d)", i, tok, m.VocabSize())
				}
			}
		}
		longest = max(longest, len(ex.Prompt)+len(ex.Completion)-1)
	}
	if longest > m.MaxLen() {
		return nil, fmt.Errorf("lm: SFT: the longest example needs %d positions, more than the model's MaxLen %d", longest, m.MaxLen())
	}
	t := &SFTTrainer{
		model: m,
		data:  data,
		cfg:   cfg,
		clip:  clip,
		opt: optim.NewAdamW(m.Params(), optim.AdamConfig{
			LR: cfg.LR, Beta2: cfg.Beta2, WeightDecay: cfg.WeightDecay, Decay: optim.DecayMatrices,
		}),
		tape:      autodiff.NewTape(),
		seqLen:    longest,
		ids:       make([]int, cfg.BatchSize*longest),
		targets:   make([]int, cfg.BatchSize*longest),
		mask:      make([]float32, cfg.BatchSize*longest),
		perm:      make([]int, len(data)),
		permEpoch: -1,
		pcg:       rand.NewPCG(0, 0),
		st:        sftState{BestStep: -1, BestScore: math.Inf(-1), FinalLoss: math.NaN()},
	}
	t.rng = rand.New(t.pcg)
	if cfg.Replicas > 1 {
		t.dp = autodiff.NewDataParallel(m.Params(), cfg.Replicas)
	}
	if cfg.WarmupSteps > 0 {
		t.sched = optim.WarmupCosine(cfg.LR, cfg.MinLR, int64(cfg.WarmupSteps), int64(cfg.Steps))
	} else {
		t.sched = optim.Cosine(cfg.LR, cfg.MinLR, int64(cfg.Steps))
	}
	return t, nil
}

// Model returns the model being trained.
func (t *SFTTrainer) Model() *Transformer { return t.model }

// StepCount returns the number of steps taken so far.
func (t *SFTTrainer) StepCount() int { return t.st.Step }

// Done reports whether training has finished: all steps taken, or stopped early.
func (t *SFTTrainer) Done() bool { return t.st.Step >= t.cfg.Steps || t.st.Stopped }

// SeqLen returns the padded length T of every training sequence.
func (t *SFTTrainer) SeqLen() int { return t.seqLen }

// example returns the index of the g-th example of the training stream: epoch g/n visits
// the data in the permutation seeded by (Seed, epoch).
func (t *SFTTrainer) example(g int) int {
	n := len(t.data)
	epoch, pos := g/n, g%n
	if epoch != t.permEpoch {
		for i := range t.perm {
			t.perm[i] = i
		}
		t.pcg.Seed(t.cfg.Seed, uint64(epoch))
		t.rng.Shuffle(n, func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
		t.permEpoch = epoch
	}
	return t.perm[pos]
}

// fillBatch lays out the examples of step s.
func (t *SFTTrainer) fillBatch(s int) {
	B, T := t.cfg.BatchSize, t.seqLen
	for b := 0; b < B; b++ {
		ex := t.data[t.example(s*B+b)]
		fillSequence(t.ids[b*T:(b+1)*T], t.targets[b*T:(b+1)*T], t.mask[b*T:(b+1)*T], ex, t.cfg.PadToken)
	}
}

// fillSequence writes one example into a row of T positions: ids are the sequence without
// its last token, targets the sequence shifted by one, mask 1 where the target is a
// completion token; the rest is padding with mask 0.
func fillSequence(ids, targets []int, mask []float32, ex SFTExample, pad int) {
	np, n := len(ex.Prompt), len(ex.Prompt)+len(ex.Completion)
	at := func(i int) int {
		if i < np {
			return ex.Prompt[i]
		}
		return ex.Completion[i-np]
	}
	for j := range ids {
		if j+1 < n {
			ids[j], targets[j] = at(j), at(j+1)
			if j+1 >= np {
				mask[j] = 1
			} else {
				mask[j] = 0
			}
		} else {
			ids[j], targets[j], mask[j] = pad, pad, 0
		}
	}
}

// Step takes one training step and returns its batch loss. It does not evaluate or report
// progress (Train does) and panics if training is Done.
func (t *SFTTrainer) Step() float64 {
	loss, _, _ := t.step()
	return loss
}

func (t *SFTTrainer) step() (loss, lr, norm float64) {
	if t.Done() {
		panic("lm: SFTTrainer.Step: training is done")
	}
	s := t.st.Step
	t.fillBatch(s)
	t.opt.ZeroGrad()
	if t.dp != nil {
		loss = t.model.LossBackward(t.dp, t.ids, t.targets, t.mask, t.cfg.BatchSize)
	} else {
		t.tape.Reset()
		l := t.model.Loss(t.tape, t.ids, t.targets, t.mask, t.cfg.BatchSize)
		t.tape.Backward(l)
		loss = float64(l.Value.Item())
	}
	if t.clip > 0 {
		norm = optim.ClipGradNorm(t.opt.Params(), t.clip)
	} else {
		norm = optim.GradNorm(t.opt.Params())
	}
	lr = t.sched(int64(s))
	t.opt.SetLR(lr)
	t.opt.Step()
	t.st.Step++
	t.st.FinalLoss = loss
	return loss, lr, norm
}

// Train runs steps until Steps are done, early stopping triggers or ctx is canceled,
// evaluating every EvalEvery steps and after the last step, and returns the summary. After
// cancellation it returns the summary so far with ctx's error; training can continue with
// another call (or from a checkpoint). With RestoreBest the model ends with the best
// evaluated parameters.
func (t *SFTTrainer) Train(ctx context.Context) (SFTResult, error) {
	for !t.Done() {
		if err := ctx.Err(); err != nil {
			return t.Result(), err
		}
		loss, lr, norm := t.step()
		p := SFTProgress{Step: t.st.Step, Steps: t.cfg.Steps, Loss: loss, LR: lr, GradNorm: norm}
		if t.cfg.Eval != nil && t.cfg.EvalEvery > 0 && (t.st.Step%t.cfg.EvalEvery == 0 || t.st.Step == t.cfg.Steps) {
			score, err := t.cfg.Eval(ctx, t.st.Step)
			if err != nil {
				return t.Result(), err
			}
			t.record(score)
			p.Evaluated, p.Score = true, score
		}
		if t.cfg.Progress != nil {
			t.cfg.Progress(p)
		}
	}
	if t.cfg.RestoreBest && t.bestParams != nil {
		for i, p := range t.model.Params() {
			copy(p.Value.Data(), t.bestParams[i].Data())
		}
	}
	return t.Result(), nil
}

// record notes an evaluation for early stopping.
func (t *SFTTrainer) record(score float64) {
	t.st.Evals = append(t.st.Evals, SFTEval{Step: t.st.Step, Score: score})
	// A tie with the best score moves the best weights to the later step (trained longer,
	// equally good) but does not count as an improvement for early stopping.
	if score >= t.st.BestScore {
		improved := score > t.st.BestScore
		t.st.BestScore, t.st.BestStep = score, t.st.Step
		if improved {
			t.st.Bad = 0
		} else {
			t.st.Bad++
		}
		if t.cfg.RestoreBest {
			params := t.model.Params()
			if t.bestParams == nil {
				t.bestParams = make([]*tensor.Tensor, len(params))
				for i, p := range params {
					t.bestParams[i] = p.Value.Clone()
				}
			} else {
				for i, p := range params {
					copy(t.bestParams[i].Data(), p.Value.Data())
				}
			}
		}
	} else {
		t.st.Bad++
	}
	if t.cfg.Patience > 0 && t.st.Bad >= t.cfg.Patience {
		t.st.Stopped = true
	}
}

// Result returns the summary of training so far.
func (t *SFTTrainer) Result() SFTResult {
	r := SFTResult{
		Steps:        t.st.Step,
		FinalLoss:    t.st.FinalLoss,
		Evals:        append([]SFTEval(nil), t.st.Evals...),
		BestStep:     t.st.BestStep,
		BestScore:    t.st.BestScore,
		EarlyStopped: t.st.Stopped && t.st.Step < t.cfg.Steps,
	}
	return r
}

// sftCheckpointConfig is the configuration stored in an SFT checkpoint.
type sftCheckpointConfig struct {
	Config   SFTConfig `json:"config"`
	State    sftState  `json:"state"`
	Examples int       `json:"examples"`
	HasBest  bool      `json:"has_best"`
}

// bestPrefix names the best-so-far parameters in a checkpoint.
const bestPrefix = "best/"

// Save writes the trainer's state to path atomically (see package checkpoint): the model
// parameters, AdamW's state, the step, the early-stopping state with the best parameters
// so far, and the configuration.
func (t *SFTTrainer) Save(path string) error {
	params := t.model.Params()
	if t.bestParams != nil {
		for i, p := range t.model.Params() {
			params = append(params, autodiff.Param{Name: bestPrefix + p.Name, Var: autodiff.NewVar(t.bestParams[i], false)})
		}
	}
	st := t.st
	if math.IsInf(st.BestScore, -1) {
		st.BestScore = -math.MaxFloat64 // JSON has no infinities
	}
	if math.IsNaN(st.FinalLoss) {
		st.FinalLoss = 0
	}
	return checkpoint.Save(path, checkpoint.Checkpoint{
		Params:    params,
		Optimizer: t.opt,
		Step:      int64(t.st.Step),
		Config:    sftCheckpointConfig{Config: t.cfg, State: st, Examples: len(t.data), HasBest: t.bestParams != nil},
	})
}

// Load restores the state Save wrote into t, which must have been built with the same
// model shape, data and configuration (the number of examples, steps, batch size, seed and
// learning-rate settings are checked). Training then continues exactly as the saved run
// would have. On error t is unchanged.
func (t *SFTTrainer) Load(path string) error {
	f, err := checkpoint.Open(path)
	if err != nil {
		return err
	}
	var saved sftCheckpointConfig
	raw, ok := f.Metadata()[checkpoint.ConfigKey]
	f.Close()
	if !ok {
		return fmt.Errorf("lm: SFT checkpoint %s has no configuration", path)
	}
	if err := json.Unmarshal([]byte(raw), &saved); err != nil {
		return fmt.Errorf("lm: SFT checkpoint %s: %v", path, err)
	}
	c, s := saved.Config, t.cfg
	if saved.Examples != len(t.data) || c.Steps != s.Steps || c.BatchSize != s.BatchSize || c.Seed != s.Seed ||
		c.LR != s.LR || c.MinLR != s.MinLR || c.WarmupSteps != s.WarmupSteps || c.WeightDecay != s.WeightDecay ||
		c.Beta2 != s.Beta2 || c.PadToken != s.PadToken || c.EvalEvery != s.EvalEvery {
		return fmt.Errorf("lm: SFT checkpoint %s was written by a run with a different configuration or data set", path)
	}
	// Load into copies first so that a failure leaves the trainer unchanged.
	params := t.model.Params()
	tmp := make([]autodiff.Param, 0, 2*len(params))
	for _, p := range params {
		tmp = append(tmp, autodiff.Param{Name: p.Name, Var: autodiff.NewVar(p.Value.Clone(), false)})
	}
	var best []*tensor.Tensor
	if saved.HasBest {
		for _, p := range params {
			v := p.Value.Clone()
			best = append(best, v)
			tmp = append(tmp, autodiff.Param{Name: bestPrefix + p.Name, Var: autodiff.NewVar(v, false)})
		}
	}
	// A failed Load changes neither the copies nor the optimizer.
	if err := checkpoint.Load(path, &checkpoint.Checkpoint{Params: tmp, Optimizer: t.opt}); err != nil {
		return err
	}
	for i, p := range params {
		copy(p.Value.Data(), tmp[i].Value.Data())
	}
	st := saved.State
	if st.BestStep < 0 {
		st.BestScore = math.Inf(-1)
	}
	if st.Step == 0 {
		st.FinalLoss = math.NaN()
	}
	t.st, t.bestParams = st, best
	return nil
}

// SFT fine-tunes m on data with cfg and returns the summary: NewSFTTrainer then Train.
func SFT(ctx context.Context, m *Transformer, data []SFTExample, cfg SFTConfig) (SFTResult, error) {
	t, err := NewSFTTrainer(m, data, cfg)
	if err != nil {
		return SFTResult{}, err
	}
	return t.Train(ctx)
}

// CompletionLoss returns the mean cross-entropy, in nats per completion token, of m on data
// (prompt tokens unscored, as in training), computed in batches of batch sequences without
// recording gradients. It is the usual validation loss of supervised fine-tuning.
func CompletionLoss(m *Transformer, data []SFTExample, batch int, pad int) float64 {
	if batch < 1 {
		batch = 32
	}
	var sum, count float64
	for lo := 0; lo < len(data); lo += batch {
		chunk := data[lo:min(lo+batch, len(data))]
		T := 0
		for _, ex := range chunk {
			T = max(T, len(ex.Prompt)+len(ex.Completion)-1)
		}
		ids := make([]int, len(chunk)*T)
		targets := make([]int, len(chunk)*T)
		mask := make([]float32, len(chunk)*T)
		var n float64
		for b, ex := range chunk {
			fillSequence(ids[b*T:(b+1)*T], targets[b*T:(b+1)*T], mask[b*T:(b+1)*T], ex, pad)
			n += float64(len(ex.Completion))
		}
		l := m.Loss(nil, ids, targets, mask, len(chunk))
		sum += float64(l.Value.Item()) * n
		count += n
	}
	if count == 0 {
		return math.NaN()
	}
	return sum / count
}
