// Package autodiff is tenet's reverse-mode automatic differentiation: a define-by-run tape of
// differentiable tensor operations, a gradient checker, and (in subpackages) layers, optimizers
// and checkpoints.
//
// # Vars and the tape
//
// A Var holds a tensor value, the gradient accumulated for it, and whether it wants one.
// Parameters and inputs are leaves made with NewVar; every other var is the result of an
// operation, a method of Tape:
//
//	tp := autodiff.NewTape()
//	h := tp.ReLU(tp.Add(tp.MatMul(x, w1), b1)) // x (N, in), w1 (in, hidden), b1 (hidden)
//	y := tp.Add(tp.MatMul(h, w2), b2)
//	loss := tp.MSE(y, target)
//	tp.Backward(loss) // w1.Grad, b1.Grad, ... now hold ∂loss/∂θ
//
// Each operation computes its result immediately and, when one of its operands requires a
// gradient, appends a record to the tape: an op code, the operands and output, and what the
// backward pass needs (saved probabilities, argmax indices, an im2col buffer). Backward walks
// the records in reverse and accumulates: a var used twice receives both contributions, and an
// operation whose output received no gradient is skipped. Operations on vars that need no
// gradient record nothing. There is no global state: tapes on different goroutines are
// independent.
//
// Leaf gradients accumulate across backward passes, as in PyTorch: zero them between steps
// with ZeroGrad, or drop them with ClearGrad (PyTorch's set_to_none), after which the next
// backward pass writes each gradient into the kept storage instead of adding it to zeros.
//
// # Reuse: a training step that does not allocate
//
// A tape owns the storage of what it hands out: intermediate vars, their values, their
// gradients and the saved tensors. Reset forgets the records and recycles that storage in
// order: the i-th tensor requested after Reset reuses the i-th tensor of the previous pass when
// the shapes agree, and is replaced when they do not. A training loop that repeats the same
// computation on one tape therefore allocates nothing once warm:
//
//	tp := autodiff.NewTape()
//	for step := range steps {
//		tp.Reset()
//		loss := model.Loss(tp, batch)
//		autodiff.ZeroGrad(params)
//		tp.Backward(loss)
//		opt.Step()
//	}
//
// The price is that vars and tensors returned by a tape are valid only until its next Reset:
// copy (Clone) whatever must outlive the step. Operations that read caller-owned slices
// (targets, ids, indices) keep them until Backward; their docs say so.
//
// # Inference without recording
//
// Two ways run the same code without recording. A nil *Tape is valid for every operation: it
// records nothing and allocates each result, which suits a one-off evaluation. A tape with
// SetGradEnabled(false) records nothing but still recycles storage through Reset, which suits
// loops: acting in an environment, decoding token by token. Layers behave accordingly (dropout
// is active only on a recording tape).
//
// # Operations
//
// Element-wise arithmetic with numpy broadcasting (Add, Sub, Mul, Div, Pow, Maximum, Minimum),
// scalar forms (AddScalar, MulScalar, PowScalar, Clamp), unary functions and activations (Neg,
// Abs, Exp, Log, Sqrt, Square, Tanh, Sigmoid, ReLU, GELU, GELUErf, Softplus, Swish), matrix
// products (MatMul, MatMulT: 2-D, batched, shared right operand, transposes folded in; Linear,
// a product plus a bias in one pass; LinearReLU, the same with its rectifier applied in place),
// reductions (Sum, Mean, Max over an axis; SumAll, MeanAll), Softmax and LogSoftmax, losses
// (CrossEntropy with an ignore index or weights, MSE, Huber), Embedding, LayerNorm, Dropout,
// shape operations (Reshape, Flatten, Transpose, Permute, Concat, Split, Narrow, Pad),
// Conv2D, MaxPool2D, TakeAlong (gather along an axis), Where (masking), Detach
// (stop-gradient), L2Normalize, and scaled dot-product Attention (causal, with a KV offset;
// SelfAttentionQKV for GPT-2's packed projection).
//
// CrossEntropy (softmax with the loss), LayerNorm, Attention and LinearReLU are fused: one
// record with a hand-written backward pass instead of a chain of primitive ones. Kernels
// follow llm.c: forward/backward pairs over plain slices, with the shapes in comments.
//
// # Checking gradients
//
// GradCheck compares Backward with central finite differences accumulated in float64; every
// operation in the package is tested with it, including broadcasting and reused operands.
//
// # Concurrency
//
// A Tape is not safe for concurrent use. Leaf vars may be shared by tapes on several goroutines
// for forward passes; Backward writes leaf gradients, so concurrent backward passes need
// separate parameter copies (or external synchronisation).
//
// DataParallel is that synchronisation for training: it splits a batch's loss into shards,
// runs each shard's forward and backward pass on a replica tape of its own, all at once, with
// every replica but the first accumulating into private gradient storage, and sums the
// replicas' gradients into the parameters'. On small models, whose products are too small to
// split across cores well, a replica per core is the faster use of the cores (lm's nanoGPT
// benchmark trains 1.4–1.55× faster on two cores this way than with each product split in two).
package autodiff
