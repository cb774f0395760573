// Package nn provides neural-network layers on the autodiff tape, their initialisers, and the
// parameter utilities reinforcement-learning methods rely on.
//
// # Layers
//
// A layer is a plain struct holding its parameters as *autodiff.Var fields, built by a
// constructor that takes a name prefix and a seeded *rand.Rand:
//
//	fc := nn.NewLinear("fc1", 784, 256, rng)    // W (784, 256), B (256)
//	y := fc.Forward(tp, x)                      // x·W + b on tape tp
//	fc.Params()                                 // [fc1.weight fc1.bias]
//
// Params returns the parameters with stable names and order; containers prefix their
// children's names, so a GPT-2 block built with NewBlock("h.0", …) lists h.0.ln_1.weight,
// h.0.attn.c_attn.weight, …, h.0.mlp.c_proj.bias, the names Hugging Face checkpoints use.
// Linear stores its weight (in, out) and computes x·W + b, GPT-2's Conv1D layout; loaders of
// formats that store (out, in) transpose.
//
// The layers are Linear, Embedding, LayerNorm, Conv2D, MaxPool2D, Dropout, MLP,
// CausalSelfAttention (GPT-2's c_attn/c_proj with fused causal attention) and Block (a pre-LN
// transformer block). Forward takes the tape; a nil tape or one with gradients disabled runs
// the layer for inference (dropout is then the identity). Compose them in ordinary Go: a
// network is a struct of layers with a Forward method and a Params method that concatenates
// its layers' parameters.
//
// # Initialisers
//
// Init is a function filling a parameter from its fan-in and fan-out: Zeros, Constant,
// Normal(std), Uniform, FanInUniform (PyTorch's default for Linear and Conv2d, used by the
// constructors), XavierUniform, XavierNormal, HeUniform and HeNormal. Each layer records its
// initialisers, and Init(rng) redraws its parameters from them.
//
// # Parameter utilities
//
// CopyParams synchronises a target network; Polyak applies the soft update
// θ_target ← (1−τ)θ_target + τθ; ShrinkPerturb blends the parameters with a fresh draw from the
// layer's own initialisers (θ ← αθ + (1−α)θ_fresh), as BBF does at resets; ReinitUnits
// re-initialises selected neurons of a Linear or Conv2D layer (incoming weights redrawn, bias
// zeroed, outgoing weights in the next layer zeroed), as ReDo recycles dormant neurons. Clone
// methods make deep copies for target networks.
//
// # Activation capture
//
// Layers report their post-activation outputs through autodiff.Tape.Observe. Turn capture on
// with tp.SetCapture(true), run a forward pass, and read tp.Captured(); UnitActivity turns an
// activation into ReDo's per-neuron mean |activation| (per channel for convolutions). Custom
// networks call tp.Observe themselves after each activation they want measured.
//
// # Concurrency
//
// Layers hold no per-call state: several goroutines may run Forward on one layer with their
// own tapes, as long as none updates the parameters meanwhile.
package nn
