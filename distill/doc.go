// Package distill implements knowledge distillation and speculative decoding for the
// language models of package lm: generalized knowledge distillation, GKD ("On-Policy
// Distillation of Language Models: Learning from Self-Generated Mistakes", Agarwal et al.,
// arXiv 2306.13649), exact and lossy speculative decoding (Leviathan et al. 2023, "Fast
// Inference from Transformers via Speculative Decoding"), and the draft distillation of
// DistillSpec ("DistillSpec: Improving Speculative Decoding via Knowledge Distillation",
// Zhou et al., arXiv 2310.08461).
//
// Throughout, P is the teacher's (the target's) next-token distribution and Q the
// student's (the draft's).
//
// # Divergences
//
// A Divergence compares P and Q over the full vocabulary, position by position:
//
//	forward KL   KL(P‖Q) = Σ P log(P/Q)                  ∂/∂z = Q − P
//	reverse KL   KL(Q‖P) = Σ Q log(Q/P)                  ∂/∂z_j = Q_j (log Q_j/P_j − KL)
//	JSD(β)       β·KL(P‖M) + (1−β)·KL(Q‖M),  M = βP + (1−β)Q
//	                                                      ∂/∂z_j = (1−β) Q_j (log Q_j/M_j − KL(Q‖M))
//	TVD          ½ Σ |P − Q|                             ∂/∂z_j = Q_j (s_j − Σ Q s),  s = ½ sign(Q − P)
//
// where z are the student's logits (Q = softmax(z/T)); the teacher is a constant. JSD(β)
// tends to β·KL(P‖Q) as β → 0 and to (1−β)·KL(Q‖P) as β → 1, so the loss itself vanishes
// at the ends; β = 0 and β = 1 are therefore computed as forward and reverse KL exactly, as
// the GKD paper intends. JSD(0.5) is symmetric and at most log 2. Row evaluates one position,
// Batch a masked batch (the token average Σ wᵢDᵢ/Σ wᵢ, the GKD loss), Loss attaches a batch
// to an autodiff tape, and Between compares two probability vectors.
//
// # GKD
//
// GKD minimises L = (1−λ)·E_{(x,y)~data}[D] + λ·E_{x, y~student}[D], with D the
// token-averaged divergence along the output y. Algorithm 1 of the paper, which Trainer.Step
// follows: draw u ~ U(0, 1) once per batch; if u ≤ λ, sample the outputs from the current
// student (no gradient through sampling); otherwise take them from the fixed data; run the
// teacher without recording; take a gradient step on D. The same Trainer gives the
// baselines the paper compares with: supervised KD (λ = 0, forward KL on fixed data), SeqKD
// (negative log-likelihood of teacher-generated outputs) and SFT (negative log-likelihood
// of the fixed outputs). With a reward (a tenet.Verifier) it optimises the paper's RL +
// GKD objective (1−α)·E[r] − α·E[D] on student-generated batches. The paper finds
// on-policy data (λ = 1) best, and forward KL with λ = 1 best on GSM8K-style arithmetic;
// the best divergence otherwise depends on the task.
//
// # Speculative decoding
//
// SpeculativeDecode lets a cheap draft propose γ tokens x₁…x_γ, sampled from its
// distributions qᵢ, that the target scores in one call, giving p₁…p_{γ+1}. Token xᵢ is
// accepted with probability min(1, pᵢ(xᵢ)/qᵢ(xᵢ)); at the first rejection a replacement is
// drawn from norm(max(0, pᵢ − qᵢ)); if all are accepted a bonus token is drawn from
// p_{γ+1}. The output is distributed exactly as the target's own samples. A token is
// accepted with probability β = Σ min(p, q) = 1 − TVD(p, q); with α = E[β] the expected
// number of tokens per target call is (1 − α^{γ+1})/(1 − α) (ExpectedTokensPerCall), and
// the expected speedup is (1 − α^{γ+1})/((1 − α)(γc + 1)) for a draft costing c target
// calls (ExpectedSpeedup). At temperature 0 both distributions are one-hot, a token is
// accepted iff it is the target's argmax, and the output is the target's greedy output.
//
// Lossy speculative decoding (DistillSpec) accepts with probability
// min(1, f(p(x), ε)/q(x)) for a lenience ε ∈ (0, 1] and a function f with f(p, 1) = p:
// the paper studies p/ε (Leviathan et al.'s lenience factor), p/ε² and p^ε. Acceptance
// rises, and the output distribution moves from the target's toward the draft's; see
// SpeculativeDecode for the exact form.
//
// # DistillSpec
//
// DistillSpec distils the draft toward the target before speculative decoding, to raise α.
// With this package: train the draft as the Trainer's student and the target as its
// teacher, choosing the data (GKDOptions.Lambda for draft-generated, on-policy data;
// TeacherFraction for target-generated; the rest fixed data) and the divergence (FKL, RKL,
// JSD(β) or TVD — TVD directly maximises the acceptance rate). The paper finds on-policy
// data among the best choices, and the best divergence dependent on the task and on
// greedy versus sampled decoding.
//
// Distillation pays when the target's distribution holds something the draft's training data
// does not: a target with conventions of its own, as separately trained models have. When
// target and draft learned the same data and the target adds little to it, as many further
// supervised steps of the draft gain as much; examples/distillspec measures both cases.
//
// # Pitfalls, and how this package avoids them
//
// Widely used implementations have shipped each of these mistakes:
//
//   - The JSD mixture formed from log-probabilities (log M = β log P + (1−β) log Q) instead
//     of probabilities: here log M is a log-sum-exp of log β + log P and log(1−β) + log Q,
//     tested against closed forms.
//   - Swapped mixture weights: here M = βP + (1−β)Q with P the teacher, so JSD(β)/β → KL(P‖Q)
//     as β → 0 (tested), and β = 0 is exactly forward KL.
//   - On-policy data with probability 1−λ instead of λ: the source draw is tested to give
//     student data with frequency λ.
//   - The generation temperature leaking into the loss: GKDOptions.SampleTemperature is used
//     only by the samplers; the loss uses the Divergence's own temperature, 1 by default
//     (tested at a sampling temperature of 3).
//   - Padding masked by token id, so that an end token equal to the pad token is never
//     trained on: masks here are per position (tested with end = pad).
//   - Negative JSD from low-precision arithmetic: every divergence is accumulated in float64
//     and clamped at 0.
//   - A q that is not the distribution the draft sampled from (raw logits, or without the
//     target's temperature/top-k/top-p): both p and q come from lm.Distribution with the
//     same options, and the draft samples from exactly that q.
//   - Stale caches after a rejection: both states are truncated to the accepted prefix, and
//     the next round feeds the draft the replacement (or bonus) token together with any
//     accepted token it never saw; tests step the decoder round by round and compare the
//     states with fresh ones on a model whose logits depend on the whole prefix.
//   - A residual with no mass (possible only through rounding, when p and q agree): the
//     replacement is then drawn from p.
//
// # Simplifications
//
// Speculative decoding runs one sequence at a time (the target's batch dimension is the γ+1
// verified positions). The RL term uses REINFORCE with the batch-mean reward as baseline
// rather than the paper's policy-gradient setup. The teacher is queried through
// lm.Model inference states, one Append per sequence, so any model (including exact stand-ins
// such as lm.BigramModel) can teach; a teacher with a batched Forward pass (lm.Transformer)
// is run once per batch instead, and a model with GenerateBatch samples a batch's outputs in
// batched passes.
//
// # Concurrency
//
// Divergence values are safe for concurrent use, and so is SpeculativeDecode given a
// *rand.Rand per goroutine; a Trainer is not. Batch and the trainer's teacher pass spread work over GOMAXPROCS
// goroutines with results independent of their number.
package distill
