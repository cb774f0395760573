package lm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// prefixModel is a test fake whose logits depend on the whole prefix (through a hash), so
// that a State that forgot or mixed up tokens would give different logits.
type prefixModel struct {
	vocab, maxLen int
	newStates     atomic.Int64
}

func (m *prefixModel) VocabSize() int { return m.vocab }
func (m *prefixModel) MaxLen() int    { return m.maxLen }
func (m *prefixModel) NewState() State {
	m.newStates.Add(1)
	return &prefixState{m: m}
}

type prefixState struct {
	m      *prefixModel
	hashes []uint64 // hash of each prefix
	rows   [][]float32
}

func (s *prefixState) Len() int { return len(s.hashes) }

func (s *prefixState) Truncate(n int) {
	if n < 0 || n > len(s.hashes) {
		panic(fmt.Sprintf("prefixState: Truncate(%d) of %d", n, len(s.hashes)))
	}
	s.hashes = s.hashes[:n]
}

func (s *prefixState) Append(tokens []int) [][]float32 {
	if len(s.hashes)+len(tokens) > s.m.maxLen {
		panic("prefixState: beyond MaxLen")
	}
	s.rows = s.rows[:0]
	h := uint64(14695981039346656037)
	if len(s.hashes) > 0 {
		h = s.hashes[len(s.hashes)-1]
	}
	for _, t := range tokens {
		if t < 0 || t >= s.m.vocab {
			panic("prefixState: token outside the vocabulary")
		}
		h = (h ^ uint64(t+1)) * 1099511628211
		s.hashes = append(s.hashes, h)
		r := rand.New(rand.NewPCG(h, 7))
		row := make([]float32, s.m.vocab)
		for i := range row {
			row[i] = float32(r.NormFloat64() * 2)
		}
		s.rows = append(s.rows, row)
	}
	return s.rows
}

func TestBigramModelState(t *testing.T) {
	m := NewRandomBigramModel(5, 6, 1, rand.New(rand.NewPCG(1, 2)))
	s := m.NewState()
	rows := s.Append([]int{1, 3})
	if len(rows) != 2 || !reflect.DeepEqual(rows[0], m.Logits[1]) || !reflect.DeepEqual(rows[1], m.Logits[3]) || s.Len() != 2 {
		t.Fatalf("Append rows %v", rows)
	}
	rows[0][0] = 1000 // the table must not change
	if m.Logits[1][0] == 1000 {
		t.Fatal("Append returned the model's own rows")
	}
	s.Truncate(1)
	if s.Len() != 1 {
		t.Fatal("Truncate")
	}
	s.Append([]int{0, 0, 0, 0, 0})
	for name, f := range map[string]func(){
		"beyond MaxLen": func() { s.Append([]int{0}) },
		"truncate":      func() { s.Truncate(7) },
		"token":         func() { m.NewState().Append([]int{5}) },
		"ragged":        func() { NewBigramModel([][]float32{{1, 2}, {1}}, 3) },
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), "lm: ") {
					t.Errorf("%s: panic %v", name, r)
				}
			}()
			f()
		}()
	}
}

func TestGenerateDeterministicAcrossWorkers(t *testing.T) {
	m := &prefixModel{vocab: 17, maxLen: 40}
	prompts := make([][]int, 23)
	pr := rand.New(rand.NewPCG(3, 3))
	for i := range prompts {
		for k := 1 + pr.IntN(5); k > 0; k-- {
			prompts[i] = append(prompts[i], pr.IntN(17))
		}
	}
	opts := GenerateOptions{Sampling: SamplingOptions{Temperature: 1, TopK: 8, TopP: 0.95}, MaxNewTokens: 20, StopTokens: []int{0}}
	var ref []Generation
	for _, w := range []int{1, 2, 3, 8, 0} {
		opts.Workers = w
		prev := runtime.GOMAXPROCS(1 + w%3)
		gens, err := Generate(context.Background(), m, prompts, opts, rand.New(rand.NewPCG(42, 0)))
		runtime.GOMAXPROCS(prev)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = gens
			continue
		}
		if !reflect.DeepEqual(gens, ref) {
			t.Fatalf("workers %d: results differ from workers 1", w)
		}
	}
	stops := map[StopReason]int{}
	for _, g := range ref {
		stops[g.Stop]++
		if len(g.Tokens) != len(g.LogProbs) || len(g.Tokens) == 0 {
			t.Fatalf("generation %+v", g)
		}
	}
	if stops[StopToken] == 0 || stops[StopMaxNewTokens] == 0 {
		t.Errorf("stop reasons %v: want both stop tokens and max new tokens", stops)
	}
	// A different seed gives different results.
	gens, _ := Generate(context.Background(), m, prompts, opts, rand.New(rand.NewPCG(43, 0)))
	if reflect.DeepEqual(gens, ref) {
		t.Error("different seeds gave the same generations")
	}
}

// TestGenerateReplay checks tokens and log-probabilities against a hand-written decoding
// loop with the same per-prompt generator.
func TestGenerateReplay(t *testing.T) {
	m := &prefixModel{vocab: 11, maxLen: 12}
	prompts := [][]int{{1, 2, 3}, {4}, {5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6}}
	so := SamplingOptions{Temperature: 0.9, TopP: 0.9}
	gens, err := Generate(context.Background(), m, prompts, GenerateOptions{Sampling: so}, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i, p := range prompts {
		r := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
		seq := append([]int(nil), p...)
		var toks []int
		var lps []float32
		for len(seq) < m.maxLen {
			s := m.NewState()
			rows := s.Append(seq) // full recomputation
			d := Distribution(nil, rows[len(rows)-1], so)
			tok := Sample(d, r)
			toks = append(toks, tok)
			lps = append(lps, float32(math.Log(float64(d[tok]))))
			seq = append(seq, tok)
		}
		if !reflect.DeepEqual(gens[i].Tokens, toks) && !(len(toks) == 0 && len(gens[i].Tokens) == 0) {
			t.Errorf("prompt %d: tokens %v, replay %v", i, gens[i].Tokens, toks)
		}
		if !reflect.DeepEqual(gens[i].LogProbs, lps) && len(lps) > 0 {
			t.Errorf("prompt %d: log-probs %v, replay %v", i, gens[i].LogProbs, lps)
		}
		if gens[i].Stop != StopMaxLen || len(p)+len(gens[i].Tokens) != m.maxLen {
			t.Errorf("prompt %d: stop %v after %d tokens", i, gens[i].Stop, len(gens[i].Tokens))
		}
	}
}

func TestGenerateGreedy(t *testing.T) {
	// Token t is followed by t+1 (mod 4) with the highest logit.
	table := [][]float32{{0, 3, 1, 0}, {0, 0, 3, 1}, {1, 0, 0, 3}, {3, 1, 0, 0}}
	m := NewBigramModel(table, 100)
	gens, err := Generate(context.Background(), m, [][]int{{0}, {2, 3}}, GenerateOptions{MaxNewTokens: 5}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gens[0].Tokens, []int{1, 2, 3, 0, 1}) || !reflect.DeepEqual(gens[1].Tokens, []int{0, 1, 2, 3, 0}) {
		t.Fatalf("greedy %v %v", gens[0].Tokens, gens[1].Tokens)
	}
	if gens[0].LogProbs[0] != 0 || gens[0].Stop != StopMaxNewTokens {
		t.Fatalf("greedy log-probs %v stop %v", gens[0].LogProbs, gens[0].Stop)
	}
	gens, _ = Generate(context.Background(), m, [][]int{{0}}, GenerateOptions{StopTokens: []int{3}}, rand.New(rand.NewPCG(1, 1)))
	if !reflect.DeepEqual(gens[0].Tokens, []int{1, 2, 3}) || gens[0].Stop != StopToken {
		t.Fatalf("stop token: %+v", gens[0])
	}
}

func TestGenerateErrors(t *testing.T) {
	m := NewRandomBigramModel(4, 3, 1, rand.New(rand.NewPCG(1, 1)))
	rng := rand.New(rand.NewPCG(1, 1))
	for name, c := range map[string]struct {
		prompts [][]int
		opts    GenerateOptions
	}{
		"empty prompt":   {[][]int{{1}, {}}, GenerateOptions{}},
		"long prompt":    {[][]int{{1, 1, 1, 1}}, GenerateOptions{}},
		"bad token":      {[][]int{{4}}, GenerateOptions{}},
		"bad stop token": {[][]int{{1}}, GenerateOptions{StopTokens: []int{-1}}},
		"negative max":   {[][]int{{1}}, GenerateOptions{MaxNewTokens: -1}},
	} {
		if _, err := Generate(context.Background(), m, c.prompts, c.opts, rng); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	gens, err := Generate(context.Background(), m, [][]int{{1, 2, 3}}, GenerateOptions{}, rng)
	if err != nil || len(gens[0].Tokens) != 0 || gens[0].Stop != StopMaxLen {
		t.Errorf("full prompt: %+v, %v", gens, err)
	}
	gens, err = Generate(context.Background(), m, nil, GenerateOptions{}, rng)
	if err != nil || len(gens) != 0 {
		t.Errorf("no prompts: %v, %v", gens, err)
	}
}

func TestGenerateCancelAndProgress(t *testing.T) {
	m := &prefixModel{vocab: 9, maxLen: 1000}
	prompts := make([][]int, 50)
	for i := range prompts {
		prompts[i] = []int{i % 9}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var calls, last int
	opts := GenerateOptions{
		Sampling:     SamplingOptions{Temperature: 1},
		MaxNewTokens: 200,
		Workers:      2,
		Progress: func(done, total int) {
			calls++ // serialised: no race
			last = done
			if total != 50 {
				t.Errorf("total %d", total)
			}
			if done == 5 {
				cancel()
			}
		},
	}
	gens, err := Generate(ctx, m, prompts, opts, rand.New(rand.NewPCG(1, 1)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	canceled := 0
	for _, g := range gens {
		if g.Stop == StopCanceled {
			canceled++
		}
	}
	if canceled == 0 || calls < 5 || last != calls {
		t.Errorf("canceled %d, progress calls %d, last %d", canceled, calls, last)
	}
	if n := m.newStates.Load(); n >= 50 {
		t.Errorf("%d states made after cancellation", n)
	}
}

// BenchmarkGenerateOverhead measures Generate's own cost per token (distribution, sampling,
// bookkeeping) with a model that does no work beyond copying a row.
func BenchmarkGenerateOverhead(b *testing.B) {
	for _, vocab := range []int{65, 50257} {
		b.Run(fmt.Sprintf("vocab%d", vocab), func(b *testing.B) {
			m := NewRandomBigramModel(min(vocab, 2048), 257, 2, rand.New(rand.NewPCG(1, 2)))
			if vocab > 2048 {
				// A wide vocabulary without a vocab² table: every row is the same.
				row := m.Logits[0][:0]
				for i := 0; i < vocab; i++ {
					row = append(row, float32(i%97)/10)
				}
				table := make([][]float32, vocab)
				for i := range table {
					table[i] = row
				}
				m = &BigramModel{Logits: table, Context: 257}
			}
			prompts := [][]int{{1}, {2}}
			opts := GenerateOptions{Sampling: SamplingOptions{Temperature: 0.8, TopK: 40}, MaxNewTokens: 256, Workers: 1}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Generate(context.Background(), m, prompts, opts, rand.New(rand.NewPCG(1, uint64(i)))); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*2*256)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

// TestGenerateSamples checks that n samples per prompt are exactly the generations of n
// copies of each prompt, whatever the number of workers, that the prompt is fed once per
// prompt (not once per sample), and that progress counts generations.
func TestGenerateSamples(t *testing.T) {
	m := &prefixModel{vocab: 13, maxLen: 30}
	prompts := make([][]int, 9)
	pr := rand.New(rand.NewPCG(4, 4))
	for i := range prompts {
		for k := 1 + pr.IntN(6); k > 0; k-- {
			prompts[i] = append(prompts[i], pr.IntN(13))
		}
	}
	const n = 5
	var rep [][]int
	for _, p := range prompts {
		for range n {
			rep = append(rep, p)
		}
	}
	opts := GenerateOptions{Sampling: SamplingOptions{Temperature: 1, TopK: 6}, MaxNewTokens: 12, StopTokens: []int{0}, Workers: 1}
	want, err := Generate(context.Background(), m, rep, opts, rand.New(rand.NewPCG(8, 9)))
	if err != nil {
		t.Fatal(err)
	}
	opts.Samples = n
	for _, w := range []int{1, 2, 3, 0} {
		opts.Workers = w
		var calls, last int
		opts.Progress = func(done, total int) {
			calls++
			last = done
			if total != len(rep) {
				t.Errorf("progress total %d, want %d", total, len(rep))
			}
		}
		prev := runtime.GOMAXPROCS(1 + w%2)
		m.newStates.Store(0)
		var fed atomic.Int64
		counting := &feedCounter{prefixModel: m, fed: &fed}
		got, err := Generate(context.Background(), counting, prompts, opts, rand.New(rand.NewPCG(8, 9)))
		runtime.GOMAXPROCS(prev)
		if err != nil {
			t.Fatal(err)
		}
		opts.Progress = nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("workers %d: %d samples per prompt differ from repeated prompts", w, n)
		}
		if calls != len(rep) || last != len(rep) {
			t.Errorf("workers %d: %d progress calls, last %d; want %d", w, calls, last, len(rep))
		}
		// Every prompt is fed once; sampled tokens are appended after it.
		promptTokens := 0
		for _, p := range prompts {
			promptTokens += len(p)
		}
		if f := fed.Load(); f != int64(promptTokens) {
			t.Errorf("workers %d: %d prompt tokens fed, want %d", w, f, promptTokens)
		}
		if s := m.newStates.Load(); s > int64(max(w, 1)*2) {
			t.Errorf("workers %d: %d states made, want at most one per worker", w, s)
		}
	}
	if _, err := Generate(context.Background(), m, prompts, GenerateOptions{Samples: -1}, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("Samples -1: no error")
	}
}

// feedCounter counts the tokens fed to its States by appends to an empty state (prompts).
type feedCounter struct {
	*prefixModel
	fed *atomic.Int64
}

func (m *feedCounter) NewState() State {
	return &countingState{State: m.prefixModel.NewState(), fed: m.fed}
}

type countingState struct {
	State
	fed *atomic.Int64
}

func (s *countingState) Append(tokens []int) [][]float32 {
	if s.State.Len() == 0 {
		s.fed.Add(int64(len(tokens)))
	}
	return s.State.Append(tokens)
}
