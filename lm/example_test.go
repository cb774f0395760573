package lm_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/lm"
)

// A character-level tokenizer for an arithmetic task.
func ExampleCharTokenizer() {
	tok, err := lm.NewCharTokenizer("0123456789+=")
	if err != nil {
		panic(err)
	}
	eos, _ := tok.TokenID(lm.EOSToken)
	ids := append(tok.Encode("12+30=42"), eos)
	fmt.Println(tok.VocabSize(), ids)
	fmt.Println(tok.Decode(ids))
	_, err = tok.EncodeStrict("1-2")
	fmt.Println(err)
	// Output:
	// 16 [5 6 14 7 4 15 8 6 2]
	// 12+30=42<eos>
	// lm: CharTokenizer: character '-' at byte offset 1 is not in the alphabet
}

// GPT-2's tokenizer, from encoder.json and vocab.bpe (vocab.json and merges.txt work too).
func ExampleBPETokenizer() {
	tok, err := lm.LoadBPEDir("testdata/gpt2")
	if err != nil {
		panic(err)
	}
	ids := tok.Encode("Hello world, it's 2024!")
	fmt.Println(ids)
	fmt.Printf("%q\n", tok.Decode(ids))
	eot, _ := tok.TokenID("<|endoftext|>")
	fmt.Println(tok.VocabSize(), eot)
	// Output:
	// [15496 995 11 340 338 48609 0]
	// "Hello world, it's 2024!"
	// 50257 50256
}

// The distribution sampled from, for a few option settings.
func ExampleDistribution() {
	logits := []float32{2, 1, 0, 1, -1}
	for _, o := range []lm.SamplingOptions{
		{},                             // greedy
		{Temperature: 1},               // the model's softmax
		{Temperature: 1, TopK: 2},      // tokens 0 and 1 (1 and 3 tie: the lower id wins)
		{Temperature: 1, TopP: 0.6},    // the nucleus of probability 0.6
		{Temperature: 0.5, TopP: 0.99}, // sharper, then a nucleus
	} {
		fmt.Printf("%.3f\n", lm.Distribution(nil, logits, o))
	}
	// Output:
	// [1.000 0.000 0.000 0.000 0.000]
	// [0.521 0.192 0.070 0.192 0.026]
	// [0.731 0.269 0.000 0.000 0.000]
	// [0.731 0.269 0.000 0.000 0.000]
	// [0.776 0.105 0.014 0.105 0.000]
}

// Sampling with a seeded generator.
func ExampleSample() {
	rng := rand.New(rand.NewPCG(1, 2))
	p := lm.Distribution(nil, []float32{1, 1, 1, 1}, lm.SamplingOptions{Temperature: 1, TopK: 3})
	counts := make([]int, 4)
	for range 3000 {
		counts[lm.Sample(p, rng)]++
	}
	fmt.Println(counts[3], counts[0] > 900, counts[1] > 900, counts[2] > 900)
	// Output:
	// 0 true true true
}

// Decoding with a State: Append returns the next-token logits of every fed position, and
// Truncate rolls the sequence back.
func ExampleBigramModel() {
	model := lm.NewBigramModel([][]float32{
		{0, 2, 1},
		{1, 0, 2},
		{2, 1, 0},
	}, 8)
	s := model.NewState()
	rows := s.Append([]int{0, 1}) // after token 0, after token 1
	fmt.Println(s.Len(), rows)
	s.Truncate(1)
	rows = s.Append([]int{2})
	fmt.Println(s.Len(), rows)
	// Output:
	// 2 [[0 2 1] [1 0 2]]
	// 2 [[2 1 0]]
}

// Generation from a tiny bigram model: after token t the most likely token is t+1.
func ExampleGenerate() {
	model := lm.NewBigramModel([][]float32{
		{0, 4, 1, 0, 0},
		{0, 0, 4, 1, 0},
		{0, 0, 0, 4, 1},
		{1, 0, 0, 0, 4},
		{4, 1, 0, 0, 0},
	}, 16)
	prompts := [][]int{{0}, {2, 3}}
	gens, err := lm.Generate(context.Background(), model, prompts, lm.GenerateOptions{
		MaxNewTokens: 6,
		StopTokens:   []int{4},
	}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	for _, g := range gens {
		fmt.Println(g.Tokens, g.Stop)
	}

	// Sampling at temperature 1 from the same model, reproducibly.
	gens, _ = lm.Generate(context.Background(), model, prompts, lm.GenerateOptions{
		Sampling:     lm.SamplingOptions{Temperature: 1},
		MaxNewTokens: 6,
	}, rand.New(rand.NewPCG(1, 2)))
	for _, g := range gens {
		fmt.Printf("%v %.2f\n", g.Tokens, g.LogProbs)
	}
	// Output:
	// [1 2 3 4] stop token
	// [4] stop token
	// [1 2 4 0 1 2] [-0.10 -0.10 -3.10 -0.10 -0.10 -0.10]
	// [4 0 1 2 3 4] [-0.10 -0.10 -0.10 -0.10 -0.10 -0.10]
}
