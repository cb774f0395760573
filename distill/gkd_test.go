package distill

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tenet-ml/tenet"
	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/lm"
	"github.com/tenet-ml/tenet/tensor"
)

// tableStudent is a trainable bigram model: the logits after token t are row t of a
// (V, V) parameter table. It trains through the tape (Forward) and decodes through states
// that read the live table.
type tableStudent struct {
	table  *autodiff.Var
	maxLen int
}

func newTableStudent(v, maxLen int, rng *rand.Rand) *tableStudent {
	data := make([]float32, v*v)
	for i := range data {
		data[i] = float32(rng.NormFloat64() * 0.1)
	}
	return &tableStudent{table: autodiff.NewVar(tensor.FromSlice(data, v, v), true), maxLen: maxLen}
}

func (m *tableStudent) VocabSize() int { return m.table.Value.Dim(0) }
func (m *tableStudent) MaxLen() int    { return m.maxLen }
func (m *tableStudent) Params() []autodiff.Param {
	return []autodiff.Param{{Name: "table", Var: m.table}}
}
func (m *tableStudent) Forward(tp *autodiff.Tape, ids []int, batch int) *autodiff.Var {
	v := m.VocabSize()
	return tp.Reshape(tp.Embedding(m.table, ids), batch, len(ids)/batch, v)
}
func (m *tableStudent) NewState() lm.State { return &tableState{m: m} }

type tableState struct {
	m    *tableStudent
	n    int
	rows [][]float32
}

func (s *tableState) Append(tokens []int) [][]float32 {
	v := s.m.VocabSize()
	s.rows = s.rows[:0]
	for _, t := range tokens {
		s.rows = append(s.rows, append([]float32(nil), s.m.table.Value.Data()[t*v:(t+1)*v]...))
	}
	s.n += len(tokens)
	return s.rows
}
func (s *tableState) Len() int       { return s.n }
func (s *tableState) Truncate(n int) { s.n = n }

func gkdSetup(seed uint64) (*lm.BigramModel, *tableStudent, []Example) {
	rng := rand.New(rand.NewPCG(seed, 99))
	const v = 8
	teacher := lm.NewRandomBigramModel(v, 32, 2, rng)
	student := newTableStudent(v, 32, rng)
	var data []Example
	for i := range 32 {
		prompt := []int{i % v}
		gens, _ := lm.Generate(context.Background(), teacher, [][]int{prompt},
			lm.GenerateOptions{Sampling: lm.SamplingOptions{Temperature: 1}, MaxNewTokens: 6}, rng)
		data = append(data, Example{Prompt: prompt, Output: gens[0].Tokens})
	}
	return teacher, student, data
}

func onPolicyDivergence(t *testing.T, teacher lm.Model, student lm.Model, data []Example, d Divergence) float64 {
	prompts := make([][]int, len(data))
	for i, ex := range data {
		prompts[i] = ex.Prompt
	}
	rng := rand.New(rand.NewPCG(5, 5))
	var total float64
	for range 4 {
		gens, err := lm.Generate(context.Background(), student, prompts,
			lm.GenerateOptions{Sampling: lm.SamplingOptions{Temperature: 1}, MaxNewTokens: 6}, rng)
		if err != nil {
			t.Fatal(err)
		}
		outs := make([][]int, len(gens))
		for i, g := range gens {
			outs[i] = g.Tokens
		}
		total += MeanDivergence(teacher, student, prompts, outs, d)
	}
	return total / 4
}

// TestGKDReducesDivergence trains a bigram student toward a bigram teacher with each recipe
// and checks that the on-policy forward KL falls well below its starting value.
func TestGKDReducesDivergence(t *testing.T) {
	recipes := map[string]GKDOptions{
		"on-policy FKL":  {Divergence: NewForwardKL(), Lambda: 1, MaxNewTokens: 6},
		"on-policy RKL":  {Divergence: NewReverseKL(), Lambda: 1, MaxNewTokens: 6},
		"mixed JSD(0.5)": {Divergence: NewJSD(0.5), Lambda: 0.5, MaxNewTokens: 6},
		"supervised KD":  {Divergence: NewForwardKL()},
		"SeqKD":          {Objective: ObjectiveNLL, TeacherFraction: 1, MaxNewTokens: 6},
		"SFT":            {Objective: ObjectiveNLL},
		"on-policy TVD":  {Divergence: NewTVD(), Lambda: 1, MaxNewTokens: 6, SampleTemperature: 1.5},
	}
	steps := 150
	if testing.Short() {
		steps = 60
	}
	for name, opts := range recipes {
		teacher, student, data := gkdSetup(1)
		before := onPolicyDivergence(t, teacher, student, data, NewForwardKL())
		opt := optim.NewAdam(student.Params(), optim.AdamConfig{LR: 0.1})
		tr, err := NewTrainer(student, teacher, opt, opts)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(2, 3))
		sources := map[Source]int{}
		for step := range steps {
			batch := make([]Example, 8)
			for i := range batch {
				batch[i] = data[(step*8+i)%len(data)]
			}
			st, err := tr.Step(context.Background(), batch, rng)
			if err != nil {
				t.Fatal(err)
			}
			if math.IsNaN(st.Loss) || st.Tokens == 0 {
				t.Fatalf("%s: step %d: %+v", name, step, st)
			}
			sources[st.Source]++
		}
		after := onPolicyDivergence(t, teacher, student, data, NewForwardKL())
		t.Logf("%-15s on-policy FKL %.3f → %.3f, sources %v", name, before, after, sources)
		if !(after < 0.5*before) {
			t.Errorf("%s: on-policy FKL %.3f → %.3f, want a large reduction", name, before, after)
		}
	}
}

func TestSourceChoice(t *testing.T) {
	o := GKDOptions{Lambda: 0.3, TeacherFraction: 0.2}
	rng := rand.New(rand.NewPCG(1, 1))
	counts := map[Source]int{}
	const n = 100000
	for range n {
		counts[o.source(rng.Float64())]++
	}
	// λ is the probability of on-policy data, not 1 − λ.
	for s, want := range map[Source]float64{SourceStudent: 0.3, SourceTeacher: 0.2, SourceFixed: 0.5} {
		got := float64(counts[s]) / n
		if math.Abs(got-want) > 4*math.Sqrt(want*(1-want)/n) {
			t.Errorf("%v: frequency %.4f, want %.2f", s, got, want)
		}
	}
	if (&GKDOptions{Lambda: 1}).source(0.999999) != SourceStudent || (&GKDOptions{}).source(0) != SourceFixed {
		t.Error("λ = 1 must always be on-policy and λ = 0 never")
	}
}

// TestMaskByPosition checks that an output ending in a token equal to the pad id is trained
// on at that position, while the padding after shorter sequences is not.
func TestMaskByPosition(t *testing.T) {
	const pad = 0
	_, student, _ := gkdSetup(3)
	tr, err := NewTrainer(student, nil, optim.NewSGD(student.Params(), optim.SGDConfig{LR: 0.1}),
		GKDOptions{Objective: ObjectiveNLL, Pad: pad})
	if err != nil {
		t.Fatal(err)
	}
	prompts := [][]int{{3, 4}, {5}}
	outputs := [][]int{{6, pad}, {7, 2, 1, pad}} // both end with the end token = pad
	seqs, T := tr.buildBatch(prompts, outputs, 32)
	if T != 4 || len(seqs) != 2 {
		t.Fatalf("T = %d", T)
	}
	wantMask := []float32{0, 1, 1, 0 /* padding */, 1, 1, 1, 1}
	wantTargets := []int{4, 6, pad, 0, 7, 2, 1, pad}
	for i := range wantMask {
		if tr.mask[i] != wantMask[i] || (wantMask[i] != 0 && tr.targets[i] != wantTargets[i]) {
			t.Fatalf("position %d: mask %v target %d, want %v %d", i, tr.mask[i], tr.targets[i], wantMask[i], wantTargets[i])
		}
	}
	// The Step agrees: 2 + 4 output tokens.
	st, err := tr.Step(context.Background(), []Example{{Prompt: prompts[0], Output: outputs[0]}, {Prompt: prompts[1], Output: outputs[1]}}, rand.New(rand.NewPCG(1, 1)))
	if err != nil || st.Tokens != 6 {
		t.Fatalf("Step: %+v %v", st, err)
	}
}

// TestStepLossMatchesDivergence checks that the loss of a step is the temperature-1
// divergence of the batch even when sampling runs at another temperature, and that the
// analytic NLL matches the tape's fused cross-entropy.
func TestStepLossMatchesDivergence(t *testing.T) {
	teacher, student, data := gkdSetup(4)
	// NLL against the fused cross-entropy, value and gradient.
	tr, _ := NewTrainer(student, teacher, optim.NewSGD(student.Params(), optim.SGDConfig{LR: 0}), GKDOptions{Objective: ObjectiveNLL})
	prompts := [][]int{data[0].Prompt, data[1].Prompt}
	outputs := [][]int{data[0].Output, data[1].Output}
	_, T := tr.buildBatch(prompts, outputs, 32)
	tp := autodiff.NewTape()
	logits := student.Forward(tp, tr.ids, 2)
	ce := tp.CrossEntropyMasked(tp.Reshape(logits, 2*T, 8), tr.targets, tr.mask)
	grad := make([]float32, 2*T*8)
	v := nll(grad, logits.Value.Data(), tr.targets, tr.mask, 8)
	if math.Abs(v-float64(ce.Value.Item())) > 1e-5 {
		t.Errorf("NLL %v, fused cross-entropy %v", v, ce.Value.Item())
	}
	tp.Backward(ce)
	// The leaf gradient of the table equals the scattered analytic one.
	want := make([]float32, 64)
	for i, id := range tr.ids {
		for j := range 8 {
			want[id*8+j] += grad[i*8+j]
		}
	}
	for i, g := range student.table.Grad.Data() {
		if math.Abs(float64(g-want[i])) > 1e-6 {
			t.Fatalf("table gradient %d: %v, analytic %v", i, g, want[i])
		}
	}

	// A divergence step at sampling temperature 3 reports the temperature-1 divergence.
	_, student2, _ := gkdSetup(4)
	tr2, _ := NewTrainer(student2, teacher, optim.NewSGD(student2.Params(), optim.SGDConfig{LR: 0}),
		GKDOptions{Divergence: NewJSD(0.5), Lambda: 1, SampleTemperature: 3, MaxNewTokens: 5})
	st, err := tr2.Step(context.Background(), data[:4], rand.New(rand.NewPCG(8, 8)))
	if err != nil {
		t.Fatal(err)
	}
	z := student2.Forward(nil, tr2.ids, 4).Value.Data()
	if want := NewJSD(0.5).Batch(nil, tr2.teach, z, 8, tr2.mask); math.Abs(st.Divergence-want) > 1e-9 {
		t.Errorf("step divergence %v, temperature-1 JSD %v", st.Divergence, want)
	}
}

// TestRewardTerm checks that with Alpha = 0 the trainer maximises the reward alone: a
// student rewarded for emitting token 5 learns to emit it.
func TestRewardTerm(t *testing.T) {
	teacher, student, data := gkdSetup(6)
	reward := tenet.VerifierFunc[Example, []int](func(_ Example, out []int) float32 {
		var r float32
		for _, t := range out {
			if t == 5 {
				r++
			}
		}
		return r / float32(max(len(out), 1))
	})
	tr, err := NewTrainer(student, teacher, optim.NewAdam(student.Params(), optim.AdamConfig{LR: 0.1}),
		GKDOptions{Divergence: NewForwardKL(), Lambda: 1, MaxNewTokens: 6, Reward: reward, Alpha: 0})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	var first, last float64
	for step := range 80 {
		st, err := tr.Step(context.Background(), data[:8], rng)
		if err != nil {
			t.Fatal(err)
		}
		if step < 10 {
			first += st.Reward / 10
		}
		if step >= 70 {
			last += st.Reward / 10
		}
	}
	t.Logf("mean reward %.3f → %.3f", first, last)
	if !(last > 0.8 && last > first+0.3) {
		t.Errorf("reward %.3f → %.3f: RL term did not work", first, last)
	}
}

func TestTrainerErrors(t *testing.T) {
	teacher, student, _ := gkdSetup(7)
	opt := optim.NewSGD(student.Params(), optim.SGDConfig{LR: 0.1})
	bad := []GKDOptions{
		{}, // no divergence kind
		{Divergence: NewForwardKL(), Lambda: 0.7, TeacherFraction: 0.5, MaxNewTokens: 3},
		{Divergence: NewForwardKL(), Lambda: 1}, // no MaxNewTokens
		{Divergence: NewJSD(2)},
		{Divergence: NewForwardKL(), Pad: 99},
		{Divergence: NewForwardKL(), Reward: tenet.VerifierFunc[Example, []int](func(Example, []int) float32 { return 0 }), Alpha: 2},
	}
	for i, o := range bad {
		if _, err := NewTrainer(student, teacher, opt, o); err == nil {
			t.Errorf("options %d accepted", i)
		}
	}
	if _, err := NewTrainer(student, nil, opt, GKDOptions{Divergence: NewForwardKL()}); err == nil {
		t.Error("divergence without a teacher accepted")
	}
	tr, _ := NewTrainer(student, teacher, opt, GKDOptions{Divergence: NewForwardKL()})
	rng := rand.New(rand.NewPCG(1, 1))
	if _, err := tr.Step(context.Background(), nil, rng); err == nil {
		t.Error("empty batch accepted")
	}
	if _, err := tr.Step(context.Background(), []Example{{Prompt: []int{1}}}, rng); err == nil {
		t.Error("fixed batch without outputs accepted")
	}
}
