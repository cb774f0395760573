// Package tenet is a pure-Go SDK for learning from feedback: models that improve from
// verifiers, teachers, rewards, simulators and microscopes.
//
// tenet implements ten published systems on its own SIMD float32 tensor core. The root package
// holds only the small interfaces through which those systems meet; the work happens in the
// sub-packages.
//
// # Packages
//
//   - tensor: float32 n-dimensional arrays with broadcasting, reductions, matrix products
//     (an AVX-512/AVX2 assembly GEMM with a pure-Go twin) and the neural-network kernels
//     (convolution, pooling, layer norm, embedding gather) that autodiff builds on.
//   - autodiff: reverse-mode differentiation on a define-by-run tape, with layers (autodiff/nn)
//     and optimizers (autodiff/optim).
//   - lm: a GPT-2-compatible transformer language model with a KV cache, tokenizers, sampling
//     and supervised fine-tuning; ReST-EM self-training with binary feedback.
//   - distill: on-policy distillation (GKD) and exact and lossy speculative decoding
//     (DistillSpec).
//   - rl: value-based deep RL (BBF, ReDo, proto-value networks), representation learning on
//     tabular MDPs, and offline model selection with Bellman errors.
//   - sim: a data-driven multi-agent driving simulator in the manner of Waymax.
//   - stem: silicon-dopant hops in graphene under a scanning electron beam: a simulator, an
//     image-to-symbol pipeline, a learned rate model and a beam controller.
//
// # How the pieces meet
//
// Algorithm packages never import each other; they meet through the interfaces below. An
// [Environment] is an episodic decision problem with Gymnasium semantics; a [Policy] acts in
// it; a [Verifier] scores a proposed solution to a problem; a [Model] predicts Y from X, and
// may be a trained network or the exact process that the network imitates. A reinforcement
// learning agent from rl can therefore drive an environment from sim, and a beam controller in
// stem can plan with the true transition rates or a learned model of them interchangeably.
//
// # Conventions
//
// Numbers are float32 with float64 accumulation where precision matters. Every stochastic API
// takes a *rand.Rand (math/rand/v2) or a seed, and the same seed gives the same numbers whatever
// GOMAXPROCS is. Input from outside the program (files, datasets, user programs) produces
// errors; misuse of the math APIs (shape mismatches) panics with a message naming the operation
// and the shapes. The library never prints, logs to standard output or exits.
package tenet
