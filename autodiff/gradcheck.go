package autodiff

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/tensor"
)

// GradCheckOptions sets the finite-difference step and the tolerance of GradCheck. Zero
// fields take the defaults.
type GradCheckOptions struct {
	// Step is the perturbation h of the central difference (f(x+h) − f(x−h))/2h. The default
	// 1e-2 balances the O(h²) truncation error against float32 rounding in f, which is about
	// 1e-7·|f|/h.
	Step float64
	// Atol and Rtol bound the difference between the numerical gradient n and the analytic
	// gradient a: |n − a| ≤ Atol + Rtol·max(|n|, |a|). Defaults 1e-3 and 1e-2.
	Atol, Rtol float64
	// Seed seeds the random projection applied to non-scalar outputs (default 1).
	Seed uint64
}

// GradCheck compares the gradients Backward computes for f with central finite differences.
//
// f builds its output on the tape it is given, from the vars in inputs (and any constants).
// The output y is reduced to the scalar L = Σ wᵢ·yᵢ with fixed random weights w (so every
// element of the Jacobian takes part), L is differentiated by BackwardWith(y, w), and each
// element x of each input that requires a gradient is perturbed in turn: the numerical
// derivative is (L(x+h) − L(x−h)) / ((x+h) − (x−h)), where the perturbed values are rounded
// to float32 as the inputs are and L is accumulated in float64. f must be deterministic (seed
// any randomness inside it) and is called 2·n+1 times for n checked elements, so keep inputs
// small. Inputs are restored afterwards; their Grad is overwritten.
//
// It returns nil when every element agrees within the tolerance, and otherwise an error
// describing the worst disagreement.
func GradCheck(f func(tp *Tape) *Var, inputs []*Var, opts *GradCheckOptions) error {
	var o GradCheckOptions
	if opts != nil {
		o = *opts
	}
	if o.Step == 0 {
		o.Step = 1e-2
	}
	if o.Atol == 0 {
		o.Atol = 1e-3
	}
	if o.Rtol == 0 {
		o.Rtol = 1e-2
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	tp := NewTape()
	for _, x := range inputs {
		if x.RequiresGrad {
			x.Grad = tensor.New(x.Value.Shape()...)
		}
	}
	y := f(tp)
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	w := tensor.New(y.Value.Shape()...)
	for i := range w.Data() {
		w.Data()[i] = float32(rng.Float64()*2 - 1)
	}
	if !y.RequiresGrad {
		return fmt.Errorf("autodiff: GradCheck: output does not require a gradient")
	}
	tp.BackwardWith(y, w)
	eval := func() float64 {
		tp.Reset()
		y := f(tp)
		var s float64
		for i, v := range y.Value.Data() {
			s += float64(v) * float64(w.Data()[i])
		}
		return s
	}
	var worst error
	worstExcess := 0.0
	for n, x := range inputs {
		if !x.RequiresGrad {
			continue
		}
		xs := x.Value.Data()
		analytic := x.Grad.Clone().Data()
		for i, v := range xs {
			xp := float32(float64(v) + o.Step)
			xm := float32(float64(v) - o.Step)
			xs[i] = xp
			lp := eval()
			xs[i] = xm
			lm := eval()
			xs[i] = v
			num := (lp - lm) / (float64(xp) - float64(xm))
			a := float64(analytic[i])
			diff := math.Abs(num - a)
			tol := o.Atol + o.Rtol*max(math.Abs(num), math.Abs(a))
			if diff > tol || math.IsNaN(diff) {
				if excess := diff / tol; worst == nil || excess > worstExcess || math.IsNaN(diff) {
					worstExcess = excess
					worst = fmt.Errorf("autodiff: GradCheck: input %d %v, element %d: analytic %.6g, numerical %.6g (|diff| %.3g > tolerance %.3g)",
						n, x.Value.Shape(), i, a, num, diff, tol)
				}
			}
		}
	}
	return worst
}
