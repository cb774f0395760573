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
	"testing"

	"github.com/tenet-ml/tenet/lm/task"
)

// sumTask is a toy verifiable task: the prompt "Q:ab" asks for (a+b) mod 10, and a solution
// is correct when it is non-empty and ends with that digit (so many texts are correct, which
// exercises deduplication and the per-problem cap).
type sumTask struct{}

func (sumTask) Verify(p task.Problem, s string) float32 {
	if a, ok := (sumTask{}).Answer(p, s); ok && a == p.Answer {
		return 1
	}
	return 0
}

func (sumTask) Answer(_ task.Problem, s string) (string, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return "", false
	}
	return s[len(s)-1:], true
}

func sumProblems(n int, r *rand.Rand) []task.Problem {
	ps := make([]task.Problem, n)
	for i := range ps {
		a, b := r.IntN(10), r.IntN(10)
		ans := fmt.Sprint((a + b) % 10)
		ps[i] = task.Problem{Prompt: fmt.Sprintf("Q:%d%d", a, b), Solution: ans, Answer: ans}
	}
	return ps
}

// tinyReSTEM builds a tiny base model trained briefly on human data and a ReSTEM over it.
func tinyReSTEM(t testing.TB, iterations int) *ReSTEM {
	tok, err := NewCharTokenizer("0123456789:AQ")
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFormat(tok)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	human := sumProblems(16, r)
	data := task.Splits{Train: sumProblems(24, r), Validation: sumProblems(8, r), Test: sumProblems(12, r)}
	base := NewTransformer(Config{VocabSize: tok.VocabSize(), MaxLen: 16, Layers: 1, Heads: 2, Width: 16}, rand.New(rand.NewPCG(2, 2)))
	sc := DefaultSFTConfig(30)
	sc.BatchSize, sc.PadToken = 8, f.EOS
	if _, err := SFT(context.Background(), base, f.HumanExamples(human), sc); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultReSTEMConfig()
	cfg.Iterations, cfg.Samples, cfg.MaxPerProblem, cfg.MaxNewTokens = iterations, 6, 2, 6
	cfg.Sampling.Temperature = 1.5 // a tiny undertrained model: sample broadly
	cfg.MStep = DefaultSFTConfig(16)
	cfg.MStep.BatchSize, cfg.MStep.EvalEvery, cfg.MStep.Patience = 8, 8, 1
	cfg.EvalSamples, cfg.EvalK = 4, 2
	cfg.Seed = 3
	return &ReSTEM{Base: base, Format: f, Verifier: sumTask{}, Data: data, Config: cfg}
}

func TestReSTEMFilterCapAndDedupe(t *testing.T) {
	rs := tinyReSTEM(t, 0)
	rs.Config.Samples, rs.Config.MaxPerProblem = 5, 2
	rs.Data.Train = rs.Data.Train[:3]
	enc := func(s string) Generation { return Generation{Tokens: rs.Format.Completion(s)} }
	a0, a1, a2 := rs.Data.Train[0].Answer, rs.Data.Train[1].Answer, rs.Data.Train[2].Answer
	wrong := func(a string) string { return fmt.Sprint((a[0] - '0' + 1) % 10) }
	gens := []Generation{
		// problem 0: three distinct correct solutions and a duplicate; the cap keeps two.
		enc(a0), enc(a0), enc("1" + a0), enc(wrong(a0)), enc("22" + a0),
		// problem 1: one correct solution, sampled twice; kept once.
		enc(wrong(a1)), enc("3" + a1), enc("3" + a1), enc(wrong(a1)), {Tokens: []int{}},
		// problem 2: nothing correct (a text after the end token is ignored, but "Q" is wrong).
		enc("Q" + a2), enc(wrong(a2)), enc(wrong(a2)), enc(wrong(a2)), enc(wrong(a2)),
	}
	var rec ReSTEMIteration
	kept := rs.filter(gens, &rec)
	want := []KeptSolution{{0, a0}, {0, "1" + a0}, {1, "3" + a1}}
	if !reflect.DeepEqual(kept, want) {
		t.Fatalf("kept %v, want %v", kept, want)
	}
	if rec.Samples != 15 || rec.Correct != 6 || rec.Kept != 3 || rec.ProblemsKept != 2 {
		t.Fatalf("record %+v", rec)
	}
}

func TestReSTEMMStepStartsFromBase(t *testing.T) {
	rs := tinyReSTEM(t, 2)
	var calls int
	mstepHook = func(it int, m *Transformer) {
		calls++
		if m == rs.Base {
			t.Errorf("iteration %d trains the base model itself", it)
		}
		if !sameWeights(m, rs.Base) {
			t.Errorf("iteration %d: the M-step does not start from the base weights", it)
		}
	}
	defer func() { mstepHook = nil }()
	before := cloneTransformer(rs.Base)
	res, err := rs.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 || len(res.Iterations) != 3 {
		t.Fatalf("%d M-steps, %d records", calls, len(res.Iterations))
	}
	if !sameWeights(before, rs.Base) {
		t.Fatal("Run modified the base model")
	}
	if res.Iterations[1].Kept == 0 || sameWeights(res.Model, rs.Base) {
		t.Fatalf("iteration 1 kept %d samples; the final model equals the base: %v", res.Iterations[1].Kept, sameWeights(res.Model, rs.Base))
	}
}

func stripTimes(recs []ReSTEMIteration) []ReSTEMIteration {
	out := append([]ReSTEMIteration(nil), recs...)
	for i := range out {
		out[i].Seconds = 0
		out[i].Train.Correct, out[i].Test.Correct = nil, nil
	}
	return out
}

func sameRecords(a, b []ReSTEMIteration) bool {
	// NaN-aware comparison through the checkpoint encoding.
	return reflect.DeepEqual(encodeRecords(stripTimes(a)), encodeRecords(stripTimes(b)))
}

func TestReSTEMDeterministic(t *testing.T) {
	iters := 2
	if testing.Short() {
		iters = 1
	}
	a, err := tinyReSTEM(t, iters).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rs := tinyReSTEM(t, iters)
	rs.Config.MStep.Progress = nil
	// The results do not depend on the number of cores.
	prev := runtime.GOMAXPROCS(1)
	b, err := rs.Run(context.Background())
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	if !sameRecords(a.Iterations, b.Iterations) || !sameWeights(a.Model, b.Model) || !reflect.DeepEqual(a.Kept, b.Kept) {
		t.Fatalf("two runs with one seed differ:\n%+v\n%+v", a.Iterations, b.Iterations)
	}
}

func TestReSTEMResume(t *testing.T) {
	dir := t.TempDir()
	full, err := tinyReSTEM(t, 2).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Interrupt during the second iteration's E-step.
	rs := tinyReSTEM(t, 2)
	rs.Config.Dir = dir
	ctx, cancel := context.WithCancel(context.Background())
	rs.Config.Progress = func(p ReSTEMProgress) {
		if p.Iteration == 2 && p.Phase == "sample" {
			cancel()
		}
	}
	if _, err := rs.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	rs = tinyReSTEM(t, 2)
	rs.Config.Dir = dir
	res, err := rs.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != 2 {
		t.Fatalf("resumed %d iterations, want 2 (base and iteration 1)", res.Resumed)
	}
	if !sameRecords(full.Iterations, res.Iterations) || !sameWeights(full.Model, res.Model) || !reflect.DeepEqual(full.Kept, res.Kept) {
		t.Fatalf("resumed run differs:\n%+v\n%+v", full.Iterations, res.Iterations)
	}
	// A finished run resumes everything; a different configuration is refused.
	again, err := rs.Run(context.Background())
	if err != nil || again.Resumed != 3 || !sameWeights(again.Model, full.Model) {
		t.Fatalf("rerun of a finished run: resumed %v, err %v", again.Resumed, err)
	}
	rs.Config.Samples++
	if _, err := rs.Run(context.Background()); err == nil {
		t.Fatal("a checkpoint of another configuration was accepted")
	}
}

func TestEvaluateMetrics(t *testing.T) {
	// A bigram model that always writes the digit '7' then the end token.
	tok, _ := NewCharTokenizer("0123456789:AQ")
	f, _ := NewFormat(tok)
	v := tok.VocabSize()
	seven, _ := tok.TokenID("7")
	logits := make([][]float32, v)
	for i := range logits {
		logits[i] = make([]float32, v)
		for j := range logits[i] {
			logits[i][j] = float32(math.Inf(-1))
		}
		logits[i][seven] = 0
	}
	logits[seven][seven] = float32(math.Inf(-1))
	logits[seven][f.EOS] = 0
	m := NewBigramModel(logits, 16)
	ps := []task.Problem{{Prompt: "Q:34", Answer: "7"}, {Prompt: "Q:11", Answer: "2"}, {Prompt: "Q:52", Answer: "7"}, {Prompt: "Q:00", Answer: "0"}}
	ev, err := Evaluate(context.Background(), m, f, sumTask{}, sumTask{}, ps, EvalOptions{Samples: 3, K: 2, Sampling: SamplingOptions{Temperature: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Pass1 != 0.5 || ev.PassK != 0.5 || ev.Maj != 0.5 || ev.SampleAccuracy != 0.5 || !reflect.DeepEqual(ev.Correct, []int{3, 0, 3, 0}) {
		t.Fatalf("metrics %+v", ev)
	}
}
