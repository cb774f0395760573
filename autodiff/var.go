package autodiff

import "github.com/tenet-ml/tenet/tensor"

// Var is a value in a differentiable computation: a tensor, the gradient accumulated for it by
// Backward, and whether a gradient is wanted at all. Operations on vars that need no gradient
// record nothing on the tape.
//
// Vars made by NewVar (leaves, such as parameters and inputs) keep their Grad across backward
// passes: Backward adds to it, and the caller zeroes it (ZeroGrad) between steps. Vars made by a
// tape's operations (intermediates) belong to the tape: their Value and Grad are storage the
// tape recycles at Reset, and an intermediate's Grad is only meaningful while Backward needs
// it (an addition hands its output's finished gradient on to an operand, which may accumulate
// further contributions into the same storage).
type Var struct {
	// Value is the tensor this var holds.
	Value *tensor.Tensor
	// Grad is the gradient of the loss with respect to Value, with Value's shape. It is nil
	// until a backward pass reaches the var or the caller allocates it.
	Grad *tensor.Tensor
	// RequiresGrad reports whether gradients flow to this var.
	RequiresGrad bool

	node  bool           // made by a tape operation (an intermediate), not a leaf
	epoch uint64         // backward pass in which an intermediate's Grad was last zeroed
	spare *tensor.Tensor // a leaf's gradient storage set aside by ClearGrad
}

// Param is a named trainable var, as layers list them in Params: the name is stable (for
// example "h.0.attn.c_attn.weight") so that optimizers, checkpoints and utilities can address
// the parameter.
type Param struct {
	Name string
	*Var
}

// NewVar returns a leaf var holding value. With requiresGrad set, Backward accumulates the
// gradient of the loss into its Grad.
func NewVar(value *tensor.Tensor, requiresGrad bool) *Var {
	return &Var{Value: value, RequiresGrad: requiresGrad}
}

// Shape returns the shape of v's value.
func (v *Var) Shape() []int { return v.Value.Shape() }

// ZeroGrad sets the gradient of every parameter to zero (leaving nil gradients nil).
func ZeroGrad(params []Param) {
	for _, p := range params {
		if p.Var != nil && p.Grad != nil {
			clear(p.Grad.Data())
		}
	}
}

// ClearGrad sets the gradient of every parameter to nil, as PyTorch's
// zero_grad(set_to_none=True) does, but keeps its storage: the next backward pass that reaches
// a parameter writes its gradient into that storage instead of adding it to zeros, which saves
// the pass that zeroing takes and the read that adding takes. A parameter that no backward pass
// reaches keeps a nil Grad, and optimizers skip it (see optim.Optimizer.Step); with ZeroGrad it
// would instead take part in the step with a zero gradient.
func ClearGrad(params []Param) {
	for _, p := range params {
		if p.Var != nil && p.Grad != nil {
			p.spare, p.Grad = p.Grad, nil
		}
	}
}

// restoreGrad gives the leaf v a Grad again after ClearGrad, reusing the storage set aside when
// its shape still fits v's value and allocating otherwise. With zero set the gradient is zeroed;
// without it, the reused storage keeps the old gradient's values, which the caller overwrites.
func (v *Var) restoreGrad(zero bool) *tensor.Tensor {
	g := v.spare
	v.spare = nil
	if g == nil || !g.SameShape(v.Value) {
		v.Grad = tensor.New(v.Value.Shape()...)
		return v.Grad
	}
	if zero {
		clear(g.Data())
	}
	v.Grad = g
	return g
}
