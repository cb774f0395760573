package distill_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/tenet-ml/tenet/distill"
	"github.com/tenet-ml/tenet/lm"
)

// The four divergences between a teacher P = (0.5, 0.25, 0.25) and a student
// Q = (0.25, 0.5, 0.25), from rows of logits, with the gradient of forward KL with respect
// to the student's logits, softmax(z) − p.
func ExampleDivergence() {
	logits := func(p ...float64) []float32 {
		z := make([]float32, len(p))
		for i, v := range p {
			z[i] = float32(math.Log(v))
		}
		return z
	}
	teacher, student := logits(0.5, 0.25, 0.25), logits(0.25, 0.5, 0.25)
	for _, d := range []distill.Divergence{distill.NewForwardKL(), distill.NewReverseKL(), distill.NewJSD(0.5), distill.NewTVD()} {
		fmt.Printf("%-8s %.4f\n", d, d.Row(nil, teacher, student))
	}
	grad := make([]float32, 3)
	distill.NewForwardKL().Row(grad, teacher, student)
	fmt.Printf("∂FKL/∂z  %.2f\n", grad)
	// Output:
	// FKL      0.1733
	// RKL      0.1733
	// JSD(0.5) 0.0425
	// TVD      0.2500
	// ∂FKL/∂z  [-0.25 0.25 0.00]
}

// Speculative decoding with two bigram models: greedy decoding reproduces the target's
// own greedy output, with fewer target calls than tokens.
func ExampleSpeculativeDecode() {
	rng := rand.New(rand.NewPCG(1, 2))
	target := lm.NewRandomBigramModel(16, 128, 2, rng)
	// The draft is the target's table plus noise: a cheaper, imperfect copy.
	rows := make([][]float32, 16)
	for i, row := range target.Logits {
		rows[i] = slices.Clone(row)
		for j := range rows[i] {
			rows[i][j] += float32(rng.NormFloat64() * 0.5)
		}
	}
	draft := lm.NewBigramModel(rows, 128)

	prompt := []int{3}
	tokens, stats, err := distill.SpeculativeDecode(context.Background(), target, draft, prompt,
		distill.SpecOptions{Gamma: 4, MaxNewTokens: 40}, rng)
	if err != nil {
		panic(err)
	}
	plain, _ := lm.Generate(context.Background(), target, [][]int{prompt}, lm.GenerateOptions{MaxNewTokens: 40}, rng)
	fmt.Println("same as greedy target decoding:", slices.Equal(tokens, plain[0].Tokens))
	fmt.Println("tokens:", stats.Tokens, "fewer target calls:", stats.TargetCalls < stats.Tokens)
	// Output:
	// same as greedy target decoding: true
	// tokens: 40 fewer target calls: true
}

// The predicted block efficiency and speedup for an acceptance rate of 0.8, γ = 5 and a
// draft costing 5% of the target.
func ExampleExpectedSpeedup() {
	fmt.Printf("tokens per target call %.2f\n", distill.ExpectedTokensPerCall(0.8, 5))
	fmt.Printf("speedup %.2f\n", distill.ExpectedSpeedup(0.8, 5, 0.05))
	// Output:
	// tokens per target call 3.69
	// speedup 2.95
}
