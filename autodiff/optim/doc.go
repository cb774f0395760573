// Package optim provides the optimizers, gradient clipping and learning-rate schedules that
// train tenet's models: SGD (momentum, Nesterov), Adam, AdamW and RMSProp (centered, with
// PyTorch's or TensorFlow's placement of ε).
//
// # Usage
//
// An optimizer is built over the named parameters a model lists ([autodiff.Param]) and a plain
// configuration struct. Each training step computes gradients into the parameters' Grad
// tensors, optionally clips them, sets the learning rate from a [Schedule] and calls Step:
//
//	opt := optim.NewAdamW(model.Params(), optim.AdamConfig{WeightDecay: 0.1, Decay: optim.DecayMatrices})
//	sched := optim.WarmupCosine(6e-4, 6e-5, 100, 5000)
//	for step := int64(0); step < 5000; step++ {
//		opt.ZeroGrad()
//		// forward and backward ...
//		optim.ClipGradNorm(opt.Params(), 1.0)
//		opt.SetLR(sched(step))
//		opt.Step()
//	}
//
// A parameter whose Grad is nil is skipped by Step (its value, state and step count stay
// unchanged), as PyTorch skips parameters whose .grad is None. ZeroGrad zeroes gradients in
// place; ClearGrad sets them to nil (PyTorch's zero_grad(set_to_none=True)) and keeps their
// storage, which the next backward pass overwrites instead of adding to zeros. ClearGrad saves
// a pass over every gradient per step; use ZeroGrad when a parameter that the loss does not
// reach must still take a step with a zero gradient (Adam's moments then decay).
//
// # Update rules
//
// The updates follow torch.optim (PyTorch 1.13 to 2.x, single-tensor path) formula for formula,
// in float32 arithmetic with the per-step scalars (bias corrections, step sizes) computed in
// float64. Below g is the gradient, θ the parameter, η the learning rate, λ the weight decay
// and t the parameter's step count, starting at 1 for its first update.
//
// SGD ([NewSGD]), with momentum μ, dampening τ:
//
//	d = g + λθ
//	b = d                        at the first step (PyTorch initialises the buffer so)
//	b = μ·b + (1−τ)·d            afterwards
//	θ ← θ − η·(d + μ·b)          Nesterov
//	θ ← θ − η·b                  otherwise (θ ← θ − η·d without momentum)
//
// Adam ([NewAdam]) with L2 weight decay, and AdamW ([NewAdamW]) with decoupled weight decay:
//
//	AdamW: θ ← θ·(1 − ηλ);  Adam: g ← g + λθ
//	m ← β1·m + (1−β1)·g
//	v ← β2·v + (1−β2)·g²
//	θ ← θ − (η / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
//
// Note that ε is added after the bias correction of v, as PyTorch does; the paper's
// m̂/(√v̂ + ε) is the same formula. The defaults are η = 1e-3, β1 = 0.9, β2 = 0.999, ε = 1e-8.
// Weight decay defaults to zero for both (PyTorch's AdamW defaults λ to 0.01).
//
// RMSProp ([NewRMSProp]) with decay α (TensorFlow's rho or decay):
//
//	d = g + λθ
//	s ← α·s + (1−α)·d²
//	centered: ḡ ← α·ḡ + (1−α)·d,  s' = s − ḡ²;  otherwise s' = s
//	den = √s' + ε                (PyTorch, the default)
//	den = √(s' + ε)              (TensorFlow, EpsInsideSqrt)
//	momentum μ > 0: b ← μ·b + d/den,  θ ← θ − η·b;  otherwise θ ← θ − η·d/den
//
// The two ε conventions differ a lot when s is small: with ε = 1e-5, √(s+ε) ≥ 0.0032 bounds the
// step, while √s + ε lets it grow to η·d/1e-5. DQN (Mnih et al., 2015) used TensorFlow-style
// centered RMSProp (Dopamine: η = 2.5e-4, α = 0.95, ε = 1e-5, centered); choose EpsInsideSqrt
// to reproduce it. Two further TensorFlow differences are not modelled: TensorFlow puts η
// inside the momentum buffer (b ← μ·b + η·d/den), which only matters when η changes, and
// TensorFlow 1's RMSPropOptimizer starts s at one rather than zero.
//
// # Weight decay opt-out
//
// Every configuration has a Decay field, a [DecayFunc] that selects the parameters weight
// decay applies to; nil means all of them. [DecayMatrices] exempts parameters of rank below
// two — biases and layer-norm gains — the GPT-2 and nanoGPT convention; any predicate on the
// parameter's name or shape works.
//
// # State
//
// Each optimizer keeps, per parameter, a step count and buffers of the parameter's shape under
// PyTorch's names ("exp_avg", "exp_avg_sq", "momentum_buffer", "square_avg", "grad_avg"). They
// are allocated at the first Step that sees a gradient for the parameter; after that, Step
// allocates nothing. The state can be read and reset at three grains, which RL methods need:
// [Optimizer.ResetElements] zeroes chosen elements (ReDo zeroes the moments of recycled
// units), [Optimizer.ResetState] one parameter, and [Optimizer.Reset] everything (BBF's
// network resets). [Optimizer.ExportState] and [Optimizer.ImportState] copy the full state out
// and in, which package checkpoint uses to save and resume training exactly.
//
// # Clipping and schedules
//
// [ClipGradNorm] scales all gradients together so that their global L2 norm (accumulated in
// float64) is at most a bound, with torch.nn.utils.clip_grad_norm_'s coefficient
// min(1, max/(norm + 1e-6)), and returns the norm before clipping.
//
// A [Schedule] maps a step to a learning rate: [Constant], [Linear] (warmup or decay),
// [LinearWarmup], [Cosine] (decay to a floor) and [Then], which chains phases;
// [WarmupCosine] is the usual language-model schedule.
//
// # Performance
//
// The update loops are scalar float32 code without bounds checks, on one goroutine; Adam on
// the 270k parameters of a 784-256-256-10 MLP takes about 0.9 ms (BenchmarkAdamStep), limited
// by the square root and division per element. SGD takes about a third of that.
//
// Optimizers are not safe for concurrent use; schedules are.
package optim
