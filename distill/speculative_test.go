package distill

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tenet-ml/tenet/lm"
)

// z is the normal quantile of the chi-square tests: significance 5e-4 per test.
const chiZ = 3.29

func samples(t *testing.T, full int) int {
	if testing.Short() {
		return full / 5
	}
	return full
}

// TestSequenceDistribution checks that 3-token continuations from speculative decoding are
// distributed as the target's own samples, by a chi-square test over all 64 sequences of a
// 4-token vocabulary, for a good and a poor draft and two sampling settings.
func TestSequenceDistribution(t *testing.T) {
	const vocab, length = 4, 3
	target := &prefixModel{Vocab: vocab, Context: 16, Seed: 1, Scale: 1.5}
	drafts := map[string]*prefixModel{
		"close": {Vocab: vocab, Context: 16, Seed: 2, Scale: 0.7, Of: target},
		"poor":  {Vocab: vocab, Context: 16, Seed: 3, Scale: 2},
	}
	settings := map[string]lm.SamplingOptions{
		"T=1":             {Temperature: 1},
		"T=0.8,k=3,p=0.9": {Temperature: 0.8, TopK: 3, TopP: 0.9},
	}
	prompt := []int{1, 2}
	n := samples(t, 100000)
	for sname, so := range settings {
		// Exact probabilities of every sequence by enumeration.
		probs := make([]float64, 1<<(2*length))
		row := make([]float32, vocab)
		var dist []float32
		for idx := range probs {
			seq := slices.Clone(prompt)
			pr := 1.0
			for pos := range length {
				target.logits(row, seq)
				dist = lm.Distribution(dist, row, so)
				tok := (idx >> (2 * (length - 1 - pos))) & 3
				pr *= float64(dist[tok])
				seq = append(seq, tok)
			}
			probs[idx] = pr
		}
		for dname, draft := range drafts {
			for _, gamma := range []int{1, 2, 4} {
				rng := rand.New(rand.NewPCG(uint64(gamma), 7))
				counts := make([]int, len(probs))
				var st SpecStats
				for range n {
					toks, s, err := SpeculativeDecode(context.Background(), target, draft, prompt,
						SpecOptions{Sampling: so, Gamma: gamma, MaxNewTokens: length}, rng)
					if err != nil || len(toks) != length {
						t.Fatalf("decode: %v %v", toks, err)
					}
					st.Add(s)
					counts[toks[0]<<4|toks[1]<<2|toks[2]]++
				}
				stat, dof := chiSquare(counts, probs, n)
				crit := chiSquareCritical(dof, chiZ)
				t.Logf("%s, %s draft, γ=%d: χ² = %.1f (dof %d, critical %.1f), α = %.3f, %.2f tokens/call",
					sname, dname, gamma, stat, dof, crit, st.AcceptanceRate(), st.BlockEfficiency())
				if stat > crit {
					t.Errorf("%s, %s draft, γ=%d: χ² = %.1f > %.1f: output is not the target's distribution", sname, dname, gamma, stat, crit)
				}
			}
		}
	}
}

// TestFirstTokenBigram checks the first generated token with two BigramModels.
func TestFirstTokenBigram(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	target := lm.NewRandomBigramModel(6, 32, 1.5, rng)
	draft := lm.NewRandomBigramModel(6, 32, 1.5, rng)
	so := lm.SamplingOptions{Temperature: 1}
	p := lm.Distribution(nil, target.Logits[3], so)
	probs := make([]float64, 6)
	for i, v := range p {
		probs[i] = float64(v)
	}
	n := samples(t, 100000)
	counts := make([]int, 6)
	for range n {
		toks, _, err := SpeculativeDecode(context.Background(), target, draft, []int{0, 3},
			SpecOptions{Sampling: so, Gamma: 4, MaxNewTokens: 5}, rng)
		if err != nil {
			t.Fatal(err)
		}
		counts[toks[0]]++
	}
	stat, dof := chiSquare(counts, probs, n)
	crit := chiSquareCritical(dof, chiZ)
	t.Logf("first token: χ² = %.1f (dof %d, critical %.1f)", stat, dof, crit)
	if stat > crit {
		t.Errorf("first token χ² = %.1f > %.1f", stat, crit)
	}
}

// TestAcceptanceRate checks the empirical acceptance rate against Σ min(p, q) and the block
// efficiency against (1 − α^{γ+1})/(1 − α), with context-free models so that acceptances
// are independent.
func TestAcceptanceRate(t *testing.T) {
	pl := []float32{2, 1, 0.5, 0, -1, 1.5}
	ql := []float32{0.5, 1.5, 0.5, 1, -0.5, 0}
	so := lm.SamplingOptions{Temperature: 1}
	p, q := lm.Distribution(nil, pl, so), lm.Distribution(nil, ql, so)
	alpha := AcceptanceProbability(p, q)
	if tvd := NewTVD().Between(p, q); math.Abs(alpha-(1-tvd)) > 1e-6 {
		t.Fatalf("Σ min(p, q) = %v, 1 − TVD = %v", alpha, 1-tvd)
	}
	const gamma = 4
	budget := samples(t, 50000)
	target, draft := constModel(pl, budget+1), constModel(ql, budget+1)
	toks, st, err := SpeculativeDecode(context.Background(), target, draft, []int{0},
		SpecOptions{Sampling: so, Gamma: gamma, MaxNewTokens: budget}, rand.New(rand.NewPCG(1, 2)))
	if err != nil || len(toks) != budget || st.Stop != lm.StopMaxNewTokens {
		t.Fatalf("decode: %d tokens, stop %v, %v", len(toks), st.Stop, err)
	}
	got := st.AcceptanceRate()
	se := math.Sqrt(alpha * (1 - alpha) / float64(st.Proposed))
	t.Logf("α = %.4f, empirical %.4f ± %.4f over %d proposals", alpha, got, se, st.Proposed)
	if math.Abs(got-alpha) > 4*se {
		t.Errorf("acceptance rate %.4f, want Σ min(p, q) = %.4f ± %.4f", got, alpha, 4*se)
	}
	want := ExpectedTokensPerCall(alpha, gamma)
	if be := st.BlockEfficiency(); math.Abs(be-want) > 0.03*want {
		t.Errorf("block efficiency %.3f, want (1 − α^{γ+1})/(1 − α) = %.3f", be, want)
	}
	if st.TargetCalls*gamma < st.DraftCalls || st.Tokens != budget {
		t.Errorf("stats %+v", st)
	}
}

// greedy returns the target's greedy continuation with plain decoding.
func greedy(t *testing.T, m lm.Model, prompt []int, maxNew int, stops []int) []int {
	gens, err := lm.Generate(context.Background(), m, [][]int{prompt},
		lm.GenerateOptions{MaxNewTokens: maxNew, StopTokens: stops, Workers: 1}, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	return gens[0].Tokens
}

func TestGreedyMatchesTarget(t *testing.T) {
	target := &prefixModel{Vocab: 16, Context: 64, Seed: 5, Scale: 3}
	drafts := []*prefixModel{
		{Vocab: 16, Context: 64, Seed: 6, Scale: 1.5, Of: target}, // mostly agrees
		{Vocab: 16, Context: 64, Seed: 7, Scale: 3},               // mostly rejected
		{Vocab: 16, Context: 20, Seed: 8, Scale: 1, Of: target},   // shorter context
		target, // always accepted
	}
	prompts := [][]int{{0}, {3, 4, 5}, {15, 1, 2, 9, 9, 9, 9}}
	for di, draft := range drafts {
		for _, gamma := range []int{1, 4, 8} {
			for _, prompt := range prompts {
				for _, c := range []struct {
					maxNew int
					stops  []int
				}{{40, nil}, {0, nil}, {40, []int{7}}} {
					want := greedy(t, target, prompt, c.maxNew, c.stops)
					got, st, err := SpeculativeDecode(context.Background(), target, draft, prompt,
						SpecOptions{Gamma: gamma, MaxNewTokens: c.maxNew, StopTokens: c.stops}, rand.New(rand.NewPCG(1, 1)))
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, want) {
						t.Fatalf("draft %d, γ=%d, prompt %v, %+v:\n got  %v\n want %v", di, gamma, prompt, c, got, want)
					}
					if di == 3 && gamma < 8 && st.AcceptanceRate() != 1 {
						t.Errorf("draft = target: acceptance %v, want 1", st.AcceptanceRate())
					}
				}
			}
		}
	}
}

// TestStateConsistency steps the decoder round by round, with rejections forced by a poor
// draft and full acceptances by a perfect one, and checks after every round that both
// states hold exactly the accepted prefix: so the next Append continues as a fresh state
// fed the same tokens would.
func TestStateConsistency(t *testing.T) {
	target := &prefixModel{Vocab: 8, Context: 200, Seed: 9, Scale: 2}
	for _, draft := range []*prefixModel{
		{Vocab: 8, Context: 200, Seed: 10, Scale: 3},
		{Vocab: 8, Context: 200, Seed: 11, Scale: 0.8, Of: target},
		target,
	} {
		for _, gamma := range []int{1, 3, 6} {
			d, err := newSpecDecoder(target, draft, SpecOptions{Sampling: lm.SamplingOptions{Temperature: 1}, Gamma: gamma, MaxNewTokens: 150})
			if err != nil {
				t.Fatal(err)
			}
			if err := d.reset([]int{1, 2, 3}); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, uint64(gamma)))
			rejections := 0
			for d.stats.Stop == 0 {
				before := d.stats
				d.round(rng)
				if d.stats.Accepted-before.Accepted < d.stats.Proposed-before.Proposed {
					rejections++
				}
				if d.stats.Stop != 0 {
					break
				}
				ts, ds := d.ts.(*prefixState), d.ds.(*prefixState)
				if d.tFed != len(d.seq)-1 || !slices.Equal(ts.tokens, d.seq[:d.tFed]) {
					t.Fatalf("γ=%d: target state holds %v, sequence %v", gamma, ts.tokens, d.seq)
				}
				if d.dFed >= len(d.seq) || !slices.Equal(ds.tokens, d.seq[:d.dFed]) {
					t.Fatalf("γ=%d: draft state holds %v, sequence %v", gamma, ds.tokens, d.seq)
				}
				// The next rows equal those of fresh states fed the same prefixes.
				fresh := make([]float32, 8)
				got := slices.Clone(ts.Append(d.seq[d.tFed:])[0])
				target.logits(fresh, d.seq)
				ts.Truncate(d.tFed)
				if !slices.Equal(got, fresh) {
					t.Fatalf("target state diverged from a fresh one")
				}
			}
			if len(d.seq) != 153 {
				t.Fatalf("decoded %d tokens, want 150", len(d.seq)-3)
			}
			if draft != target && rejections == 0 {
				t.Errorf("γ=%d: no rejection happened", gamma)
			}
			if draft == target && rejections != 0 {
				t.Errorf("perfect draft rejected %d times", rejections)
			}
			if d.stats.TargetCalls != d.stats.Tokens-d.stats.Accepted {
				// Every round ends with exactly one target-drawn token.
				t.Errorf("target calls %d, tokens %d, accepted %d", d.stats.TargetCalls, d.stats.Tokens, d.stats.Accepted)
			}
		}
	}
}

// TestLenienceOneIsExact checks that every built-in lenience at ε = 1 reproduces the exact
// algorithm draw for draw.
func TestLenienceOneIsExact(t *testing.T) {
	target := &prefixModel{Vocab: 12, Context: 80, Seed: 12, Scale: 2}
	draft := &prefixModel{Vocab: 12, Context: 80, Seed: 13, Scale: 1, Of: target}
	so := lm.SamplingOptions{Temperature: 1, TopK: 8}
	for _, f := range []Lenience{LenienceLinear, LenienceSquare, LeniencePower} {
		for seed := range uint64(20) {
			opts := SpecOptions{Sampling: so, Gamma: 4, MaxNewTokens: 60}
			want, ws, err := SpeculativeDecode(context.Background(), target, draft, []int{1}, opts, rand.New(rand.NewPCG(seed, 1)))
			if err != nil {
				t.Fatal(err)
			}
			opts.Lenience, opts.Epsilon = f, 1
			got, gs, err := SpeculativeDecode(context.Background(), target, draft, []int{1}, opts, rand.New(rand.NewPCG(seed, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) || gs.Accepted != ws.Accepted || gs.Proposed != ws.Proposed {
				t.Fatalf("ε = 1 differs from the exact algorithm: %v vs %v", got, want)
			}
		}
	}
}

// TestLossyDistribution checks the documented output distribution of lossy decoding at one
// position: min(q, f(p)) + (1 − Σ min(q, f(p)))·norm(max(0, p − q)), and that acceptance rises.
func TestLossyDistribution(t *testing.T) {
	pl := []float32{2, 1, 0.5, 0, -1, 1.5}
	ql := []float32{0.5, 1.5, 0.5, 1, -0.5, 0}
	so := lm.SamplingOptions{Temperature: 1}
	p, q := lm.Distribution(nil, pl, so), lm.Distribution(nil, ql, so)
	target, draft := constModel(pl, 8), constModel(ql, 8)
	n := samples(t, 100000)
	for _, c := range []struct {
		name string
		f    Lenience
		eps  float64
	}{{"p/ε", LenienceLinear, 0.5}, {"p/ε²", LenienceSquare, 0.8}, {"p^ε", LeniencePower, 0.5}} {
		want := make([]float64, len(p))
		var acc, resid float64
		for i := range p {
			a := min(float64(q[i]), c.f(float64(p[i]), c.eps))
			want[i] = a
			acc += a
			resid += max(float64(p[i]-q[i]), 0)
		}
		for i := range p {
			want[i] += (1 - acc) * max(float64(p[i]-q[i]), 0) / resid
		}
		rng := rand.New(rand.NewPCG(21, 22))
		counts := make([]int, len(p))
		var st SpecStats
		for range n {
			toks, s, err := SpeculativeDecode(context.Background(), target, draft, []int{0},
				SpecOptions{Sampling: so, Gamma: 1, MaxNewTokens: 2, Lenience: c.f, Epsilon: c.eps}, rng)
			if err != nil {
				t.Fatal(err)
			}
			st.Add(s)
			counts[toks[0]]++
		}
		stat, dof := chiSquare(counts, want, n)
		crit := chiSquareCritical(dof, chiZ)
		t.Logf("%s, ε=%g: χ² = %.1f (dof %d, critical %.1f), acceptance %.3f (exact %.3f)",
			c.name, c.eps, stat, dof, crit, st.AcceptanceRate(), AcceptanceProbability(p, q))
		if stat > crit {
			t.Errorf("%s: χ² = %.1f > %.1f", c.name, stat, crit)
		}
		if st.AcceptanceRate() <= AcceptanceProbability(p, q) {
			t.Errorf("%s: lossy acceptance %.3f not above exact %.3f", c.name, st.AcceptanceRate(), AcceptanceProbability(p, q))
		}
	}
}

func TestSpeculativeErrors(t *testing.T) {
	target := &prefixModel{Vocab: 5, Context: 8, Seed: 1, Scale: 1}
	other := &prefixModel{Vocab: 6, Context: 8, Seed: 1, Scale: 1}
	ok := SpecOptions{Gamma: 2}
	bg := context.Background()
	rng := rand.New(rand.NewPCG(1, 1))
	cases := []struct {
		name   string
		draft  lm.Model
		prompt []int
		opts   SpecOptions
	}{
		{"vocab", other, []int{1}, ok},
		{"empty prompt", target, nil, ok},
		{"long prompt", target, make([]int, 9), ok},
		{"token", target, []int{5}, ok},
		{"gamma", target, []int{1}, SpecOptions{}},
		{"max new", target, []int{1}, SpecOptions{Gamma: 1, MaxNewTokens: -1}},
		{"stop", target, []int{1}, SpecOptions{Gamma: 1, StopTokens: []int{9}}},
		{"epsilon", target, []int{1}, SpecOptions{Gamma: 1, Epsilon: 2, Lenience: LenienceLinear}},
		{"temperature", target, []int{1}, SpecOptions{Gamma: 1, Sampling: lm.SamplingOptions{Temperature: -1}}},
		{"top-p", target, []int{1}, SpecOptions{Gamma: 1, Sampling: lm.SamplingOptions{TopP: 2}}},
	}
	for _, c := range cases {
		if _, _, err := SpeculativeDecode(bg, target, c.draft, c.prompt, c.opts, rng); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	// A prompt filling the context gets no tokens.
	toks, st, err := SpeculativeDecode(bg, target, target, make([]int, 8), ok, rng)
	if err != nil || len(toks) != 0 || st.Stop != lm.StopMaxLen {
		t.Errorf("full prompt: %v %+v %v", toks, st, err)
	}
	// Decoding to the end of the context.
	toks, st, err = SpeculativeDecode(bg, target, target, []int{1, 2}, SpecOptions{Gamma: 4, Sampling: lm.SamplingOptions{Temperature: 1}}, rng)
	if err != nil || len(toks) != 6 || st.Stop != lm.StopMaxLen {
		t.Errorf("to MaxLen: %v %+v %v", toks, st, err)
	}
	ctx, cancel := context.WithCancel(bg)
	cancel()
	toks, st, err = SpeculativeDecode(ctx, target, target, []int{1}, ok, rng)
	if !errors.Is(err, context.Canceled) || len(toks) != 0 || st.Stop != lm.StopCanceled {
		t.Errorf("canceled: %v %+v %v", toks, st, err)
	}
}

func TestPredictions(t *testing.T) {
	if got := ExpectedTokensPerCall(0.5, 3); math.Abs(got-1.875) > 1e-12 {
		t.Errorf("ExpectedTokensPerCall(0.5, 3) = %v, want 1.875", got)
	}
	if got := ExpectedTokensPerCall(1, 4); got != 5 {
		t.Errorf("ExpectedTokensPerCall(1, 4) = %v, want 5", got)
	}
	if got := ExpectedTokensPerCall(0, 7); got != 1 {
		t.Errorf("ExpectedTokensPerCall(0, 7) = %v, want 1", got)
	}
	// α = 0.8, γ = 5, c = 0.05: (1 − 0.8⁶)/(0.2 · 1.25).
	if got, want := ExpectedSpeedup(0.8, 5, 0.05), (1-math.Pow(0.8, 6))/(0.2*1.25); math.Abs(got-want) > 1e-12 {
		t.Errorf("ExpectedSpeedup = %v, want %v", got, want)
	}
}

// BenchmarkSpeculativeDecode measures the decoder's own overhead with BigramModels.
func BenchmarkSpeculativeDecode(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	target := lm.NewRandomBigramModel(64, 1024, 1, rng)
	draft := lm.NewRandomBigramModel(64, 1024, 1, rng)
	b.ReportAllocs()
	var st SpecStats
	for b.Loop() {
		_, s, err := SpeculativeDecode(context.Background(), target, draft, []int{1},
			SpecOptions{Sampling: lm.SamplingOptions{Temperature: 1}, Gamma: 4, MaxNewTokens: 256}, rng)
		if err != nil {
			b.Fatal(err)
		}
		st.Add(s)
	}
	b.ReportMetric(float64(st.Duration.Nanoseconds())/float64(st.Tokens), "ns/token")
	b.ReportMetric(st.AcceptanceRate(), "α")
}

// TestTimeVerificationRestoresState checks that timing a verification leaves the state as it
// was: decoding continues exactly as from a fresh state fed the same prefix.
func TestTimeVerificationRestoresState(t *testing.T) {
	m := lm.NewTransformer(lm.Config{VocabSize: 11, MaxLen: 24, Layers: 1, Heads: 2, Width: 8}, rand.New(rand.NewPCG(1, 2)))
	prefix := []int{1, 2, 3, 4}
	st := m.NewState()
	st.Append(prefix)
	b, s := TimeVerification(st, []int{5, 6, 7})
	if b <= 0 || s <= 0 {
		t.Fatalf("durations %v, %v", b, s)
	}
	if st.Len() != len(prefix) {
		t.Fatalf("state holds %d tokens after timing, want %d", st.Len(), len(prefix))
	}
	fresh := m.NewState()
	fresh.Append(prefix)
	got, want := st.Append([]int{8})[0], fresh.Append([]int{8})[0]
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("logit %d: %v after timing, %v fresh", i, got[i], want[i])
		}
	}
}
