package distill

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tenet-ml/tenet/lm"
	"github.com/tenet-ml/tenet/lm/task"
)

// pairDir is where examples/distillspec saves its target and on-policy distilled draft
// (subdirectories target and draft, Hugging Face GPT-2 format). Run that example from the
// repository root with its default -cache first, or pass -pair DIR after -args.
var pairDir = flag.String("pair", filepath.Join("..", "distillspec-cache", "pair"), "directory of a distilled target/draft pair for the speculative-decoding benchmarks")

// benchPair returns the target and draft of examples/distillspec and prompts of its default
// task (free-order sums, task.DefaultFreeOrderOptions) in its format. Without a saved pair it
// returns random-initialised models of the example's shapes (target 4 layers × 128, draft 1
// layer × 16, the task's character vocabulary): their timings are right, but their acceptance
// rate is not meaningful.
func benchPair(b *testing.B) (target, draft *lm.Transformer, prompts [][]int, distilled bool) {
	ar, err := task.NewFreeOrder(task.DefaultFreeOrderOptions())
	if err != nil {
		b.Fatal(err)
	}
	tok, err := lm.NewCharTokenizer(ar.Alphabet())
	if err != nil {
		b.Fatal(err)
	}
	format, err := lm.NewFormat(tok)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 1))
	for range 16 {
		p, err := ar.Sample(rng)
		if err != nil {
			b.Fatal(err)
		}
		prompts = append(prompts, format.Prompt(p))
	}
	t, errT := lm.LoadGPT2(filepath.Join(*pairDir, "target"))
	d, errD := lm.LoadGPT2(filepath.Join(*pairDir, "draft"))
	if errT == nil && errD == nil && t.VocabSize() == tok.VocabSize() && d.VocabSize() == tok.VocabSize() {
		return t, d, prompts, true
	}
	b.Logf("no distilled pair in %s (run examples/distillspec, or pass -pair DIR): timing random-initialised models of the same shapes; α is not meaningful", *pairDir)
	mk := func(layers, width int) *lm.Transformer {
		return lm.NewTransformer(lm.Config{VocabSize: tok.VocabSize(), MaxLen: 64, Layers: layers, Heads: 4, Width: width}, rng)
	}
	return mk(4, 128), mk(1, 16), prompts, false
}

// median returns the median of xs (which it sorts).
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	return (xs[(n-1)/2] + xs[n/2]) / 2
}

// greedyTarget decodes prompt with the target alone, one Append per token, greedily, up to
// maxNew tokens or the stop token.
func greedyTarget(m lm.Model, prompt []int, maxNew, stop int) int {
	st := m.NewState()
	rows := st.Append(prompt)
	n := 0
	for n < maxNew && st.Len() < m.MaxLen() {
		row := rows[len(rows)-1]
		tok := 0
		for j, v := range row {
			if v > row[tok] {
				tok = j
			}
		}
		n++
		if tok == stop || n == maxNew || st.Len() == m.MaxLen() {
			break
		}
		rows = st.Append([]int{tok})
	}
	return n
}

// perTokenCost returns the median seconds per single-token Append of m (after a 12-token
// prompt) over reps runs of 24 tokens.
func perTokenCost(m lm.Model, reps int) float64 {
	var xs []float64
	for range reps {
		st := m.NewState()
		st.Append([]int{4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
		t0 := time.Now()
		for i := range 24 {
			st.Append([]int{4 + i%16})
		}
		xs = append(xs, time.Since(t0).Seconds()/24)
	}
	return median(xs)
}

// BenchmarkSpeculativeSpeedup measures the wall-clock speedup of greedy speculative decoding
// over target-only greedy decoding on the target/draft pair of examples/distillspec, for
// γ = 1, 3, 5, 7. Each iteration decodes the same 16 free-order prompts both ways, in
// alternating order; the reported speedup is the median over iterations of the time ratio,
// beside the speedup predicted from the measured acceptance rate α, γ and the measured cost
// ratio c of a draft and a target decoding step (ExpectedSpeedup, which assumes verifying
// γ+1 tokens costs one step: see BenchmarkVerifyCost for what it really costs).
func BenchmarkSpeculativeSpeedup(b *testing.B) {
	target, draft, prompts, distilled := benchPair(b)
	eos := 2 // lm.EOSToken of a CharTokenizer with the default specials
	c := perTokenCost(draft, 15) / perTokenCost(target, 15)
	for _, gamma := range []int{1, 3, 5, 7} {
		b.Run(fmt.Sprintf("gamma=%d", gamma), func(b *testing.B) {
			opts := SpecOptions{Gamma: gamma, MaxNewTokens: 48, StopTokens: []int{eos}}
			var ratios []float64
			var st SpecStats
			rng := rand.New(rand.NewPCG(1, 1))
			i := 0
			for b.Loop() {
				var tp, ts time.Duration
				plain := func() {
					t0 := time.Now()
					for _, p := range prompts {
						greedyTarget(target, p, 48, eos)
					}
					tp = time.Since(t0)
				}
				spec := func() {
					t0 := time.Now()
					for _, p := range prompts {
						_, s, err := SpeculativeDecode(context.Background(), target, draft, p, opts, rng)
						if err != nil {
							b.Fatal(err)
						}
						st.Add(s)
					}
					ts = time.Since(t0)
				}
				if i%2 == 0 {
					plain()
					spec()
				} else {
					spec()
					plain()
				}
				i++
				ratios = append(ratios, tp.Seconds()/ts.Seconds())
			}
			alpha := st.AcceptanceRate()
			b.ReportMetric(median(ratios), "speedup")
			b.ReportMetric(ExpectedSpeedup(alpha, gamma, c), "predicted")
			b.ReportMetric(alpha, "α")
			b.ReportMetric(st.BlockEfficiency(), "tokens/call")
			b.ReportMetric(c, "c")
			if !distilled {
				b.ReportMetric(0, "distilled")
			}
		})
	}
}

// BenchmarkVerifyCost compares, on the example's target, one Append of k = γ+1 tokens (how
// speculative decoding verifies a block) with k single-token Appends (how plain decoding
// produces k tokens). It reports the ratio of the two times (median over interleaved
// repetitions): the smaller, the cheaper verification is relative to decoding.
func BenchmarkVerifyCost(b *testing.B) {
	target, _, _, _ := benchPair(b)
	prefix := []int{1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}
	for _, k := range []int{2, 4, 6, 8} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			block := make([]int, k)
			for i := range block {
				block[i] = 4 + i
			}
			st := target.NewState()
			st.Append(prefix)
			var ratios []float64
			var batched, singles time.Duration
			for b.Loop() {
				bt, s := TimeVerification(st, block)
				batched += bt
				singles += s
				ratios = append(ratios, bt.Seconds()/s.Seconds())
			}
			b.ReportMetric(median(ratios), "batched/singles")
			b.ReportMetric(float64(batched.Microseconds())/float64(b.N), "µs-batched")
			b.ReportMetric(float64(singles.Microseconds())/float64(b.N), "µs-singles")
		})
	}
}
