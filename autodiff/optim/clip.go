package optim

import (
	"math"

	"github.com/tenet-ml/tenet/autodiff"
)

// GradNorm returns the global L2 norm of the gradients of params, accumulated in float64.
// Parameters with a nil Grad are skipped.
func GradNorm(params []autodiff.Param) float64 {
	var sum float64
	for _, p := range params {
		if p.Var == nil || p.Grad == nil {
			continue
		}
		sum += sumSquares(p.Grad.Data())
	}
	return math.Sqrt(sum)
}

// sumSquares returns Σ x², accumulated in float64 over four lanes.
func sumSquares(x []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := x[i : i+4 : i+4]
		a, b, c, d := float64(v[0]), float64(v[1]), float64(v[2]), float64(v[3])
		s0 += a * a
		s1 += b * b
		s2 += c * c
		s3 += d * d
	}
	for ; i < len(x); i++ {
		a := float64(x[i])
		s0 += a * a
	}
	return (s0 + s1) + (s2 + s3)
}

// ClipGradNorm rescales the gradients of params in place so that their global L2 norm is at
// most maxNorm, and returns the norm before clipping, as torch.nn.utils.clip_grad_norm_: every
// gradient is multiplied by min(1, maxNorm/(norm + 1e-6)). The norm is accumulated in float64;
// parameters with a nil Grad are skipped. As in PyTorch, a non-finite norm is returned as is
// and propagates into the gradients (NaN, or zeros and NaNs for an infinite norm), so that the
// caller can detect it and skip the step.
func ClipGradNorm(params []autodiff.Param, maxNorm float64) float64 {
	norm := GradNorm(params)
	coef := maxNorm / (norm + 1e-6)
	if coef >= 1 {
		return norm
	}
	c := float32(coef)
	for _, p := range params {
		if p.Var == nil || p.Grad == nil {
			continue
		}
		scaleInPlace(p.Grad.Data(), c)
	}
	return norm
}
