package autodiff

import "github.com/tenet-ml/tenet/tensor"

// Var is a value in a differentiable computation: a tensor, the gradient accumulated for it by
// Backward, and whether a gradient is wanted at all. Operations on vars that need no gradient
// record nothing on the tape.
type Var struct {
	// Value is the tensor this var holds.
	Value *tensor.Tensor
	// Grad is the gradient of the loss with respect to Value, with Value's shape. It is nil
	// until a backward pass reaches the var or the caller allocates it.
	Grad *tensor.Tensor
	// RequiresGrad reports whether gradients flow to this var.
	RequiresGrad bool
}

// Param is a named trainable var, as layers list them in Params: the name is stable (for
// example "h.0.attn.c_attn.weight") so that optimizers, checkpoints and utilities can address
// the parameter.
type Param struct {
	Name string
	*Var
}
