package lm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/tensor"
)

// randomTransformer returns a model with GPT-2's initialisation and then layer-norm gains,
// biases and the remaining weights perturbed, so that every parameter shows in the logits.
func randomTransformer(cfg Config, seed uint64) *Transformer {
	rng := rand.New(rand.NewPCG(seed, 7))
	m := NewTransformer(cfg, rng)
	for _, p := range m.Params() {
		d := p.Value.Data()
		for i := range d {
			d[i] += float32(0.1 * rng.NormFloat64())
		}
	}
	return m
}

func randomIDs(n, vocab int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 3))
	ids := make([]int, n)
	for i := range ids {
		ids[i] = rng.IntN(vocab)
	}
	return ids
}

var smallConfig = Config{VocabSize: 23, MaxLen: 40, Layers: 2, Heads: 4, Width: 16}

// maxAbsDiff returns the largest |a[i] − b[i]|.
func maxAbsDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

func TestConfigValidate(t *testing.T) {
	bad := []Config{
		{VocabSize: 0, MaxLen: 4, Layers: 1, Heads: 1, Width: 4},
		{VocabSize: 4, MaxLen: 0, Layers: 1, Heads: 1, Width: 4},
		{VocabSize: 4, MaxLen: 4, Layers: 0, Heads: 1, Width: 4},
		{VocabSize: 4, MaxLen: 4, Layers: 1, Heads: 3, Width: 4},
		{VocabSize: 4, MaxLen: 4, Layers: 1, Heads: 1, Width: 4, LayerNormEps: -1},
	}
	for _, c := range bad {
		if c.Validate() == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	if err := smallConfig.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestParamNames(t *testing.T) {
	m := NewTransformer(Config{VocabSize: 5, MaxLen: 3, Layers: 2, Heads: 2, Width: 4}, rand.New(rand.NewPCG(1, 1)))
	var names []string
	for _, p := range m.Params() {
		names = append(names, p.Name+strings.Trim(strings.ReplaceAll(fmt.Sprint(p.Value.Shape()), " ", ","), "[]"))
	}
	want := "wte.weight5,4 wpe.weight3,4 " +
		"h.0.ln_1.weight4 h.0.ln_1.bias4 h.0.attn.c_attn.weight4,12 h.0.attn.c_attn.bias12 h.0.attn.c_proj.weight4,4 h.0.attn.c_proj.bias4 " +
		"h.0.ln_2.weight4 h.0.ln_2.bias4 h.0.mlp.c_fc.weight4,16 h.0.mlp.c_fc.bias16 h.0.mlp.c_proj.weight16,4 h.0.mlp.c_proj.bias4 " +
		"h.1.ln_1.weight4 h.1.ln_1.bias4 h.1.attn.c_attn.weight4,12 h.1.attn.c_attn.bias12 h.1.attn.c_proj.weight4,4 h.1.attn.c_proj.bias4 " +
		"h.1.ln_2.weight4 h.1.ln_2.bias4 h.1.mlp.c_fc.weight4,16 h.1.mlp.c_fc.bias16 h.1.mlp.c_proj.weight16,4 h.1.mlp.c_proj.bias4 " +
		"ln_f.weight4 ln_f.bias4"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("params:\n got %s\nwant %s", got, want)
	}
	if n := m.NumParams(); n != 5*4+3*4+2*(4*12+12+16+4+4*16+16+16*4+4+4*4)+8 {
		t.Errorf("NumParams = %d", n)
	}
}

// TestInitStatistics checks GPT-2's initialisation: std 0.02, residual projections scaled by
// 1/√(2·layers), biases zero, gains one.
func TestInitStatistics(t *testing.T) {
	cfg := Config{VocabSize: 300, MaxLen: 64, Layers: 8, Heads: 4, Width: 64}
	m := NewTransformer(cfg, rand.New(rand.NewPCG(2, 2)))
	std := func(d []float32) float64 {
		var s float64
		for _, v := range d {
			s += float64(v) * float64(v)
		}
		return math.Sqrt(s / float64(len(d)))
	}
	proj := 0.02 / math.Sqrt(16)
	for _, p := range m.Params() {
		d := p.Value.Data()
		var want float64
		switch {
		case strings.HasSuffix(p.Name, "c_proj.weight"):
			want = proj
		case strings.HasSuffix(p.Name, ".weight") && strings.Contains(p.Name, "ln_"):
			for _, v := range d {
				if v != 1 {
					t.Fatalf("%s holds %v, want ones", p.Name, v)
				}
			}
			continue
		case strings.HasSuffix(p.Name, ".bias"):
			for _, v := range d {
				if v != 0 {
					t.Fatalf("%s holds %v, want zeros", p.Name, v)
				}
			}
			continue
		default:
			want = 0.02
		}
		if got := std(d); math.Abs(got-want) > 0.1*want {
			t.Errorf("%s: std %.5f, want %.5f", p.Name, got, want)
		}
	}
	// The same seed gives the same model.
	m2 := NewTransformer(cfg, rand.New(rand.NewPCG(2, 2)))
	for i, p := range m2.Params() {
		if !p.Value.Equal(m.Params()[i].Value) {
			t.Fatalf("%s differs between two models built with the same seed", p.Name)
		}
	}
}

// TestKVCacheMatchesForward compares the inference path, fed in chunks of several sizes, with
// the training forward pass over the whole sequence.
func TestKVCacheMatchesForward(t *testing.T) {
	m := randomTransformer(smallConfig, 1)
	ids := randomIDs(2*smallConfig.MaxLen, smallConfig.VocabSize, 2)
	full := m.Forward(nil, ids, 2).Value.Data()
	v := smallConfig.VocabSize
	for _, chunk := range []int{1, 3, 7, 40} {
		for b := range 2 {
			seq := ids[b*smallConfig.MaxLen : (b+1)*smallConfig.MaxLen]
			st := m.NewState()
			var got []float32
			for i := 0; i < len(seq); i += chunk {
				for _, row := range st.Append(seq[i:min(i+chunk, len(seq))]) {
					got = append(got, row...)
				}
			}
			if st.Len() != len(seq) {
				t.Fatalf("Len = %d, want %d", st.Len(), len(seq))
			}
			want := full[b*len(seq)*v : (b+1)*len(seq)*v]
			if d := maxAbsDiff(got, want); d > 2e-5 {
				t.Errorf("chunk %d, sequence %d: max |KV cache − forward| = %g", chunk, b, d)
			}
		}
	}
}

// TestTruncateThenAppend checks that rolling back and feeding other tokens gives exactly what
// a fresh state fed the same way gives.
func TestTruncateThenAppend(t *testing.T) {
	m := randomTransformer(smallConfig, 3)
	ids := randomIDs(60, smallConfig.VocabSize, 4)
	a := m.NewState()
	a.Append(ids[:25])
	a.Append(ids[25:30])
	a.Truncate(9)
	if a.Len() != 9 {
		t.Fatalf("Len after Truncate(9) = %d", a.Len())
	}
	got := a.Append(ids[40:52])
	b := m.NewState()
	b.Append(ids[:9])
	want := b.Append(ids[40:52])
	for i := range want {
		if maxAbsDiff(got[i], want[i]) != 0 {
			t.Fatalf("row %d differs after Truncate then Append", i)
		}
	}
	a.Truncate(0)
	b = m.NewState()
	if maxAbsDiff(a.Append(ids[:3])[2], b.Append(ids[:3])[2]) != 0 {
		t.Fatal("Truncate(0) then Append differs from a fresh state")
	}
}

func TestStatePanics(t *testing.T) {
	m := randomTransformer(smallConfig, 5)
	expectPanic := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			if r == nil {
				t.Errorf("%s: no panic", name)
				return
			}
			if msg, _ := r.(string); !strings.Contains(msg, want) {
				t.Errorf("%s: panic %v, want it to mention %q", name, r, want)
			}
		}()
		f()
	}
	st := m.NewState()
	st.Append(randomIDs(30, smallConfig.VocabSize, 1))
	expectPanic("beyond MaxLen", "exceeds MaxLen", func() { st.Append(make([]int, 11)) })
	expectPanic("token", "outside the vocabulary", func() { st.Append([]int{23}) })
	expectPanic("negative token", "outside the vocabulary", func() { st.Append([]int{-1}) })
	expectPanic("Truncate beyond", "Truncate(31)", func() { st.Truncate(31) })
	expectPanic("Truncate negative", "Truncate(-1)", func() { st.Truncate(-1) })
	if st.Len() != 30 {
		t.Errorf("a failed Append changed Len to %d", st.Len())
	}
	if rows := st.Append(nil); len(rows) != 0 || st.Len() != 30 {
		t.Errorf("Append(nil) returned %d rows, Len %d", len(rows), st.Len())
	}
	st.Append(make([]int, 10)) // exactly MaxLen is fine
	expectPanic("Forward", "exceed MaxLen", func() { m.Forward(nil, make([]int, 41), 1) })
	expectPanic("Forward batch", "do not form", func() { m.Forward(nil, make([]int, 9), 2) })
}

// TestLoss checks the fused loss against the cross-entropy of Forward's logits, with and
// without a mask, and that its gradients agree with finite differences.
func TestLoss(t *testing.T) {
	cfg := Config{VocabSize: 11, MaxLen: 6, Layers: 1, Heads: 2, Width: 8}
	m := randomTransformer(cfg, 9)
	ids := randomIDs(2*6, cfg.VocabSize, 10)
	targets := randomIDs(2*6, cfg.VocabSize, 11)
	mask := make([]float32, len(ids))
	for i := range mask {
		mask[i] = float32(i % 3 % 2)
	}
	logits := m.Forward(nil, ids, 2)
	var tp *autodiff.Tape
	want := tp.CrossEntropy(tp.Reshape(logits, -1, cfg.VocabSize), targets).Value.Item()
	if got := m.Loss(nil, ids, targets, nil, 2).Value.Item(); math.Abs(float64(got-want)) > 1e-6 {
		t.Errorf("Loss = %v, cross-entropy of Forward = %v", got, want)
	}
	wantM := tp.CrossEntropyMasked(tp.Reshape(logits, -1, cfg.VocabSize), targets, mask).Value.Item()
	if got := m.Loss(nil, ids, targets, mask, 2).Value.Item(); math.Abs(float64(got-wantM)) > 1e-6 {
		t.Errorf("masked Loss = %v, want %v", got, wantM)
	}
	var inputs []*autodiff.Var
	for _, p := range m.Params() {
		if p.Name == "wte.weight" || p.Name == "h.0.attn.c_attn.weight" || p.Name == "ln_f.weight" || p.Name == "h.0.mlp.c_proj.bias" {
			inputs = append(inputs, p.Var)
		}
	}
	err := autodiff.GradCheck(func(tp *autodiff.Tape) *autodiff.Var {
		return m.Loss(tp, ids, targets, mask, 2)
	}, inputs, &autodiff.GradCheckOptions{Step: 1e-2, Atol: 2e-3, Rtol: 2e-2})
	if err != nil {
		t.Error(err)
	}
	// Every parameter receives a gradient.
	autodiff.ZeroGrad(m.Params())
	tape := autodiff.NewTape()
	tape.Backward(m.Loss(tape, ids, targets, nil, 2))
	for _, p := range m.Params() {
		if p.Grad == nil || tensor.MaxAll(tensor.Abs(p.Grad)) == 0 {
			t.Errorf("%s received no gradient", p.Name)
		}
	}
}

// TestAppendAllocs checks that decoding allocates nothing once the state has grown.
func TestAppendAllocs(t *testing.T) {
	m := randomTransformer(smallConfig, 6)
	st := m.NewState()
	tok := []int{1}
	st.Append([]int{1, 2, 3})
	st.Append(tok)
	allocs := testing.AllocsPerRun(20, func() {
		st.Append(tok)
		st.Truncate(3)
	})
	if allocs != 0 {
		t.Errorf("Append allocates %v times per token", allocs)
	}
}

func TestStateGrows(t *testing.T) {
	cfg := Config{VocabSize: 9, MaxLen: 200, Layers: 1, Heads: 2, Width: 8}
	m := randomTransformer(cfg, 8)
	ids := randomIDs(200, cfg.VocabSize, 8)
	want := m.Forward(nil, ids, 1).Value.Data()
	st := m.NewState()
	var got []float32
	for _, n := range []int{50, 1, 30, 100, 19} {
		for _, row := range st.Append(ids[st.Len() : st.Len()+n]) {
			got = append(got, row...)
		}
	}
	if d := maxAbsDiff(got, want); d > 2e-5 {
		t.Errorf("max |KV cache − forward| = %g across cache growth", d)
	}
}

// TestGenerateBatchMatchesGenerate decodes prompts of several lengths, more of them than
// GenerateBatchRows, with stop tokens and length limits, and compares with Generate.
func TestGenerateBatchMatchesGenerate(t *testing.T) {
	m := randomTransformer(smallConfig, 12)
	rng := rand.New(rand.NewPCG(1, 1))
	n := GenerateBatchRows + 9
	if testing.Short() {
		n = 20
	}
	prompts := make([][]int, n)
	for i := range prompts {
		prompts[i] = randomIDs(1+rng.IntN(smallConfig.MaxLen), smallConfig.VocabSize, uint64(i))
	}
	for _, opts := range []GenerateOptions{
		{Sampling: SamplingOptions{Temperature: 1}, StopTokens: []int{3}},
		{Sampling: SamplingOptions{Temperature: 0.8, TopK: 5}, MaxNewTokens: 7},
		{},
	} {
		want, err := Generate(context.Background(), m, prompts, opts, rand.New(rand.NewPCG(9, 9)))
		if err != nil {
			t.Fatal(err)
		}
		var calls int
		opts.Progress = func(done, total int) {
			calls++
			if done != calls || total != n {
				t.Errorf("Progress(%d, %d) at call %d", done, total, calls)
			}
		}
		got, err := m.GenerateBatch(context.Background(), prompts, opts, rand.New(rand.NewPCG(9, 9)))
		if err != nil {
			t.Fatal(err)
		}
		if calls != n {
			t.Errorf("Progress called %d times for %d prompts", calls, n)
		}
		for i := range want {
			if !slices.Equal(got[i].Tokens, want[i].Tokens) || got[i].Stop != want[i].Stop {
				t.Fatalf("%+v: prompt %d: GenerateBatch %v (%v), Generate %v (%v)", opts.Sampling, i, got[i].Tokens, got[i].Stop, want[i].Tokens, want[i].Stop)
			}
			if d := maxAbsDiff(got[i].LogProbs, want[i].LogProbs); d > 1e-4 {
				t.Errorf("prompt %d: log-probabilities differ by %g", i, d)
			}
		}
	}
	if _, err := m.GenerateBatch(context.Background(), [][]int{{}}, GenerateOptions{}, rng); err == nil {
		t.Error("empty prompt: no error")
	}
	if _, err := m.GenerateBatch(context.Background(), [][]int{{99}}, GenerateOptions{}, rng); err == nil {
		t.Error("token outside the vocabulary: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gens, err := m.GenerateBatch(ctx, prompts, GenerateOptions{}, rng)
	if err == nil || len(gens) != n || gens[0].Stop != StopCanceled {
		t.Errorf("canceled: err %v, %d generations", err, len(gens))
	}
}
