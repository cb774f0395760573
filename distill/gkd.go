package distill

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/tenet-ml/tenet"
	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/lm"
	"github.com/tenet-ml/tenet/tensor"
)

// Student is a language model that can be trained: an lm.Model for sampling, a forward pass
// on an autodiff tape for training, and its parameters for the optimizer. *lm.Transformer
// has this method set.
type Student interface {
	lm.Model
	// Forward returns the next-token logits (batch, T, VocabSize) of batch sequences of T
	// tokens held row-major in ids: logits[b, t] predicts the token after ids[b·T + t].
	Forward(tp *autodiff.Tape, ids []int, batch int) *autodiff.Var
	// Params returns the trainable parameters.
	Params() []autodiff.Param
}

// Example is one training input: a prompt and, for training on fixed data, a reference
// output (the ground-truth or human continuation).
type Example struct {
	// Prompt is the input x; it is never trained on.
	Prompt []int
	// Output is the fixed-data output y. It may be nil when only generated outputs are used.
	Output []int
	// Problem is passed to the reward verifier with the example (for instance the task
	// problem whose answer the output is checked against).
	Problem any
}

// Source says where the outputs of a training batch come from.
type Source int

// Data sources of GKD and DistillSpec.
const (
	// SourceFixed: the examples' own outputs (supervised data).
	SourceFixed Source = iota + 1
	// SourceStudent: outputs sampled from the student (on-policy).
	SourceStudent
	// SourceTeacher: outputs sampled from the teacher (sequence-level KD).
	SourceTeacher
)

// String returns the name of the source.
func (s Source) String() string {
	switch s {
	case SourceFixed:
		return "fixed"
	case SourceStudent:
		return "student"
	case SourceTeacher:
		return "teacher"
	}
	return fmt.Sprintf("Source(%d)", int(s))
}

// Objective is the token-level loss of a training batch.
type Objective int

// Objectives.
const (
	// ObjectiveDivergence is the divergence between the teacher's and the student's
	// next-token distributions over the whole vocabulary (distillation).
	ObjectiveDivergence Objective = iota
	// ObjectiveNLL is the negative log-likelihood of the output tokens (supervised
	// fine-tuning on fixed data; SeqKD on teacher outputs). The teacher is not queried.
	ObjectiveNLL
)

// GKDOptions configure a Trainer. The recipes of the GKD paper are:
//
//	SFT            Objective NLL, Lambda 0, TeacherFraction 0 (fixed data)
//	SeqKD          Objective NLL, TeacherFraction 1 (teacher-generated outputs)
//	supervised KD  Objective Divergence with forward KL, Lambda 0 (fixed data)
//	on-policy GKD  Objective Divergence, Lambda 1 (student-generated outputs)
//	mixed GKD      Objective Divergence, Lambda in (0, 1)
//
// DistillSpec's data choices are Lambda (draft-generated) and TeacherFraction
// (target-generated), the rest fixed data.
type GKDOptions struct {
	// Objective is the loss: ObjectiveDivergence (the default) or ObjectiveNLL.
	Objective Objective
	// Divergence is the distillation divergence of ObjectiveDivergence (its Kind must be
	// set). Leave its Temperature 0: GKD's loss is at temperature 1, whatever the sampling
	// temperature.
	Divergence Divergence
	// Lambda is the probability, drawn once per batch, that the batch's outputs are sampled
	// from the student (on-policy data).
	Lambda float64
	// TeacherFraction is the probability per batch of teacher-sampled outputs;
	// Lambda + TeacherFraction ≤ 1, and the rest of the batches use the fixed outputs.
	TeacherFraction float64
	// SampleTemperature is the temperature of student and teacher generation; 0 means 1
	// (the paper's choice). It only affects sampling, never the loss.
	SampleTemperature float64
	// MaxNewTokens bounds generated outputs (required when any output is generated).
	MaxNewTokens int
	// StopTokens end a generated output; the stop token is kept and trained on.
	StopTokens []int
	// Pad is the token id that pads shorter sequences of a batch. Padding is masked by
	// position, so a real end token with the same id is still trained on.
	Pad int
	// ClipNorm, if positive, clips the global gradient norm before each update.
	ClipNorm float64
	// Reward, if not nil, adds GKD's RL term on student-generated batches: the objective
	// becomes (1−Alpha)·E[r] − Alpha·E[D], with r = Reward.Verify(example, output). The
	// reward is maximised by REINFORCE with the batch-mean reward as baseline, token-averaged
	// like the divergence. Batches of other sources use the divergence alone.
	Reward tenet.Verifier[Example, []int]
	// Alpha weighs the divergence against the reward, in [0, 1]; it is used only with
	// Reward.
	Alpha float64
}

// StepStats describe one training step.
type StepStats struct {
	// Source is where the batch's outputs came from.
	Source Source
	// Loss is the value minimised: the divergence or NLL, combined with the RL surrogate
	// when a reward is set.
	Loss float64
	// Divergence is the token-averaged divergence (or NLL) of the batch before the update.
	Divergence float64
	// Reward is the mean reward of the batch's outputs (student batches with a reward only).
	Reward float64
	// Tokens is the number of output tokens trained on.
	Tokens int
}

// Trainer runs generalized knowledge distillation (Agarwal et al., Algorithm 1) and the
// baselines it generalises. Each Step draws the batch's data source, generates outputs if
// needed (outside the tape, from the models' inference states; batched when the model has a
// GenerateBatch method, as *lm.Transformer does), queries the teacher without recording (one
// batched Forward pass on a nil tape when the teacher has one), and takes one optimizer
// step on the student.
//
// A Trainer is not safe for concurrent use.
type Trainer struct {
	student Student
	teacher lm.Model
	opt     optim.Optimizer
	opts    GKDOptions

	tape    *autodiff.Tape
	ids     []int
	targets []int
	mask    []float32
	teach   []float32
	grad    []float32
	rlGrad  []float32
}

// NewTrainer returns a Trainer of student toward teacher, updating the student's
// parameters with opt (built over student.Params()). teacher may be nil only for
// ObjectiveNLL without teacher-generated data. It returns an error for inconsistent
// options.
func NewTrainer(student Student, teacher lm.Model, opt optim.Optimizer, opts GKDOptions) (*Trainer, error) {
	if student == nil || opt == nil {
		return nil, errors.New("distill: NewTrainer: nil student or optimizer")
	}
	if !(opts.Lambda >= 0 && opts.TeacherFraction >= 0 && opts.Lambda+opts.TeacherFraction <= 1) {
		return nil, fmt.Errorf("distill: NewTrainer: Lambda %v and TeacherFraction %v must be >= 0 with sum <= 1", opts.Lambda, opts.TeacherFraction)
	}
	needTeacher := opts.Objective == ObjectiveDivergence || opts.TeacherFraction > 0
	switch opts.Objective {
	case ObjectiveDivergence:
		if err := opts.Divergence.Validate(); err != nil {
			return nil, err
		}
	case ObjectiveNLL:
	default:
		return nil, fmt.Errorf("distill: NewTrainer: unknown objective %d", int(opts.Objective))
	}
	if needTeacher {
		if teacher == nil {
			return nil, errors.New("distill: NewTrainer: the options need a teacher")
		}
		if teacher.VocabSize() != student.VocabSize() {
			return nil, fmt.Errorf("distill: NewTrainer: teacher vocabulary %d, student %d", teacher.VocabSize(), student.VocabSize())
		}
	}
	if (opts.Lambda > 0 || opts.TeacherFraction > 0) && opts.MaxNewTokens < 1 {
		return nil, errors.New("distill: NewTrainer: generated outputs need MaxNewTokens >= 1")
	}
	if !(opts.SampleTemperature >= 0) || math.IsInf(opts.SampleTemperature, 1) {
		return nil, fmt.Errorf("distill: NewTrainer: SampleTemperature %v", opts.SampleTemperature)
	}
	if opts.Pad < 0 || opts.Pad >= student.VocabSize() {
		return nil, fmt.Errorf("distill: NewTrainer: pad %d outside the vocabulary", opts.Pad)
	}
	if opts.Reward != nil && !(opts.Alpha >= 0 && opts.Alpha <= 1) {
		return nil, fmt.Errorf("distill: NewTrainer: Alpha %v outside [0, 1]", opts.Alpha)
	}
	return &Trainer{student: student, teacher: teacher, opt: opt, opts: opts, tape: autodiff.NewTape()}, nil
}

// source maps a uniform draw u to the batch's data source: student with probability
// Lambda, teacher with probability TeacherFraction, fixed otherwise.
func (o *GKDOptions) source(u float64) Source {
	switch {
	case u < o.Lambda:
		return SourceStudent
	case u < o.Lambda+o.TeacherFraction:
		return SourceTeacher
	}
	return SourceFixed
}

// Step trains on one batch. It draws the data source from rng, builds the outputs, and
// updates the student once; a batch with no output token to train on changes nothing. It
// returns an error for an empty batch, an empty prompt, a fixed-data batch with an
// example lacking an Output, or a canceled context.
func (tr *Trainer) Step(ctx context.Context, batch []Example, rng *rand.Rand) (StepStats, error) {
	if len(batch) == 0 {
		return StepStats{}, errors.New("distill: Step: empty batch")
	}
	o := &tr.opts
	st := StepStats{Source: o.source(rng.Float64())}
	prompts := make([][]int, len(batch))
	for i, ex := range batch {
		if len(ex.Prompt) == 0 {
			return st, fmt.Errorf("distill: Step: example %d has an empty prompt", i)
		}
		prompts[i] = ex.Prompt
	}
	outputs := make([][]int, len(batch))
	switch st.Source {
	case SourceFixed:
		for i, ex := range batch {
			if len(ex.Output) == 0 {
				return st, fmt.Errorf("distill: Step: example %d has no output for a fixed-data batch", i)
			}
			outputs[i] = ex.Output
		}
	default:
		var m lm.Model = tr.student
		if st.Source == SourceTeacher {
			m = tr.teacher
		}
		temp := o.SampleTemperature
		if temp == 0 {
			temp = 1
		}
		gens, err := generate(ctx, m, prompts, lm.GenerateOptions{
			Sampling: lm.SamplingOptions{Temperature: temp}, MaxNewTokens: o.MaxNewTokens, StopTokens: o.StopTokens,
		}, rng)
		if err != nil {
			return st, err
		}
		for i, g := range gens {
			outputs[i] = g.Tokens
		}
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}

	maxLen := tr.student.MaxLen()
	if tr.teacher != nil {
		maxLen = min(maxLen, tr.teacher.MaxLen())
	}
	seqs, T := tr.buildBatch(prompts, outputs, maxLen)
	B, V := len(batch), tr.student.VocabSize()
	for _, w := range tr.mask {
		if w != 0 {
			st.Tokens++
		}
	}
	if st.Tokens == 0 {
		return st, nil
	}

	// Analytic gradient of the loss with respect to the student's logits.
	tr.tape.Reset()
	logits := tr.student.Forward(tr.tape, tr.ids, B)
	if s := logits.Value.Shape(); len(s) != 3 || s[0] != B || s[1] != T || s[2] != V {
		panic(fmt.Sprintf("distill: Step: student Forward returned %v, want [%d %d %d]", s, B, T, V))
	}
	z := logits.Value.Data()
	tr.grad = grow(tr.grad, B*T*V)
	switch o.Objective {
	case ObjectiveDivergence:
		tr.teacherLogits(seqs, T, V)
		st.Divergence = o.Divergence.Batch(tr.grad, tr.teach, z, V, tr.mask)
	case ObjectiveNLL:
		st.Divergence = nll(tr.grad, z, tr.targets, tr.mask, V)
	}
	st.Loss = st.Divergence
	if o.Reward != nil && st.Source == SourceStudent {
		rewards := make([]float64, B)
		for i, ex := range batch {
			r := float64(o.Reward.Verify(ex, outputs[i]))
			rewards[i] = r
			st.Reward += r / float64(B)
		}
		rl := tr.reinforce(z, rewards, st.Reward, T, V, float64(st.Tokens))
		// Objective (1−α)E[r] − αE[D], as a loss: α·D − (1−α)·J.
		a := o.Alpha
		for i := range tr.grad {
			tr.grad[i] = float32(a*float64(tr.grad[i]) + (1-a)*float64(tr.rlGrad[i]))
		}
		st.Loss = a*st.Divergence + (1-a)*rl
	}
	g := tensor.FromSlice(tr.grad, B, T, V)
	loss := surrogate(tr.tape, logits, g, st.Loss)
	tr.opt.ZeroGrad()
	tr.tape.Backward(loss)
	if o.ClipNorm > 0 {
		optim.ClipGradNorm(tr.opt.Params(), o.ClipNorm)
	}
	tr.opt.Step()
	return st, nil
}

// forwarder is a model with a batched forward pass (nil tape: inference, nothing recorded),
// as *lm.Transformer has.
type forwarder interface {
	Forward(tp *autodiff.Tape, ids []int, batch int) *autodiff.Var
}

// batchGenerator is a model that samples many prompts in batched passes, as
// *lm.Transformer's GenerateBatch does.
type batchGenerator interface {
	GenerateBatch(ctx context.Context, prompts [][]int, opts lm.GenerateOptions, rng *rand.Rand) ([]lm.Generation, error)
}

// generate samples one output per prompt from m: with m's batched generator if it has one
// (many times faster than batch-1 decoding, same random streams), else with lm.Generate.
func generate(ctx context.Context, m lm.Model, prompts [][]int, opts lm.GenerateOptions, rng *rand.Rand) ([]lm.Generation, error) {
	if bg, ok := m.(batchGenerator); ok {
		return bg.GenerateBatch(ctx, prompts, opts, rng)
	}
	return lm.Generate(ctx, m, prompts, opts, rng)
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// buildBatch lays out prompt+output sequences, cut to maxLen tokens, as a padded (B, T)
// batch of inputs seq[:len−1] with next-token targets and a per-position mask that is 1
// exactly where the target is an output token. It returns the sequences and T.
func (tr *Trainer) buildBatch(prompts, outputs [][]int, maxLen int) ([][]int, int) {
	seqs := make([][]int, len(prompts))
	T := 1
	for i := range prompts {
		s := make([]int, 0, len(prompts[i])+len(outputs[i]))
		s = append(append(s, prompts[i]...), outputs[i]...)
		if len(s) > maxLen {
			s = s[:maxLen]
		}
		seqs[i] = s
		T = max(T, len(s)-1)
	}
	B := len(seqs)
	tr.ids = growInts(tr.ids, B*T)
	tr.targets = growInts(tr.targets, B*T)
	tr.mask = grow(tr.mask, B*T)
	for b, s := range seqs {
		for t := range T {
			j := b*T + t
			tr.ids[j], tr.targets[j], tr.mask[j] = tr.opts.Pad, 0, 0
			if t < len(s)-1 {
				tr.ids[j] = s[t]
				tr.targets[j] = s[t+1]
				if t+1 >= len(prompts[b]) {
					tr.mask[j] = 1 // by position: an output token equal to Pad still counts
				}
			}
		}
	}
	return seqs, T
}

func growInts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

// teacherLogits fills tr.teach (B, T, V) with the teacher's logits for each sequence of the
// batch laid out in tr.ids: with one batched Forward pass on a nil tape if the teacher has
// one (a *lm.Transformer), else one Append per sequence on fresh inference states, sequences
// spread over GOMAXPROCS goroutines. Nothing is recorded. Padding rows hold whatever the
// pass gives: they are masked.
func (tr *Trainer) teacherLogits(seqs [][]int, T, V int) {
	tr.teach = grow(tr.teach, len(seqs)*T*V)
	if f, ok := tr.teacher.(forwarder); ok {
		// One batched causal pass over the padded inputs: a row depends only on the
		// tokens up to it, so the padding after a sequence does not change its rows.
		out := f.Forward(nil, tr.ids, len(seqs))
		copy(tr.teach, out.Value.Data())
		return
	}
	work := func(b int) {
		s := seqs[b]
		if len(s) < 2 {
			return
		}
		rows := tr.teacher.NewState().Append(s[:len(s)-1])
		for t, row := range rows {
			copy(tr.teach[(b*T+t)*V:(b*T+t+1)*V], row)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(seqs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for b := range next {
				work(b)
			}
		})
	}
	for b := range seqs {
		next <- b
	}
	close(next)
	wg.Wait()
}

// nll writes the gradient of the masked mean negative log-likelihood into grad and returns
// its value: per row, −log softmax(z)[y] with gradient softmax(z) − onehot(y).
func nll(grad, z []float32, targets []int, mask []float32, V int) float64 {
	var wsum float64
	for _, w := range mask {
		wsum += float64(w)
	}
	s := getScratch(V)
	defer scratchPool.Put(s)
	var v float64
	for i, w := range mask {
		g := grad[i*V : (i+1)*V]
		if w == 0 {
			clear(g)
			continue
		}
		c := float64(w) / wsum
		logSoftmax(s.lp, s.p, z[i*V:(i+1)*V], 1)
		y := targets[i]
		v -= c * s.lp[y]
		for j, p := range s.p {
			g[j] = float32(c * p)
		}
		g[y] -= float32(c)
	}
	return v
}

// reinforce writes into tr.rlGrad the gradient of the REINFORCE surrogate
// −(1/N)·Σ_b (r_b − r̄)·Σ_t log q(y_bt) over the masked positions (N of them) and returns
// its value.
func (tr *Trainer) reinforce(z []float32, rewards []float64, mean float64, T, V int, n float64) float64 {
	tr.rlGrad = grow(tr.rlGrad, len(z))
	s := getScratch(V)
	defer scratchPool.Put(s)
	var v float64
	for b, r := range rewards {
		adv := (r - mean) / n
		for t := range T {
			i := b*T + t
			g := tr.rlGrad[i*V : (i+1)*V]
			if tr.mask[i] == 0 || adv == 0 {
				clear(g)
				continue
			}
			logSoftmax(s.lp, s.p, z[i*V:(i+1)*V], 1)
			y := tr.targets[i]
			v -= adv * s.lp[y]
			for j, p := range s.p {
				g[j] = float32(adv * p)
			}
			g[y] -= float32(adv)
		}
	}
	return v
}

// MeanDivergence returns the token-averaged divergence D(teacher‖student) over the output
// positions of prompt+output sequences: at every position whose next token is an output
// token, the two models' next-token distributions (temperature d.Temperature) are compared.
// It runs both models on inference states, one Append per sequence. Sample the outputs from
// the student (lm.Generate) to measure the on-policy divergence GKD minimises, or from the
// teacher for the supervised one. It returns 0 if there is no output token, and panics if
// the vocabularies differ or len(outputs) != len(prompts).
func MeanDivergence(teacher, student lm.Model, prompts, outputs [][]int, d Divergence) float64 {
	d.mustValidate("MeanDivergence")
	if teacher.VocabSize() != student.VocabSize() || len(prompts) != len(outputs) {
		panic(fmt.Sprintf("distill: MeanDivergence: vocabularies %d and %d, %d prompts and %d outputs",
			teacher.VocabSize(), student.VocabSize(), len(prompts), len(outputs)))
	}
	s := getScratch(teacher.VocabSize())
	defer scratchPool.Put(s)
	var sum float64
	var n int
	var seq []int
	for i, p := range prompts {
		if len(outputs[i]) == 0 || len(p) == 0 {
			continue
		}
		seq = append(append(seq[:0], p...), outputs[i]...)
		in := seq[:len(seq)-1]
		trows := teacher.NewState().Append(in)
		srows := student.NewState().Append(in)
		for t := len(p) - 1; t < len(in); t++ {
			sum += d.row(nil, trows[t], srows[t], 1, s)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}
