package lm

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestGenerateBatchSamples checks that GenerateBatch with n samples per prompt (the prompt
// fed once, its cache copied) gives exactly the generations of n copies of every prompt,
// that they agree with Generate's samples, and that progress counts generations. Prompts
// longer than the initial cache make the copies grow their caches.
func TestGenerateBatchSamples(t *testing.T) {
	cfg := Config{VocabSize: 19, MaxLen: 90, Layers: 2, Heads: 2, Width: 16}
	m := NewTransformer(cfg, rand.New(rand.NewPCG(3, 5)))
	for _, p := range m.Params() {
		d := p.Value.Data()
		r := rand.New(rand.NewPCG(uint64(len(d)), 1))
		for i := range d {
			d[i] += float32(r.NormFloat64() * 0.3)
		}
	}
	rng := rand.New(rand.NewPCG(2, 2))
	np, n := 11, 7
	if testing.Short() {
		np, n = 5, 3
	}
	prompts := make([][]int, np)
	for i := range prompts {
		l := 1 + rng.IntN(12)
		if i == 2 {
			l = 70 // beyond the initial cache of 64 positions
		}
		for range l {
			prompts[i] = append(prompts[i], rng.IntN(cfg.VocabSize))
		}
	}
	var rep [][]int
	for _, p := range prompts {
		for range n {
			rep = append(rep, p)
		}
	}
	for _, opts := range []GenerateOptions{
		{Sampling: SamplingOptions{Temperature: 1}, StopTokens: []int{4}, MaxNewTokens: 15},
		{Sampling: SamplingOptions{Temperature: 0.7, TopK: 40}, MaxNewTokens: 25},
	} {
		want, err := m.GenerateBatch(context.Background(), rep, opts, rand.New(rand.NewPCG(6, 6)))
		if err != nil {
			t.Fatal(err)
		}
		opts.Samples = n
		var calls int
		opts.Progress = func(done, total int) {
			calls++
			if done != calls || total != len(rep) {
				t.Errorf("Progress(%d, %d) at call %d", done, total, calls)
			}
		}
		got, err := m.GenerateBatch(context.Background(), prompts, opts, rand.New(rand.NewPCG(6, 6)))
		if err != nil {
			t.Fatal(err)
		}
		if calls != len(rep) {
			t.Errorf("Progress called %d times for %d generations", calls, len(rep))
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v: %d samples per prompt differ from repeated prompts", opts.Sampling, n)
		}
		opts.Progress = nil
		seq, err := Generate(context.Background(), m, prompts, opts, rand.New(rand.NewPCG(6, 6)))
		if err != nil {
			t.Fatal(err)
		}
		for j := range seq {
			if !slices.Equal(seq[j].Tokens, got[j].Tokens) {
				t.Fatalf("generation %d: Generate %v, GenerateBatch %v", j, seq[j].Tokens, got[j].Tokens)
			}
		}
	}
	if _, err := m.GenerateBatch(context.Background(), prompts, GenerateOptions{Samples: -2}, rng); err == nil {
		t.Error("Samples -2: no error")
	}
}
