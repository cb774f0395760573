package lm_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/lm"
)

// ExampleTransformer builds a tiny GPT-2, trains it for a few steps to continue a repeating
// pattern, and samples from it with Generate.
func ExampleTransformer() {
	cfg := lm.Config{VocabSize: 8, MaxLen: 16, Layers: 2, Heads: 2, Width: 32}
	m := lm.NewTransformer(cfg, rand.New(rand.NewPCG(1, 2)))

	// Two sequences of the pattern 1 2 3 4 1 2 3 4 …; each token's target is the next one.
	const batch, seqLen = 2, 16
	ids, targets := make([]int, batch*seqLen), make([]int, batch*seqLen)
	for i := range ids {
		ids[i] = 1 + (i+i/seqLen)%4
		targets[i] = 1 + (i+i/seqLen+1)%4
	}
	opt := optim.NewAdamW(m.Params(), optim.AdamConfig{LR: 1e-2})
	tp := autodiff.NewTape()
	for range 30 {
		tp.Reset()
		loss := m.Loss(tp, ids, targets, nil, batch)
		opt.ZeroGrad()
		tp.Backward(loss)
		opt.Step()
	}

	gens, err := lm.Generate(context.Background(), m, [][]int{{3, 4}}, lm.GenerateOptions{
		Sampling:     lm.SamplingOptions{Temperature: 0.5},
		MaxNewTokens: 8,
	}, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(gens[0].Tokens, gens[0].Stop)
	// Output: [1 2 3 4 1 2 3 4] max new tokens
}

// ExampleLoadGPT2 loads a Hugging Face GPT-2 directory (here the tiny random model of the
// tests) and decodes with a KV cache: the prompt in one Append, then one token at a time.
func ExampleLoadGPT2() {
	m, err := lm.LoadGPT2("testdata/tinygpt2")
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := m.Config()
	fmt.Printf("vocab %d, context %d, %d layers, %d heads, width %d, %d parameters\n",
		cfg.VocabSize, cfg.MaxLen, cfg.Layers, cfg.Heads, cfg.Width, m.NumParams())

	st := m.NewState()
	rows := st.Append([]int{10, 20, 30})
	next := argmax(rows[len(rows)-1])
	for range 5 {
		next = argmax(st.Append([]int{next})[0])
	}
	fmt.Println("length", st.Len(), "next", next)
	// Output:
	// vocab 101, context 32, 2 layers, 2 heads, width 16, 8720 parameters
	// length 8 next 51
}

func argmax(row []float32) int {
	best := 0
	for i, v := range row {
		if v > row[best] {
			best = i
		}
	}
	return best
}
