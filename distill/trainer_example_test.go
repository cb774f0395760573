package distill_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/distill"
	"github.com/tenet-ml/tenet/lm"
)

// On-policy GKD (λ = 1, forward KL) of a tiny transformer student toward a bigram teacher:
// each step samples outputs from the student, scores every output position with the
// teacher, and moves the student's next-token distributions toward the teacher's. The
// divergence on the student's own samples falls as it trains.
func ExampleTrainer() {
	rng := rand.New(rand.NewPCG(1, 2))
	const vocab = 8
	teacher := lm.NewRandomBigramModel(vocab, 16, 2.5, rng)
	student := lm.NewTransformer(lm.Config{VocabSize: vocab, MaxLen: 16, Layers: 1, Heads: 2, Width: 16}, rng)

	// The prompts are single tokens; on-policy batches need no reference outputs.
	batch := make([]distill.Example, 16)
	prompts := make([][]int, len(batch))
	for i := range batch {
		batch[i] = distill.Example{Prompt: []int{i % vocab}}
		prompts[i] = batch[i].Prompt
	}
	onPolicyFKL := func() float64 {
		gens, err := lm.Generate(context.Background(), student, prompts,
			lm.GenerateOptions{Sampling: lm.SamplingOptions{Temperature: 1}, MaxNewTokens: 6}, rand.New(rand.NewPCG(3, 4)))
		if err != nil {
			panic(err)
		}
		outputs := make([][]int, len(gens))
		for i, g := range gens {
			outputs[i] = g.Tokens
		}
		return distill.MeanDivergence(teacher, student, prompts, outputs, distill.NewForwardKL())
	}

	before := onPolicyFKL()
	opt := optim.NewAdamW(student.Params(), optim.AdamConfig{LR: 1e-2})
	tr, err := distill.NewTrainer(student, teacher, opt, distill.GKDOptions{
		Divergence:   distill.NewForwardKL(),
		Lambda:       1, // every batch is sampled from the student
		MaxNewTokens: 6,
		ClipNorm:     1,
	})
	if err != nil {
		panic(err)
	}
	for range 60 {
		if _, err := tr.Step(context.Background(), batch, rng); err != nil {
			panic(err)
		}
	}
	after := onPolicyFKL()
	fmt.Println("on-policy forward KL fell below a tenth:", after < before/10)
	// Output:
	// on-policy forward KL fell below a tenth: true
}
