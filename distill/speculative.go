package distill

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/tenet-ml/tenet/lm"
)

// Lenience is the acceptance function f(p, ε) of lossy speculative decoding: a draft token x
// is accepted with probability min(1, f(p(x), ε)/q(x)). It must satisfy f(p, 1) = p (the
// exact algorithm) and f(p, ε) ≥ p for ε in (0, 1]; it receives p in [0, 1] and ε in (0, 1].
type Lenience func(p, eps float64) float64

// LenienceLinear is f(p, ε) = p/ε, the lenience factor of Leviathan et al.
func LenienceLinear(p, eps float64) float64 { return p / eps }

// LenienceSquare is f(p, ε) = p/ε².
func LenienceSquare(p, eps float64) float64 { return p / (eps * eps) }

// LeniencePower is f(p, ε) = p^ε.
func LeniencePower(p, eps float64) float64 { return math.Pow(p, eps) }

// SpecOptions configure SpeculativeDecode.
type SpecOptions struct {
	// Sampling turns each row of logits, of the target and of the draft alike, into the
	// distribution a token is drawn from (lm.Distribution). Its zero value is greedy
	// decoding, whose output is exactly the target's greedy output.
	Sampling lm.SamplingOptions
	// Gamma is the number of tokens the draft proposes per round (γ ≥ 1).
	Gamma int
	// MaxNewTokens, if positive, bounds the number of tokens generated. With 0, decoding runs
	// until a stop token or the target's MaxLen.
	MaxNewTokens int
	// StopTokens end the generation when produced; the stop token is kept as the last token.
	StopTokens []int
	// Lenience, if not nil, makes decoding lossy: a draft token x is accepted with
	// probability min(1, Lenience(p(x), Epsilon)/q(x)) instead of min(1, p(x)/q(x)).
	// nil is the exact algorithm.
	Lenience Lenience
	// Epsilon is the lenience parameter ε in (0, 1]; 0 means 1 (exact for the built-in
	// lenience functions). It is ignored when Lenience is nil.
	Epsilon float64
}

// SpecStats describe one speculative decoding run (or, summed with Add, several).
type SpecStats struct {
	// Tokens is the number of tokens generated.
	Tokens int
	// TargetCalls is the number of target Append calls: one per round (the prompt is fed
	// with the first round's verification).
	TargetCalls int
	// DraftCalls is the number of draft Append calls.
	DraftCalls int
	// Proposed is the number of draft tokens put to the accept test; Accepted of them
	// were accepted.
	Proposed, Accepted int
	// Stop says why decoding ended (for a sum, the reason of the last run added).
	Stop lm.StopReason
	// Duration is the wall time.
	Duration time.Duration
}

// AcceptanceRate returns Accepted/Proposed, the empirical per-token acceptance rate α (0 if
// nothing was proposed). For exact decoding its expectation is E[Σ min(p, q)] = 1 − E[TVD].
func (s SpecStats) AcceptanceRate() float64 {
	if s.Proposed == 0 {
		return 0
	}
	return float64(s.Accepted) / float64(s.Proposed)
}

// BlockEfficiency returns Tokens/TargetCalls, the mean number of tokens per target call (0
// if there was none). Plain decoding has block efficiency 1; speculative decoding at most
// γ+1.
func (s SpecStats) BlockEfficiency() float64 {
	if s.TargetCalls == 0 {
		return 0
	}
	return float64(s.Tokens) / float64(s.TargetCalls)
}

// Add accumulates o into s.
func (s *SpecStats) Add(o SpecStats) {
	s.Tokens += o.Tokens
	s.TargetCalls += o.TargetCalls
	s.DraftCalls += o.DraftCalls
	s.Proposed += o.Proposed
	s.Accepted += o.Accepted
	s.Stop = o.Stop
	s.Duration += o.Duration
}

// ExpectedTokensPerCall returns the expected number of tokens produced per target call,
// (1 − α^{γ+1})/(1 − α), when each draft token is accepted independently with probability
// alpha (γ+1 at α = 1).
func ExpectedTokensPerCall(alpha float64, gamma int) float64 {
	if alpha >= 1 {
		return float64(gamma + 1)
	}
	return (1 - math.Pow(alpha, float64(gamma+1))) / (1 - alpha)
}

// ExpectedSpeedup returns the expected wall-clock speedup of speculative over plain
// decoding, (1 − α^{γ+1}) / ((1 − α)(γc + 1)), where c is the cost of one draft call
// relative to one target call, and a target call verifying γ+1 tokens is assumed to cost
// as much as one decoding step.
func ExpectedSpeedup(alpha float64, gamma int, c float64) float64 {
	return ExpectedTokensPerCall(alpha, gamma) / (float64(gamma)*c + 1)
}

// AcceptanceProbability returns Σ min(p, q), the probability that exact speculative decoding
// accepts a token drawn from q when the target's distribution is p; it equals 1 − TVD(p, q).
func AcceptanceProbability(p, q []float32) float64 {
	if len(p) != len(q) {
		panic(fmt.Sprintf("distill: AcceptanceProbability: lengths %d and %d", len(p), len(q)))
	}
	var s float64
	for i := range p {
		s += float64(min(p[i], q[i]))
	}
	return s
}

// SpeculativeDecode continues prompt with tokens of the target model, using the draft model
// to propose Gamma tokens per round that the target verifies with a single Append
// (Leviathan et al. 2023; Chen et al. 2023). It returns the generated tokens (without the
// prompt) and statistics.
//
// Each round: the draft samples x₁…x_γ, each xᵢ from qᵢ = lm.Distribution(draft logits,
// opts.Sampling); the target is fed the pending tokens and x₁…x_γ in one Append, which
// gives its rows p₁…p_{γ+1} = lm.Distribution(target logits, opts.Sampling); xᵢ is
// accepted with probability min(1, pᵢ(xᵢ)/qᵢ(xᵢ)) in order; at the first rejection a
// token is drawn from norm(max(0, pᵢ − qᵢ)) (from pᵢ if that has no mass) and the round
// ends; if all γ are accepted a bonus token is drawn from p_{γ+1}. Both states are then
// truncated to the accepted prefix; the corrected or bonus token (and, after a full
// acceptance, x_γ, which the draft never fed) is fed to the draft at the start of the next
// round, in the same Append that yields its next distribution. So every round costs one
// target call and γ draft calls, and the output is distributed exactly as the target's
// own samples with opts.Sampling (greedy decoding gives exactly the target's greedy
// output), whatever the draft. A round proposes fewer than γ tokens near the token budget
// or the context end, and none when the draft's context is full.
//
// With opts.Lenience set, acceptance is min(1, f(pᵢ(xᵢ), ε)/qᵢ(xᵢ)) and the residual is
// still norm(max(0, pᵢ − qᵢ)): for ε < 1 the output is no longer the target's
// distribution. At one position it is min(q, f(p)) + (1 − Σ min(q, f(p)))·norm(max(0,
// p − q)): tokens the draft over-proposes (q > p) are accepted more often than the target
// would produce them, so the output moves from p toward q as ε falls (for f = p/ε, to q
// itself as ε → 0: everything the draft proposes is accepted). Tokens with p = 0 are
// still never accepted by p/ε and p/ε².
//
// Generation stops at a stop token (kept as the last token), after MaxNewTokens tokens, or
// when prompt and generation reach the target's MaxLen. It returns an error, before
// decoding, for an empty prompt, a prompt longer than the target's MaxLen, a token or stop
// token outside the vocabulary, models with different vocabularies, Gamma < 1, a negative
// MaxNewTokens, an Epsilon outside [0, 1] or invalid sampling options. If ctx is canceled
// it returns the tokens so far, with Stop = lm.StopCanceled and ctx's error. All
// randomness comes from rng: the same seed gives the same tokens.
func SpeculativeDecode(ctx context.Context, target, draft lm.Model, prompt []int, opts SpecOptions, rng *rand.Rand) ([]int, SpecStats, error) {
	start := time.Now()
	d, err := newSpecDecoder(target, draft, opts)
	if err != nil {
		return nil, SpecStats{}, err
	}
	if err := d.reset(prompt); err != nil {
		return nil, SpecStats{}, err
	}
	for d.stats.Stop == 0 {
		if err := ctx.Err(); err != nil {
			d.stats.Stop = lm.StopCanceled
			d.stats.Duration = time.Since(start)
			return d.generated(), d.stats, err
		}
		d.round(rng)
	}
	d.stats.Duration = time.Since(start)
	return d.generated(), d.stats, nil
}

// specDecoder holds the two states of one speculative decoding and their bookkeeping.
//
// Invariant between rounds: seq is the prompt and the tokens generated so far; the target
// state has been fed seq[:tFed] and the draft state seq[:dFed], both shorter than seq, so
// that each has pending tokens whose last row gives the next distribution.
type specDecoder struct {
	target, draft lm.Model
	ts, ds        lm.State
	opts          SpecOptions
	eps           float64
	stop          []bool
	vocab         int

	seq        []int
	promptLen  int
	tFed, dFed int

	drafts []int
	q      [][]float32 // q[i] is the distribution x_{i+1} was drawn from
	p      []float32
	resid  []float32
	feed   []int

	stats SpecStats
}

func newSpecDecoder(target, draft lm.Model, opts SpecOptions) (*specDecoder, error) {
	if target == nil || draft == nil {
		return nil, errors.New("distill: SpeculativeDecode: nil model")
	}
	v := target.VocabSize()
	if dv := draft.VocabSize(); dv != v {
		return nil, fmt.Errorf("distill: SpeculativeDecode: target vocabulary %d, draft %d", v, dv)
	}
	if opts.Gamma < 1 {
		return nil, fmt.Errorf("distill: SpeculativeDecode: Gamma %d < 1", opts.Gamma)
	}
	if opts.MaxNewTokens < 0 {
		return nil, fmt.Errorf("distill: SpeculativeDecode: MaxNewTokens %d < 0", opts.MaxNewTokens)
	}
	if err := checkSampling(opts.Sampling); err != nil {
		return nil, err
	}
	eps := opts.Epsilon
	if !(eps >= 0 && eps <= 1) {
		return nil, fmt.Errorf("distill: SpeculativeDecode: Epsilon %v outside (0, 1]", eps)
	}
	if eps == 0 {
		eps = 1
	}
	stop := make([]bool, v)
	for _, t := range opts.StopTokens {
		if t < 0 || t >= v {
			return nil, fmt.Errorf("distill: SpeculativeDecode: stop token %d outside the vocabulary of %d", t, v)
		}
		stop[t] = true
	}
	d := &specDecoder{target: target, draft: draft, opts: opts, eps: eps, stop: stop, vocab: v,
		drafts: make([]int, opts.Gamma), q: make([][]float32, opts.Gamma),
		p: make([]float32, v), resid: make([]float32, v)}
	for i := range d.q {
		d.q[i] = make([]float32, v)
	}
	return d, nil
}

func checkSampling(o lm.SamplingOptions) error {
	if !(o.Temperature >= 0) || math.IsInf(o.Temperature, 1) {
		return fmt.Errorf("distill: sampling temperature %v must be finite and >= 0", o.Temperature)
	}
	if o.TopK < 0 {
		return fmt.Errorf("distill: sampling TopK %d < 0", o.TopK)
	}
	if !(o.TopP >= 0 && o.TopP <= 1) {
		return fmt.Errorf("distill: sampling TopP %v outside [0, 1]", o.TopP)
	}
	return nil
}

// reset starts decoding prompt with fresh states.
func (d *specDecoder) reset(prompt []int) error {
	if len(prompt) == 0 {
		return errors.New("distill: SpeculativeDecode: empty prompt")
	}
	if len(prompt) > d.target.MaxLen() {
		return fmt.Errorf("distill: SpeculativeDecode: prompt of %d tokens exceeds the target's MaxLen %d", len(prompt), d.target.MaxLen())
	}
	for i, t := range prompt {
		if t < 0 || t >= d.vocab {
			return fmt.Errorf("distill: SpeculativeDecode: prompt token %d at %d outside the vocabulary of %d", t, i, d.vocab)
		}
	}
	d.ts, d.ds = d.target.NewState(), d.draft.NewState()
	d.seq = append(d.seq[:0], prompt...)
	d.promptLen = len(prompt)
	d.tFed, d.dFed = 0, 0
	d.stats = SpecStats{}
	d.checkEnd()
	return nil
}

func (d *specDecoder) generated() []int {
	return append([]int(nil), d.seq[d.promptLen:]...)
}

// checkEnd sets the stop reason if the budget or the context is exhausted.
func (d *specDecoder) checkEnd() {
	switch {
	case d.opts.MaxNewTokens > 0 && len(d.seq)-d.promptLen >= d.opts.MaxNewTokens:
		d.stats.Stop = lm.StopMaxNewTokens
	case len(d.seq) >= d.target.MaxLen():
		d.stats.Stop = lm.StopMaxLen
	}
}

// emit appends a generated token and reports whether it ends decoding.
func (d *specDecoder) emit(t int) bool {
	d.seq = append(d.seq, t)
	d.stats.Tokens++
	if d.stop[t] {
		d.stats.Stop = lm.StopToken
		return true
	}
	return false
}

// round runs one draft-and-verify round, producing at least one token.
func (d *specDecoder) round(rng *rand.Rand) {
	base := len(d.seq)
	// g draft tokens: the round then yields at most g+1 tokens, within the budget and the
	// target's context; the draft feeds base+g−1 tokens, within its context.
	g := min(d.opts.Gamma, d.target.MaxLen()-base-1, d.draft.MaxLen()-base+1)
	if d.opts.MaxNewTokens > 0 {
		g = min(g, d.opts.MaxNewTokens-(base-d.promptLen)-1)
	}
	g = max(g, 0)
	sampling := d.opts.Sampling

	// Draft: feed the pending tokens, then each proposal but the last.
	for i := range g {
		var row []float32
		if i == 0 {
			rows := d.ds.Append(d.seq[d.dFed:])
			row = rows[len(rows)-1]
		} else {
			row = d.ds.Append(d.drafts[i-1 : i])[0]
		}
		d.stats.DraftCalls++
		d.q[i] = lm.Distribution(d.q[i], row, sampling)
		d.drafts[i] = lm.Sample(d.q[i], rng)
	}

	// Target: one Append of the pending tokens and the proposals scores g+1 positions.
	d.feed = append(append(d.feed[:0], d.seq[d.tFed:]...), d.drafts[:g]...)
	rows := d.ts.Append(d.feed)
	d.stats.TargetCalls++
	rows = rows[len(rows)-(g+1):]

	k, done, rejected := 0, false, false
	for i := range g {
		p := lm.Distribution(d.p, rows[i], sampling)
		x := d.drafts[i]
		q := d.q[i]
		d.stats.Proposed++
		px, qx := float64(p[x]), float64(q[x])
		f := px
		if d.opts.Lenience != nil {
			f = d.opts.Lenience(px, d.eps)
		}
		if rng.Float64()*qx < f {
			d.stats.Accepted++
			k++
			if done = d.emit(x); done {
				break
			}
			continue
		}
		// Rejected: draw from the residual norm(max(0, p − q)), or from p if it is empty.
		var mass float32
		for j := range p {
			r := max(p[j]-q[j], 0)
			d.resid[j] = r
			mass += r
		}
		dist := d.resid
		if !(mass > 0) {
			dist = p
		}
		done = d.emit(lm.Sample(dist, rng))
		rejected = true
		break
	}
	if !done && !rejected {
		p := lm.Distribution(d.p, rows[g], sampling)
		done = d.emit(lm.Sample(p, rng))
	}
	if done {
		return
	}

	// Roll both states back to the accepted prefix seq[:base+k]; the token after it is
	// pending for both.
	if n := base + k; d.ts.Len() > n {
		d.ts.Truncate(n)
	}
	d.tFed = base + k
	if n := base + k; d.ds.Len() > n {
		d.ds.Truncate(n)
	}
	d.dFed = d.ds.Len()
	d.checkEnd()
}
