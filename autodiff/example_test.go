package autodiff_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/tensor"
)

// A two-layer network learns y = sin(x) on [−π, π] with Adam. One tape is reused for every
// step: after the first, Reset recycles its storage and the step allocates nothing.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, hidden = 64, 32

	// Data: a fixed batch of inputs and targets, as (n, 1) matrices.
	x := tensor.New(n, 1)
	y := tensor.New(n, 1)
	for i := range n {
		v := -math.Pi + 2*math.Pi*float64(i)/float64(n-1)
		x.Set(float32(v), i, 0)
		y.Set(float32(math.Sin(v)), i, 0)
	}
	in, target := autodiff.NewVar(x, false), autodiff.NewVar(y, false)

	// Parameters: leaves that require gradients, with names for the optimizer.
	param := func(std float32, shape ...int) *autodiff.Var {
		return autodiff.NewVar(tensor.RandNormal(rng, 0, std, shape...), true)
	}
	w1, b1 := param(1, 1, hidden), param(0, hidden)
	w2, b2 := param(0.2, hidden, 1), param(0, 1)
	params := []autodiff.Param{{Name: "w1", Var: w1}, {Name: "b1", Var: b1}, {Name: "w2", Var: w2}, {Name: "b2", Var: b2}}
	opt := optim.NewAdam(params, optim.AdamConfig{LR: 0.01})

	tp := autodiff.NewTape()
	var loss float32
	for step := range 2000 {
		tp.Reset()
		h := tp.Tanh(tp.Add(tp.MatMul(in, w1), b1))
		pred := tp.Add(tp.MatMul(h, w2), b2)
		l := tp.MSE(pred, target)
		opt.ZeroGrad()
		tp.Backward(l)
		opt.Step()
		if step == 0 {
			fmt.Printf("initial loss above 0.1: %v\n", l.Value.Item() > 0.1)
		}
		loss = l.Value.Item()
	}
	fmt.Printf("final loss below 1e-3: %v\n", loss < 1e-3)

	// Inference: a nil tape records nothing.
	var infer *autodiff.Tape
	q := autodiff.NewVar(tensor.FromSlice([]float32{math.Pi / 2}, 1, 1), false)
	out := infer.Add(infer.MatMul(infer.Tanh(infer.Add(infer.MatMul(q, w1), b1)), w2), b2)
	fmt.Printf("f(π/2) ≈ %.1f\n", out.Value.Item())
	// Output:
	// initial loss above 0.1: true
	// final loss below 1e-3: true
	// f(π/2) ≈ 1.0
}

// GradCheck verifies a computation's gradients against finite differences.
func ExampleGradCheck() {
	rng := rand.New(rand.NewPCG(3, 4))
	a := autodiff.NewVar(tensor.RandNormal(rng, 0, 1, 3, 4), true)
	b := autodiff.NewVar(tensor.RandNormal(rng, 0, 1, 4), true) // broadcast over rows
	err := autodiff.GradCheck(func(tp *autodiff.Tape) *autodiff.Var {
		return tp.LogSoftmax(tp.Mul(tp.Add(a, b), a)) // a is used twice
	}, []*autodiff.Var{a, b}, nil)
	fmt.Println(err)
	// Output:
	// <nil>
}

// DataParallel differentiates a batch in shards, one replica tape per shard, all at once.
func ExampleDataParallel() {
	rng := rand.New(rand.NewPCG(3, 4))
	w := autodiff.NewVar(tensor.RandNormal(rng, 0, 1, 3, 1), true)
	params := []autodiff.Param{{Name: "w", Var: w}}
	x := tensor.RandNormal(rng, 0, 1, 8, 3)
	y := tensor.RandNormal(rng, 0, 1, 8, 1)
	rows := func(t *tensor.Tensor, lo, hi int) *autodiff.Var {
		c := t.Dim(1)
		return autodiff.NewVar(tensor.FromSlice(t.Data()[lo*c:hi*c], hi-lo, c), false)
	}

	// The whole batch on one tape.
	tp := autodiff.NewTape()
	whole := tp.MSE(tp.MatMul(rows(x, 0, 8), w), rows(y, 0, 8))
	tp.Backward(whole)
	want := w.Grad.Clone()

	// Two shards of 4 rows, each weighted by its share of the rows.
	autodiff.ZeroGrad(params)
	dp := autodiff.NewDataParallel(params, 2)
	loss := dp.Backward(func(r int, tp *autodiff.Tape) (*autodiff.Var, float64) {
		lo, hi := 4*r, 4*r+4
		return tp.MSE(tp.MatMul(rows(x, lo, hi), w), rows(y, lo, hi)), 0.5
	})
	var diff float64
	for i, g := range w.Grad.Data() {
		diff = max(diff, math.Abs(float64(g-want.Data()[i])))
	}
	fmt.Printf("same loss: %v, same gradient: %v\n", math.Abs(loss-float64(whole.Value.Item())) < 1e-6, diff < 1e-6)
	// Output:
	// same loss: true, same gradient: true
}

// ClearGrad drops the gradients between steps, as PyTorch's zero_grad(set_to_none=True) does:
// the next backward pass writes each gradient into the kept storage instead of adding it to
// zeros. Linear computes a layer's x·w + b in one pass.
func ExampleClearGrad() {
	x := autodiff.NewVar(tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2), false)
	w := autodiff.NewVar(tensor.FromSlice([]float32{0.5, -1, 1, 0}, 2, 2), true)
	b := autodiff.NewVar(tensor.FromSlice([]float32{0, 1}, 2), true)
	params := []autodiff.Param{{Name: "w", Var: w}, {Name: "b", Var: b}}
	tp := autodiff.NewTape()
	for step := range 2 {
		tp.Reset()
		autodiff.ClearGrad(params)
		fmt.Printf("step %d, before backward: w.Grad is nil: %v\n", step, w.Grad == nil)
		tp.Backward(tp.SumAll(tp.Linear(x, w, b)))
		fmt.Printf("step %d: dw %v, db %v\n", step, w.Grad.Data(), b.Grad.Data())
	}
	// Output:
	// step 0, before backward: w.Grad is nil: true
	// step 0: dw [4 4 6 6], db [2 2]
	// step 1, before backward: w.Grad is nil: true
	// step 1: dw [4 4 6 6], db [2 2]
}
