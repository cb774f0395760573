package optim_test

import (
	"fmt"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/tensor"
)

// Minimise f(x) = Σ (x − 3)² with Adam under a warmup-then-cosine learning-rate schedule,
// writing the gradient 2(x − 3) by hand.
func ExampleAdam() {
	x := &autodiff.Var{Value: tensor.FromSlice([]float32{0, 10}, 2), Grad: tensor.New(2), RequiresGrad: true}
	params := []autodiff.Param{{Name: "x", Var: x}}
	opt := optim.NewAdam(params, optim.AdamConfig{})
	const steps = 500
	sched := optim.WarmupCosine(0.1, 0.001, 20, steps)
	for step := int64(0); step < steps; step++ {
		for i, v := range x.Value.Data() {
			x.Grad.Data()[i] = 2 * (v - 3)
		}
		opt.SetLR(sched(step))
		opt.Step()
	}
	s, _ := opt.State("x")
	fmt.Printf("x = [%.3f %.3f] after %d steps\n", x.Value.Data()[0], x.Value.Data()[1], s.Step)
	// Output:
	// x = [3.000 3.000] after 500 steps
}

// Schedules are plain functions of the step and compose with Then.
func ExampleWarmupCosine() {
	sched := optim.WarmupCosine(1.0, 0.1, 4, 14)
	for _, step := range []int64{0, 1, 3, 4, 9, 14, 100} {
		fmt.Printf("step %3d: %.3f\n", step, sched(step))
	}
	// Output:
	// step   0: 0.250
	// step   1: 0.500
	// step   3: 1.000
	// step   4: 1.000
	// step   9: 0.550
	// step  14: 0.100
	// step 100: 0.100
}

// ReDo-style recycling: zero Adam's moments for one output unit (column 1) of a weight.
func ExampleOptimizer_resetElements() {
	w := &autodiff.Var{Value: tensor.New(2, 3), Grad: tensor.Full(1, 2, 3), RequiresGrad: true}
	opt := optim.NewAdam([]autodiff.Param{{Name: "fc.weight", Var: w}}, optim.AdamConfig{})
	opt.Step()
	opt.ResetElements("fc.weight", []int{1, 4}) // column 1 of a 2×3 matrix
	s, _ := opt.State("fc.weight")
	fmt.Println(s.Buffers["exp_avg"])
	// Output:
	// [[0.1 0 0.1] [0.1 0 0.1]]
}
