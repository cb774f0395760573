package lm_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/tenet-ml/tenet/lm"
	"github.com/tenet-ml/tenet/lm/task"
)

// lastDigit is a toy verifiable task: "Q:ab" asks for the last digit of a+b; any string of
// digits ending with it is accepted.
type lastDigit struct{}

func (lastDigit) Verify(p task.Problem, s string) float32 {
	if s != "" && strings.Trim(s, "0123456789") == "" && strings.HasSuffix(s, p.Answer) {
		return 1
	}
	return 0
}

func lastDigitProblems(n int, r *rand.Rand) []task.Problem {
	ps := make([]task.Problem, n)
	for i := range ps {
		a, b := r.IntN(10), r.IntN(10)
		ans := fmt.Sprint((a + b) % 10)
		ps[i] = task.Problem{Prompt: fmt.Sprintf("Q:%d%d", a, b), Solution: ans, Answer: ans}
	}
	return ps
}

// Fine-tune a tiny transformer on prompt/completion pairs: the loss is next-token
// cross-entropy on the completion tokens only.
func ExampleSFT() {
	tok, _ := lm.NewCharTokenizer("0123456789:Q")
	f, _ := lm.NewFormat(tok) // prompts start with <bos>, completions end with <eos>
	r := rand.New(rand.NewPCG(1, 2))
	train := f.HumanExamples(lastDigitProblems(64, r))
	val := f.HumanExamples(lastDigitProblems(32, r))

	m := lm.NewTransformer(lm.Config{VocabSize: tok.VocabSize(), MaxLen: 16, Layers: 1, Heads: 2, Width: 32}, rand.New(rand.NewPCG(3, 4)))
	before := lm.CompletionLoss(m, val, 32, f.EOS)
	cfg := lm.DefaultSFTConfig(200)
	cfg.BatchSize, cfg.LR, cfg.PadToken = 16, 3e-3, f.EOS
	res, err := lm.SFT(context.Background(), m, train, cfg)
	if err != nil {
		panic(err)
	}
	after := lm.CompletionLoss(m, val, 32, f.EOS)
	fmt.Printf("%d steps; validation loss fell: %v\n", res.Steps, after < before)
	// Output:
	// 200 steps; validation loss fell: true
}

// One ReST-EM iteration on a tiny model: sample solutions to a pool of problems, keep the
// ones the verifier accepts, fine-tune the base model on them, evaluate.
func ExampleReSTEM() {
	tok, _ := lm.NewCharTokenizer("0123456789:Q")
	f, _ := lm.NewFormat(tok)
	r := rand.New(rand.NewPCG(5, 6))
	human := lastDigitProblems(16, r) // the limited human data
	data := task.Splits{Train: lastDigitProblems(48, r), Validation: lastDigitProblems(16, r), Test: lastDigitProblems(32, r)}

	base := lm.NewTransformer(lm.Config{VocabSize: tok.VocabSize(), MaxLen: 16, Layers: 1, Heads: 2, Width: 32}, rand.New(rand.NewPCG(7, 8)))
	sc := lm.DefaultSFTConfig(40)
	sc.BatchSize, sc.PadToken = 16, f.EOS
	if _, err := lm.SFT(context.Background(), base, f.HumanExamples(human), sc); err != nil {
		panic(err)
	}

	cfg := lm.DefaultReSTEMConfig()
	cfg.Iterations, cfg.Samples, cfg.MaxNewTokens = 1, 8, 4
	cfg.MStep = lm.DefaultSFTConfig(40)
	cfg.MStep.BatchSize, cfg.MStep.EvalEvery, cfg.MStep.Patience = 16, 20, 1
	cfg.EvalSamples, cfg.EvalK = 4, 2
	cfg.Seed = 1
	rs := &lm.ReSTEM{Base: base, Format: f, Verifier: lastDigit{}, Data: data, Config: cfg}
	res, err := rs.Run(context.Background())
	if err != nil {
		panic(err)
	}
	it := res.Iterations[1]
	fmt.Printf("records: %d (base and one iteration)\n", len(res.Iterations))
	fmt.Printf("E-step: %d samples (%d problems × %d); some kept: %v\n", it.Samples, len(data.Train), cfg.Samples, it.Kept > 0)
	fmt.Printf("kept solutions are correct: %v\n", lastDigit{}.Verify(data.Train[res.Kept[0].Problem], res.Kept[0].Solution) == 1)
	// Output:
	// records: 2 (base and one iteration)
	// E-step: 384 samples (48 problems × 8); some kept: true
	// kept solutions are correct: true
}
