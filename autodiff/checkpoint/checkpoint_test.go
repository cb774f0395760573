package checkpoint

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/tensor"
)

type config struct {
	Hidden int     `json:"hidden"`
	LR     float64 `json:"lr"`
	Name   string  `json:"name"`
}

// linear is a model y = x·w + b on d inputs.
type linear struct {
	w, b *autodiff.Var
}

func newLinear(d int, seed uint64) *linear {
	rng := rand.New(rand.NewPCG(seed, 0))
	return &linear{
		w: &autodiff.Var{Value: tensor.RandNormal(rng, 0, 0.1, d, 1), Grad: tensor.New(d, 1), RequiresGrad: true},
		b: &autodiff.Var{Value: tensor.New(1), Grad: tensor.New(1), RequiresGrad: true},
	}
}

func (m *linear) params() []autodiff.Param {
	return []autodiff.Param{{Name: "fc.weight", Var: m.w}, {Name: "fc.bias", Var: m.b}}
}

// trainStep draws a minibatch and label noise from rng, computes the mean-squared-error
// gradient by hand and takes one Adam step with a scheduled learning rate and clipping.
func trainStep(m *linear, opt optim.Optimizer, sched optim.Schedule, step int64, rng *rand.Rand, data [][]float32, target []float32) {
	d := m.w.Value.Len()
	opt.ZeroGrad()
	gw, gb := m.w.Grad.Data(), m.b.Grad.Data()
	const batch = 8
	for range batch {
		i := rng.IntN(len(data))
		pred := m.b.Value.Data()[0]
		for j := range d {
			pred += data[i][j] * m.w.Value.Data()[j]
		}
		y := target[i] + 0.01*float32(rng.NormFloat64())
		r := 2 * (pred - y) / batch
		for j := range d {
			gw[j] += r * data[i][j]
		}
		gb[0] += r
	}
	optim.ClipGradNorm(opt.Params(), 1)
	opt.SetLR(sched(step))
	opt.Step()
}

func regressionData(d, n int) ([][]float32, []float32) {
	rng := rand.New(rand.NewPCG(99, 0))
	data := make([][]float32, n)
	target := make([]float32, n)
	for i := range data {
		data[i] = make([]float32, d)
		for j := range data[i] {
			data[i][j] = float32(rng.NormFloat64())
			target[i] += float32(j+1) * data[i][j]
		}
		target[i] += 0.5
	}
	return data, target
}

// TestResumeIsExact trains for N steps uninterrupted, and separately for N/2 steps, saves,
// loads into a fresh model, optimizer and generator, and trains N/2 more: the final
// parameters must be bit-identical.
func TestResumeIsExact(t *testing.T) {
	const d, n, steps = 4, 64, 200
	data, target := regressionData(d, n)
	sched := optim.WarmupCosine(0.05, 0.001, 20, steps)
	newOpt := func(m *linear) optim.Optimizer {
		return optim.NewAdamW(m.params(), optim.AdamConfig{WeightDecay: 0.01, Decay: optim.DecayMatrices})
	}

	ref := newLinear(d, 1)
	refOpt := newOpt(ref)
	refSrc := rand.NewPCG(5, 6)
	refRNG := rand.New(refSrc)
	for s := int64(0); s < steps; s++ {
		trainStep(ref, refOpt, sched, s, refRNG, data, target)
	}

	path := filepath.Join(t.TempDir(), "ck.safetensors")
	{
		m := newLinear(d, 1)
		opt := newOpt(m)
		src := rand.NewPCG(5, 6)
		rng := rand.New(src)
		for s := int64(0); s < steps/2; s++ {
			trainStep(m, opt, sched, s, rng, data, target)
		}
		ck := Checkpoint{Params: m.params(), Optimizer: opt, Step: steps / 2,
			RNG: map[string]RandState{"data": src}, Config: config{Hidden: d, LR: 0.05, Name: "lin"}}
		if err := Save(path, ck); err != nil {
			t.Fatal(err)
		}
	}

	m := newLinear(d, 777) // different initial values, overwritten by Load
	opt := newOpt(m)
	src := rand.NewPCG(0, 0)
	rng := rand.New(src)
	var cfg config
	ck := Checkpoint{Params: m.params(), Optimizer: opt, RNG: map[string]RandState{"data": src}, Config: &cfg}
	if err := Load(path, &ck); err != nil {
		t.Fatal(err)
	}
	if ck.Step != steps/2 || cfg != (config{Hidden: d, LR: 0.05, Name: "lin"}) {
		t.Fatalf("loaded step %d, config %+v", ck.Step, cfg)
	}
	for s := ck.Step; s < steps; s++ {
		trainStep(m, opt, sched, s, rng, data, target)
	}
	if !m.w.Value.Equal(ref.w.Value) || !m.b.Value.Equal(ref.b.Value) {
		t.Errorf("resumed run differs:\n w %v vs %v\n b %v vs %v", m.w.Value, ref.w.Value, m.b.Value, ref.b.Value)
	}
	if refRNG.Uint64() != rng.Uint64() {
		t.Error("generators diverged")
	}
	// And it learned something.
	if w := ref.w.Value.Data(); w[0] < 0.9 || w[0] > 1.1 || w[3] < 3.9 || w[3] > 4.1 {
		t.Errorf("weights %v, want ≈ [1 2 3 4]", w)
	}
}

func TestSaveLoadChaCha8AndErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ck.safetensors")
	m := newLinear(3, 1)
	chacha := rand.NewChaCha8([32]byte{1, 2, 3})
	chacha.Uint64()
	if err := Save(path, Checkpoint{Params: m.params(), Step: 9, RNG: map[string]RandState{"env": chacha}}); err != nil {
		t.Fatal(err)
	}
	want := chacha.Uint64()

	restored := rand.NewChaCha8([32]byte{})
	m2 := newLinear(3, 2)
	ck := Checkpoint{Params: m2.params(), RNG: map[string]RandState{"env": restored}}
	if err := Load(path, &ck); err != nil {
		t.Fatal(err)
	}
	if got := restored.Uint64(); got != want || ck.Step != 9 || !m2.w.Value.Equal(m.w.Value) {
		t.Errorf("ChaCha8 restored to %d, want %d (step %d)", got, want, ck.Step)
	}

	// Errors leave the destination unchanged.
	fresh := func() (*linear, *Checkpoint) {
		m := newLinear(3, 3)
		return m, &Checkpoint{Params: m.params()}
	}
	expectErr := func(name string, ck *Checkpoint, substr string) {
		t.Helper()
		before := make([]*tensor.Tensor, len(ck.Params))
		for i, p := range ck.Params {
			before[i] = p.Value.Clone()
		}
		err := Load(path, ck)
		if err == nil || !strings.Contains(err.Error(), substr) {
			t.Errorf("%s: error %v, want one containing %q", name, err, substr)
		}
		for i, p := range ck.Params {
			if !p.Value.Equal(before[i]) {
				t.Errorf("%s: parameter %s changed by a failed Load", name, p.Name)
			}
		}
	}
	_, ck1 := fresh()
	ck1.Params = append(ck1.Params, autodiff.Param{Name: "extra", Var: &autodiff.Var{Value: tensor.New(2)}})
	expectErr("missing tensor", ck1, `missing tensor "extra"`)

	_, ck2 := fresh()
	ck2.Params[0] = autodiff.Param{Name: "fc.weight", Var: &autodiff.Var{Value: tensor.New(1, 3)}}
	expectErr("wrong shape", ck2, "shape [3 1], parameter has shape [1 3]")

	m3, ck3 := fresh()
	ck3.Optimizer = optim.NewAdam(m3.params(), optim.AdamConfig{})
	expectErr("no optimizer", ck3, "no optimizer state")

	_, ck4 := fresh()
	ck4.RNG = map[string]RandState{"other": rand.NewPCG(1, 1)}
	expectErr("no rng", ck4, `random generator "other"`)

	_, ck5 := fresh()
	var cfg config
	ck5.Config = &cfg
	expectErr("no config", ck5, "no config")

	_, ck6 := fresh()
	ck6.RNG = map[string]RandState{"env": rand.NewPCG(1, 1)} // a ChaCha8 state does not fit a PCG
	expectErr("rng kind", ck6, `random generator "env"`)

	_, ck7 := fresh()
	if err := Load(filepath.Join(dir, "nope"), ck7); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}

	// Unknown dtype in the file.
	var buf bytes.Buffer
	buf.Write(file(`{"fc.weight":{"dtype":"C64","shape":[3,1],"data_offsets":[0,24]}}`, make([]byte, 24)))
	bad := filepath.Join(dir, "bad.safetensors")
	os.WriteFile(bad, buf.Bytes(), 0o644)
	_, ck8 := fresh()
	if err := Load(bad, ck8); err == nil || !strings.Contains(err.Error(), `unknown dtype "C64"`) {
		t.Errorf("unknown dtype: %v", err)
	}
	// An integer tensor where a parameter is expected.
	buf.Reset()
	Write(&buf, []Entry{Int64("fc.weight", []int{3, 1}, 1, 2, 3), Float32("fc.bias", tensor.New(1))}, nil)
	os.WriteFile(bad, buf.Bytes(), 0o644)
	_, ck9 := fresh()
	if err := Load(bad, ck9); err == nil || !strings.Contains(err.Error(), "dtype I64") {
		t.Errorf("integer parameter: %v", err)
	}
}

func TestLoadOptimizerStateRollsBackRNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ck.safetensors")
	m := newLinear(3, 1)
	opt := optim.NewAdam(m.params(), optim.AdamConfig{})
	m.w.Grad.Fill(1)
	m.b.Grad.Fill(1)
	opt.Step()
	if err := Save(path, Checkpoint{Params: m.params(), Optimizer: opt, RNG: map[string]RandState{"r": rand.NewPCG(3, 3)}}); err != nil {
		t.Fatal(err)
	}
	// An SGD optimizer cannot import Adam's buffers: Load fails and the generator is restored.
	m2 := newLinear(3, 2)
	src := rand.NewPCG(8, 8)
	before, _ := src.MarshalBinary()
	ck := Checkpoint{Params: m2.params(), Optimizer: optim.NewSGD(m2.params(), optim.SGDConfig{LR: 1, Momentum: 0.9}),
		RNG: map[string]RandState{"r": src}}
	if err := Load(path, &ck); err == nil || !strings.Contains(err.Error(), "unknown state buffer") {
		t.Fatalf("error %v", err)
	}
	after, _ := src.MarshalBinary()
	if !bytes.Equal(before, after) {
		t.Error("generator state changed by a failed Load")
	}
	// The same optimizer kind loads, including the learning rate.
	opt3 := optim.NewAdam(m2.params(), optim.AdamConfig{LR: 0.5})
	ck = Checkpoint{Params: m2.params(), Optimizer: opt3}
	if err := Load(path, &ck); err != nil {
		t.Fatal(err)
	}
	if s, ok := opt3.State("fc.weight"); !ok || s.Step != 1 || opt3.LR() != opt.LR() {
		t.Errorf("state %+v %v, lr %v", s, ok, opt3.LR())
	}
}

func TestSaveRejectsReservedNames(t *testing.T) {
	v := &autodiff.Var{Value: tensor.New(1)}
	err := Save(filepath.Join(t.TempDir(), "x"), Checkpoint{Params: []autodiff.Param{{Name: "optimizer/x", Var: v}}})
	if err == nil {
		t.Error("no error for a parameter in the optimizer namespace")
	}
}

// failingWriter fails after n bytes, as a full disk or a crash mid-write would.
type failingWriter struct {
	w io.Writer
	n int
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k, _ := f.w.Write(p[:f.n])
		f.n = 0
		return k, errors.New("disk full")
	}
	f.n -= len(p)
	return f.w.Write(p)
}

func TestSaveIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ck.safetensors")
	m := newLinear(1000, 1)
	if err := Save(path, Checkpoint{Params: m.params(), Step: 1}); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m.w.Value.Fill(5)
	testHookWriter = func(w io.Writer) io.Writer { return &failingWriter{w: w, n: 1000} }
	err = Save(path, Checkpoint{Params: m.params(), Step: 2})
	testHookWriter = nil
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Save with a failing writer: %v", err)
	}
	now, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(now, old) {
		t.Error("the previous checkpoint changed")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only the checkpoint", names)
	}
	// A successful save replaces it.
	if err := Save(path, Checkpoint{Params: m.params(), Step: 2}); err != nil {
		t.Fatal(err)
	}
	ck := Checkpoint{Params: newLinear(1000, 2).params()}
	if err := Load(path, &ck); err != nil || ck.Step != 2 || ck.Params[0].Value.Data()[0] != 5 {
		t.Errorf("after replacing: step %d, err %v", ck.Step, err)
	}
}
