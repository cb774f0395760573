package distill

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/lm"
)

// TestGKDTransformerStudent distils a bigram teacher into a tiny lm.Transformer with
// on-policy GKD (λ = 1) and checks that the divergence GKD minimises — forward KL on the
// student's own samples — falls to under a quarter of its starting value, for forward KL and
// for JSD(0.5). The student is the real network of package lm: the trainer drives its
// autodiff forward pass and samples from its KV-cache inference path.
func TestGKDTransformerStudent(t *testing.T) {
	steps := 80
	if testing.Short() {
		steps = 40
	}
	for _, d := range []Divergence{NewForwardKL(), NewJSD(0.5)} {
		rng := rand.New(rand.NewPCG(11, 12))
		const v = 8
		teacher := lm.NewRandomBigramModel(v, 16, 2.5, rng)
		student := lm.NewTransformer(lm.Config{VocabSize: v, MaxLen: 16, Layers: 1, Heads: 2, Width: 16}, rng)
		data := make([]Example, v)
		for i := range data {
			data[i] = Example{Prompt: []int{i}}
		}
		before := onPolicyDivergence(t, teacher, student, data, NewForwardKL())
		opt := optim.NewAdamW(student.Params(), optim.AdamConfig{LR: 1e-2})
		tr, err := NewTrainer(student, teacher, opt, GKDOptions{Divergence: d, Lambda: 1, MaxNewTokens: 6, ClipNorm: 1})
		if err != nil {
			t.Fatal(err)
		}
		for step := range steps {
			batch := make([]Example, 16)
			for i := range batch {
				batch[i] = data[(step*16+i)%len(data)]
			}
			st, err := tr.Step(context.Background(), batch, rng)
			if err != nil {
				t.Fatal(err)
			}
			if st.Source != SourceStudent || st.Tokens == 0 {
				t.Fatalf("%v: step %d: %+v", d, step, st)
			}
		}
		after := onPolicyDivergence(t, teacher, student, data, NewForwardKL())
		t.Logf("%v: on-policy FKL %.3f → %.3f after %d steps", d, before, after, steps)
		if !(after < 0.25*before) {
			t.Errorf("%v: on-policy FKL %.3f → %.3f, want below a quarter", d, before, after)
		}
	}
}

// TestTeacherLogitsBatched checks the batched teacher pass (one Forward over the padded
// batch) against one inference-state Append per sequence, on sequences of different lengths.
func TestTeacherLogitsBatched(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const v = 9
	teacher := lm.NewTransformer(lm.Config{VocabSize: v, MaxLen: 16, Layers: 2, Heads: 2, Width: 16}, rng)
	student := lm.NewTransformer(lm.Config{VocabSize: v, MaxLen: 16, Layers: 1, Heads: 2, Width: 8}, rng)
	opt := optim.NewAdamW(student.Params(), optim.AdamConfig{LR: 1e-3})
	tr, err := NewTrainer(student, teacher, opt, GKDOptions{Divergence: NewForwardKL()})
	if err != nil {
		t.Fatal(err)
	}
	prompts := [][]int{{1, 2}, {3}, {4, 5, 6}}
	outputs := [][]int{{7, 8, 1, 2, 3}, {0, 0}, {2, 0, 8, 8, 8, 8, 1}}
	seqs, T := tr.buildBatch(prompts, outputs, 16)
	tr.teacherLogits(seqs, T, v)
	for b, s := range seqs {
		rows := teacher.NewState().Append(s[:len(s)-1])
		for i, row := range rows {
			for j, x := range row {
				if got := tr.teach[(b*T+i)*v+j]; math.Abs(float64(got-x)) > 1e-4*(1+math.Abs(float64(x))) {
					t.Fatalf("sequence %d row %d logit %d: batched %v, Append %v", b, i, j, got, x)
				}
			}
		}
	}
}
