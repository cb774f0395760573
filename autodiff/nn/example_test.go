package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/nn"
	"github.com/tenet-ml/tenet/tensor"
)

// An MLP lists its parameters by name; a target copy follows it by Polyak averaging, and a
// capturing tape collects hidden activations for dormant-neuron scores.
func ExampleMLP() {
	rng := rand.New(rand.NewPCG(1, 2))
	q := nn.NewMLP("q", []int{4, 8, 2}, nn.ReLU, rng)
	for _, p := range q.Params() {
		fmt.Println(p.Name, p.Value.Shape())
	}

	target := q.Clone()
	nn.Polyak(target.Params(), q.Params(), 0.005)

	tp := autodiff.NewTape()
	tp.SetGradEnabled(false) // inference: nothing recorded, storage still recycled
	tp.SetCapture(true)
	x := autodiff.NewVar(tensor.RandNormal(rng, 0, 1, 16, 4), false)
	out := q.Forward(tp, x)
	act := tp.Captured()[0]
	fmt.Println(out.Value.Shape(), act.Name, len(nn.UnitActivity(act.Value)))
	// Output:
	// q.0.weight [4 8]
	// q.0.bias [8]
	// q.1.weight [8 2]
	// q.1.bias [2]
	// [16 2] q.0 8
}

// A GPT-2 block runs on (B, T, C) activations with Hugging Face parameter names.
func ExampleBlock() {
	rng := rand.New(rand.NewPCG(3, 4))
	b := nn.NewBlock("h.0", 16, 4, 2, rng)
	fmt.Println(b.Params()[2].Name, b.Params()[2].Value.Shape())
	x := autodiff.NewVar(tensor.RandNormal(rng, 0, 1, 2, 5, 16), false)
	var tp *autodiff.Tape // nil tape: one-off inference
	fmt.Println(b.Forward(tp, x).Value.Shape())
	// Output:
	// h.0.attn.c_attn.weight [16 48]
	// [2 5 16]
}
