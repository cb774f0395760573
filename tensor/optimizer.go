package tensor

import (
	"fmt"
	"math"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// AdamParams holds the scalars of one Adam update, see [AdamUpdate]. [NewAdamParams] fills it
// from the hyper-parameters and the step number.
type AdamParams struct {
	Beta1       float32 // β1, the decay rate of the first moment
	Grad1       float32 // 1 − β1, the weight of the new gradient in the first moment
	Beta2       float32 // β2, the decay rate of the second moment
	Grad2       float32 // 1 − β2
	WeightDecay float32 // λ of L2 weight decay, added to the gradient as λ·θ; 0 for none
	StepSize    float32 // lr / (1 − β1ᵗ)
	InvSqrtBC2  float32 // 1 / √(1 − β2ᵗ)
	Eps         float32 // ε, added to the denominator outside the square root
	// Scale multiplies the parameter before the update: AdamW's decoupled decay 1 − lr·λ
	// (computed in float64 and rounded once, as PyTorch does). 0 means no scaling.
	Scale float32
}

// NewAdamParams returns the scalars of Adam's update number step (1 for the first) with
// learning rate lr, moment decay rates beta1 and beta2, denominator term eps and L2 weight
// decay weightDecay. The bias corrections and 1 − β are computed in float64 and rounded once.
// It panics if step < 1.
func NewAdamParams(lr, beta1, beta2, eps, weightDecay float64, step int) AdamParams {
	if step < 1 {
		panic(fmt.Sprintf("tensor: NewAdamParams: step %d; the first step is 1", step))
	}
	t := float64(step)
	return AdamParams{
		Beta1:       float32(beta1),
		Grad1:       float32(1 - beta1),
		Beta2:       float32(beta2),
		Grad2:       float32(1 - beta2),
		WeightDecay: float32(weightDecay),
		StepSize:    float32(lr / (1 - math.Pow(beta1, t))),
		InvSqrtBC2:  float32(1 / math.Sqrt(1-math.Pow(beta2, t))),
		Eps:         float32(eps),
	}
}

// AdamUpdate applies one Adam update (Kingma and Ba, 2015, in PyTorch's form) in place to the
// parameter values param, given their gradient grad and the moment buffers m and v (zero
// before the first step), all of the same length:
//
//	d = grad + λ·param
//	m = β1·m + (1−β1)·d
//	v = β2·v + (1−β2)·d²
//	param = param·Scale − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)   (param·Scale when Scale ≠ 0)
//
// The division by √(1−β2ᵗ) is done as a multiplication by its reciprocal, which changes
// results by at most an ulp. For AdamW (decoupled weight decay) set Scale to 1 − lr·λ and
// WeightDecay to 0. The update runs in one fused vector pass (AVX-512 or AVX2 where the
// processor has them), split over goroutines for large slices; each element is computed the
// same way whatever the split. It panics if the lengths differ.
func AdamUpdate(param, grad, m, v []float32, p AdamParams) {
	n := len(param)
	if len(grad) != n || len(m) != n || len(v) != n {
		panic(fmt.Sprintf("tensor: AdamUpdate: lengths %d (param), %d (grad), %d (m), %d (v) differ",
			n, len(grad), len(m), len(v)))
	}
	kernel.Adam(param, grad, m, v, kernel.AdamParams(p))
}
