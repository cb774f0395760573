package autodiff

// Activation functions; they are element-wise unary operations (see unary.go).

// Tanh returns tanh x.
func (tp *Tape) Tanh(x *Var) *Var { return tp.unary(unTanh, x, 0, 0) }

// Sigmoid returns the logistic function 1/(1+e^−x).
func (tp *Tape) Sigmoid(x *Var) *Var { return tp.unary(unSigmoid, x, 0, 0) }

// ReLU returns max(x, 0); its gradient at 0 is taken as 0.
func (tp *Tape) ReLU(x *Var) *Var { return tp.unary(unReLU, x, 0, 0) }

// GELU returns the Gaussian error linear unit in the tanh approximation GPT-2 uses:
// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
func (tp *Tape) GELU(x *Var) *Var { return tp.unary(unGELU, x, 0, 0) }

// GELUErf returns the exact Gaussian error linear unit x·Φ(x).
func (tp *Tape) GELUErf(x *Var) *Var { return tp.unary(unGELUErf, x, 0, 0) }

// Softplus returns log(1 + eˣ), computed stably.
func (tp *Tape) Softplus(x *Var) *Var { return tp.unary(unSoftplus, x, 0, 0) }

// Swish returns x·σ(x) (SiLU).
func (tp *Tape) Swish(x *Var) *Var { return tp.unary(unSwish, x, 0, 0) }
