package optim

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/tensor"
)

// newParams returns a weight (rows×cols) and a bias (cols) with random values and gradients.
func newParams(rng *rand.Rand, rows, cols int) []autodiff.Param {
	w := &autodiff.Var{Value: tensor.RandNormal(rng, 0, 1, rows, cols), Grad: tensor.New(rows, cols), RequiresGrad: true}
	b := &autodiff.Var{Value: tensor.RandNormal(rng, 0, 1, cols), Grad: tensor.New(cols), RequiresGrad: true}
	return []autodiff.Param{{Name: "w", Var: w}, {Name: "b", Var: b}}
}

func fillGrads(rng *rand.Rand, ps []autodiff.Param) {
	for _, p := range ps {
		d := p.Grad.Data()
		for i := range d {
			d[i] = float32(rng.NormFloat64())
		}
		if len(d) > 1 {
			d[1] = 0 // exercise a zero gradient
		}
	}
}

func to64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// refOptimizer is a float64 reference: update(step, i, x, g) updates parameter i in place.
type refOptimizer interface {
	update(t int, i int, x, g []float64)
}

type refAdam struct {
	lr, b1, b2, eps, wd float64
	decoupled           bool
	decay               []bool
	m, v                [][]float64
}

func (r *refAdam) update(t, i int, x, g []float64) {
	if r.m == nil {
		r.m, r.v = make([][]float64, 8), make([][]float64, 8)
	}
	if r.m[i] == nil {
		r.m[i], r.v[i] = make([]float64, len(x)), make([]float64, len(x))
	}
	wd := 0.0
	if r.decay[i] {
		wd = r.wd
	}
	bc1 := 1 - math.Pow(r.b1, float64(t))
	bc2 := 1 - math.Pow(r.b2, float64(t))
	for j := range x {
		gj := g[j]
		if r.decoupled {
			x[j] *= 1 - r.lr*wd
		} else {
			gj += wd * x[j]
		}
		r.m[i][j] = r.b1*r.m[i][j] + (1-r.b1)*gj
		r.v[i][j] = r.b2*r.v[i][j] + (1-r.b2)*gj*gj
		mhat := r.m[i][j] / bc1
		vhat := r.v[i][j] / bc2
		x[j] -= r.lr * mhat / (math.Sqrt(vhat) + r.eps)
	}
}

type refSGD struct {
	lr, mu, damp, wd float64
	nesterov         bool
	buf              [][]float64
}

func (r *refSGD) update(t, i int, x, g []float64) {
	if r.buf == nil {
		r.buf = make([][]float64, 8)
	}
	first := r.buf[i] == nil
	if first {
		r.buf[i] = make([]float64, len(x))
	}
	for j := range x {
		d := g[j] + r.wd*x[j]
		if r.mu != 0 {
			if first {
				r.buf[i][j] = d
			} else {
				r.buf[i][j] = r.mu*r.buf[i][j] + (1-r.damp)*d
			}
			if r.nesterov {
				d += r.mu * r.buf[i][j]
			} else {
				d = r.buf[i][j]
			}
		}
		x[j] -= r.lr * d
	}
}

type refRMSProp struct {
	lr, alpha, eps, mu, wd float64
	centered, inside       bool
	s, ga, buf             [][]float64
}

func (r *refRMSProp) update(t, i int, x, g []float64) {
	if r.s == nil {
		r.s, r.ga, r.buf = make([][]float64, 8), make([][]float64, 8), make([][]float64, 8)
	}
	if r.s[i] == nil {
		r.s[i], r.ga[i], r.buf[i] = make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
	}
	for j := range x {
		d := g[j] + r.wd*x[j]
		r.s[i][j] = r.alpha*r.s[i][j] + (1-r.alpha)*d*d
		v := r.s[i][j]
		if r.centered {
			r.ga[i][j] = r.alpha*r.ga[i][j] + (1-r.alpha)*d
			v -= r.ga[i][j] * r.ga[i][j]
		}
		var den float64
		if r.inside {
			den = math.Sqrt(v + r.eps)
		} else {
			den = math.Sqrt(v) + r.eps
		}
		if r.mu > 0 {
			r.buf[i][j] = r.mu*r.buf[i][j] + d/den
			x[j] -= r.lr * r.buf[i][j]
		} else {
			x[j] -= r.lr * d / den
		}
	}
}

// checkAgainstReference runs opt and ref side by side for several steps from the same random
// gradients and compares the parameters after every step.
func checkAgainstReference(t *testing.T, name string, ps []autodiff.Param, opt Optimizer, ref refOptimizer, steps int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	xs := make([][]float64, len(ps))
	for i, p := range ps {
		xs[i] = to64(p.Value.Data())
	}
	for step := 1; step <= steps; step++ {
		fillGrads(rng, ps)
		opt.Step()
		for i, p := range ps {
			ref.update(step, i, xs[i], to64(p.Grad.Data()))
			for j, got := range p.Value.Data() {
				want := xs[i][j]
				if math.Abs(float64(got)-want) > 1e-5*math.Max(1, math.Abs(want)) {
					t.Fatalf("%s: step %d, %s[%d] = %v, reference %v", name, step, p.Name, j, got, want)
				}
			}
		}
	}
}

func TestAdamAgainstFloat64Reference(t *testing.T) {
	cases := []struct {
		name      string
		cfg       AdamConfig
		decoupled bool
	}{
		{"adam", AdamConfig{LR: 0.01}, false},
		{"adam-l2", AdamConfig{LR: 0.02, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.1, Decay: DecayMatrices}, false},
		{"adamw", AdamConfig{LR: 0.01, WeightDecay: 0.1, Decay: DecayMatrices}, true},
		{"adamw-all", AdamConfig{LR: 0.03, WeightDecay: 0.5}, true},
	}
	for _, c := range cases {
		rng := rand.New(rand.NewPCG(1, 2))
		ps := newParams(rng, 4, 3)
		var opt *Adam
		if c.decoupled {
			opt = NewAdamW(ps, c.cfg)
		} else {
			opt = NewAdam(ps, c.cfg)
		}
		ref := &refAdam{lr: opt.lr, b1: opt.beta1, b2: opt.beta2, eps: opt.eps, wd: c.cfg.WeightDecay,
			decoupled: c.decoupled, decay: []bool{true, c.cfg.Decay == nil}}
		checkAgainstReference(t, c.name, ps, opt, ref, 8)
	}
}

func TestSGDAgainstFloat64Reference(t *testing.T) {
	cases := []struct {
		name string
		cfg  SGDConfig
	}{
		{"plain", SGDConfig{LR: 0.1}},
		{"wd", SGDConfig{LR: 0.1, WeightDecay: 0.01}},
		{"momentum", SGDConfig{LR: 0.05, Momentum: 0.9}},
		{"dampening", SGDConfig{LR: 0.05, Momentum: 0.9, Dampening: 0.3, WeightDecay: 0.01}},
		{"nesterov", SGDConfig{LR: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 0.01}},
	}
	for _, c := range cases {
		rng := rand.New(rand.NewPCG(1, 2))
		ps := newParams(rng, 4, 3)
		opt := NewSGD(ps, c.cfg)
		ref := &refSGD{lr: c.cfg.LR, mu: c.cfg.Momentum, damp: c.cfg.Dampening, wd: c.cfg.WeightDecay, nesterov: c.cfg.Nesterov}
		checkAgainstReference(t, c.name, ps, opt, ref, 8)
	}
}

func TestRMSPropAgainstFloat64Reference(t *testing.T) {
	cases := []struct {
		name string
		cfg  RMSPropConfig
	}{
		{"default", RMSPropConfig{}},
		{"centered", RMSPropConfig{LR: 0.001, Alpha: 0.95, Eps: 1e-5, Centered: true}},
		{"dqn-tf", RMSPropConfig{LR: 0.00025, Alpha: 0.95, Eps: 1e-5, Centered: true, EpsInsideSqrt: true}},
		{"momentum-wd", RMSPropConfig{LR: 0.01, Momentum: 0.5, WeightDecay: 0.01}},
		{"all", RMSPropConfig{LR: 0.01, Momentum: 0.5, WeightDecay: 0.01, Centered: true, EpsInsideSqrt: true}},
	}
	for _, c := range cases {
		rng := rand.New(rand.NewPCG(1, 2))
		ps := newParams(rng, 4, 3)
		opt := NewRMSProp(ps, c.cfg)
		ref := &refRMSProp{lr: opt.lr, alpha: opt.alpha, eps: opt.eps, mu: c.cfg.Momentum, wd: c.cfg.WeightDecay,
			centered: c.cfg.Centered, inside: c.cfg.EpsInsideSqrt}
		checkAgainstReference(t, c.name, ps, opt, ref, 8)
	}
}

// TestAgainstPyTorch compares with numbers produced by torch.optim (testdata/gen_torch.py).
func TestAgainstPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_optim.json")
	if err != nil {
		t.Fatal(err)
	}
	type pair struct{ W, B []float32 }
	var fx struct {
		Init  pair
		Grads []pair
		Runs  map[string][]pair
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	makers := map[string]func([]autodiff.Param) Optimizer{
		"adam": func(ps []autodiff.Param) Optimizer { return NewAdam(ps, AdamConfig{LR: 0.01}) },
		"adam_l2": func(ps []autodiff.Param) Optimizer {
			return NewAdam(ps, AdamConfig{LR: 0.01, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.1, Decay: DecayMatrices})
		},
		"adamw": func(ps []autodiff.Param) Optimizer {
			return NewAdamW(ps, AdamConfig{LR: 0.01, WeightDecay: 0.1, Decay: DecayMatrices})
		},
		"sgd_nesterov": func(ps []autodiff.Param) Optimizer {
			return NewSGD(ps, SGDConfig{LR: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 0.01, Decay: DecayMatrices})
		},
		"sgd_dampening": func(ps []autodiff.Param) Optimizer {
			return NewSGD(ps, SGDConfig{LR: 0.05, Momentum: 0.9, Dampening: 0.3})
		},
		"rmsprop": func(ps []autodiff.Param) Optimizer { return NewRMSProp(ps, RMSPropConfig{LR: 0.01}) },
		"rmsprop_centered_momentum": func(ps []autodiff.Param) Optimizer {
			return NewRMSProp(ps, RMSPropConfig{LR: 0.01, Alpha: 0.95, Eps: 1e-5, Centered: true, Momentum: 0.5, WeightDecay: 0.01, Decay: DecayMatrices})
		},
	}
	if len(fx.Runs) != len(makers) {
		t.Fatalf("fixture has %d runs, test knows %d", len(fx.Runs), len(makers))
	}
	for name, run := range fx.Runs {
		mk, ok := makers[name]
		if !ok {
			t.Fatalf("no configuration for fixture run %q", name)
		}
		w := &autodiff.Var{Value: tensor.FromSlice(slices.Clone(fx.Init.W), 3, 2), Grad: tensor.New(3, 2)}
		b := &autodiff.Var{Value: tensor.FromSlice(slices.Clone(fx.Init.B), 2), Grad: tensor.New(2)}
		opt := mk([]autodiff.Param{{Name: "w", Var: w}, {Name: "b", Var: b}})
		for step, want := range run {
			copy(w.Grad.Data(), fx.Grads[step].W)
			copy(b.Grad.Data(), fx.Grads[step].B)
			opt.Step()
			for _, c := range []struct {
				name      string
				got, want []float32
			}{{"w", w.Value.Data(), want.W}, {"b", b.Value.Data(), want.B}} {
				for j := range c.want {
					if d := math.Abs(float64(c.got[j] - c.want[j])); d > 2e-6*math.Max(1, math.Abs(float64(c.want[j]))) {
						t.Errorf("%s: step %d: %s[%d] = %v, PyTorch %v", name, step+1, c.name, j, c.got[j], c.want[j])
					}
				}
			}
		}
	}
}

func TestNilGradIsSkipped(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ps := newParams(rng, 2, 2)
	opt := NewAdam(ps, AdamConfig{})
	fillGrads(rng, ps)
	ps[1].Grad = nil
	before := ps[1].Value.Clone()
	opt.Step()
	if !ps[1].Value.Equal(before) {
		t.Error("parameter without gradient changed")
	}
	if _, ok := opt.State("b"); ok {
		t.Error("parameter without gradient has state")
	}
	if s, ok := opt.State("w"); !ok || s.Step != 1 {
		t.Errorf("State(w) = %+v, %v; want step 1", s, ok)
	}
}

func TestStateResetAndExport(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ps := newParams(rng, 3, 4)
	opt := NewAdam(ps, AdamConfig{LR: 0.01})
	for range 3 {
		fillGrads(rng, ps)
		opt.Step()
	}
	s, ok := opt.State("w")
	if !ok || s.Step != 3 || len(s.Buffers) != 2 {
		t.Fatalf("State(w) = %+v, %v", s, ok)
	}
	// Per-element reset: column 2 of w (flat indices 2, 6, 10).
	before := map[string]*tensor.Tensor{"exp_avg": s.Buffers["exp_avg"].Clone(), "exp_avg_sq": s.Buffers["exp_avg_sq"].Clone()}
	opt.ResetElements("w", []int{2, 6, 10})
	for _, key := range []string{"exp_avg", "exp_avg_sq"} {
		d := s.Buffers[key].Data() // live view
		for j, v := range d {
			want := before[key].Data()[j]
			if j%4 == 2 {
				want = 0
			}
			if v != want {
				t.Errorf("%s[%d] = %v after ResetElements, want %v", key, j, v, want)
			}
		}
	}
	if s2, _ := opt.State("w"); s2.Step != 3 {
		t.Errorf("ResetElements changed the step to %d", s2.Step)
	}

	exported := opt.ExportState()
	// Exported state is a copy: stepping does not change it.
	snapshot := exported["w"].Buffers["exp_avg"].Clone()
	values := []*tensor.Tensor{ps[0].Value.Clone(), ps[1].Value.Clone()}
	grads := []*tensor.Tensor{ps[0].Grad.Clone(), ps[1].Grad.Clone()}
	opt.Step()
	if !exported["w"].Buffers["exp_avg"].Equal(snapshot) {
		t.Error("ExportState shares storage with the optimizer")
	}
	after := []*tensor.Tensor{ps[0].Value.Clone(), ps[1].Value.Clone()}

	// A fresh optimizer with the imported state repeats the step exactly.
	ps[0].Value.CopyFrom(values[0])
	ps[1].Value.CopyFrom(values[1])
	ps[0].Grad.CopyFrom(grads[0])
	ps[1].Grad.CopyFrom(grads[1])
	opt2 := NewAdam(ps, AdamConfig{LR: 0.01})
	if err := opt2.ImportState(exported); err != nil {
		t.Fatal(err)
	}
	opt2.Step()
	for i := range ps {
		if !ps[i].Value.Equal(after[i]) {
			t.Errorf("%s differs after import and step", ps[i].Name)
		}
	}

	opt2.ResetState("w")
	if _, ok := opt2.State("w"); ok {
		t.Error("state of w survived ResetState")
	}
	if _, ok := opt2.State("b"); !ok {
		t.Error("ResetState(w) dropped the state of b")
	}
	opt2.Reset()
	if len(opt2.ExportState()) != 0 {
		t.Error("state survived Reset")
	}
}

func TestImportStateErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ps := newParams(rng, 3, 4)
	opt := NewAdam(ps, AdamConfig{})
	good := func() ParamState {
		return ParamState{Step: 1, Buffers: map[string]*tensor.Tensor{"exp_avg": tensor.New(3, 4), "exp_avg_sq": tensor.New(3, 4)}}
	}
	cases := map[string]map[string]ParamState{
		"unknown param":  {"nope": good()},
		"wrong shape":    {"b": good()},
		"negative step":  {"w": {Step: -1, Buffers: good().Buffers}},
		"missing buffer": {"w": {Step: 1, Buffers: map[string]*tensor.Tensor{"exp_avg": tensor.New(3, 4)}}},
		"unknown buffer": {"w": {Step: 1, Buffers: map[string]*tensor.Tensor{"exp_avg": tensor.New(3, 4),
			"exp_avg_sq": tensor.New(3, 4), "momentum_buffer": tensor.New(3, 4)}}},
		"nil buffer": {"w": {Step: 1, Buffers: map[string]*tensor.Tensor{"exp_avg": nil, "exp_avg_sq": tensor.New(3, 4)}}},
	}
	for name, s := range cases {
		if err := opt.ImportState(s); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := opt.ImportState(map[string]ParamState{"w": good()}); err != nil {
		t.Errorf("valid state: %v", err)
	}
}

func TestSGDResetRestartsMomentum(t *testing.T) {
	// After ResetState, the first step initialises the buffer with the gradient, as PyTorch
	// does for a fresh buffer.
	x := &autodiff.Var{Value: tensor.FromSlice([]float32{1}, 1), Grad: tensor.FromSlice([]float32{1}, 1)}
	opt := NewSGD([]autodiff.Param{{Name: "x", Var: x}}, SGDConfig{LR: 0.1, Momentum: 0.9, Dampening: 0.5})
	opt.Step()
	s, _ := opt.State("x")
	if got := s.Buffers["momentum_buffer"].Data()[0]; got != 1 {
		t.Errorf("first buffer = %v, want the gradient 1", got)
	}
	opt.Step()
	if got := s.Buffers["momentum_buffer"].Data()[0]; got != 0.9+0.5 {
		t.Errorf("second buffer = %v, want 1.4", got)
	}
	opt.ResetState("x")
	opt.Step()
	s, _ = opt.State("x")
	if got := s.Buffers["momentum_buffer"].Data()[0]; got != 1 {
		t.Errorf("buffer after reset = %v, want 1", got)
	}
}

func TestStepDoesNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ps := newParams(rng, 16, 8)
	opts := map[string]Optimizer{
		"sgd":     NewSGD(ps, SGDConfig{LR: 0.01, Momentum: 0.9, Nesterov: true}),
		"adam":    NewAdam(ps, AdamConfig{}),
		"adamw":   NewAdamW(ps, AdamConfig{WeightDecay: 0.1, Decay: DecayMatrices}),
		"rmsprop": NewRMSProp(ps, RMSPropConfig{Centered: true, Momentum: 0.9}),
	}
	fillGrads(rng, ps)
	for name, opt := range opts {
		opt.Step() // allocates the state
		if n := testing.AllocsPerRun(10, opt.Step); n != 0 {
			t.Errorf("%s: %v allocations per Step", name, n)
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	a := &autodiff.Var{Value: tensor.New(2), Grad: tensor.FromSlice([]float32{3, 0}, 2)}
	b := &autodiff.Var{Value: tensor.New(1), Grad: tensor.FromSlice([]float32{4}, 1)}
	c := &autodiff.Var{Value: tensor.New(1)} // no gradient
	ps := []autodiff.Param{{Name: "a", Var: a}, {Name: "b", Var: b}, {Name: "c", Var: c}}
	if n := ClipGradNorm(ps, 10); n != 5 {
		t.Errorf("norm = %v, want 5", n)
	}
	if a.Grad.Data()[0] != 3 || b.Grad.Data()[0] != 4 {
		t.Errorf("gradients changed below the threshold: %v %v", a.Grad, b.Grad)
	}
	if n := ClipGradNorm(ps, 1); n != 5 {
		t.Errorf("norm = %v, want 5", n)
	}
	coef := 1 / (5 + 1e-6)
	if got, want := a.Grad.Data()[0], float32(3*coef); got != want {
		t.Errorf("clipped a = %v, want %v", got, want)
	}
	if got := GradNorm(ps); math.Abs(got-1) > 1e-6 {
		t.Errorf("norm after clipping = %v, want 1", got)
	}
	// Float64 accumulation: many small values whose float32 sum of squares would lose digits.
	big := make([]float32, 1<<20)
	for i := range big {
		big[i] = 1e-3
	}
	d := &autodiff.Var{Value: tensor.New(len(big)), Grad: tensor.FromSlice(big, len(big))}
	if got, want := GradNorm([]autodiff.Param{{Name: "d", Var: d}}), math.Sqrt(float64(len(big)))*float64(float32(1e-3)); math.Abs(got-want) > 1e-9*want {
		t.Errorf("GradNorm = %.15g, want %.15g", got, want)
	}
}

func TestSchedules(t *testing.T) {
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("Constant", Constant(0.3)(100), 0.3)
	lin := Linear(1, 0, 10)
	near("Linear(0)", lin(0), 1)
	near("Linear(5)", lin(5), 0.5)
	near("Linear(10)", lin(10), 0)
	near("Linear(20)", lin(20), 0)
	wu := LinearWarmup(2, 4)
	for s, want := range []float64{0.5, 1, 1.5, 2, 2, 2} {
		near("LinearWarmup", wu(int64(s)), want)
	}
	cos := Cosine(1, 0.1, 10)
	near("Cosine(0)", cos(0), 1)
	near("Cosine(5)", cos(5), 0.55)
	near("Cosine(10)", cos(10), 0.1)
	near("Cosine(11)", cos(11), 0.1)
	wc := WarmupCosine(1, 0.1, 4, 14)
	near("WarmupCosine(0)", wc(0), 0.25)
	near("WarmupCosine(3)", wc(3), 1)
	near("WarmupCosine(4)", wc(4), 1)
	near("WarmupCosine(9)", wc(9), 0.55)
	near("WarmupCosine(14)", wc(14), 0.1)
	near("WarmupCosine(1000)", wc(1000), 0.1)
	// Decreasing after the warm-up.
	for s := int64(4); s < 14; s++ {
		if wc(s+1) > wc(s) {
			t.Errorf("WarmupCosine increases at step %d", s)
		}
	}
	three := Then(Constant(1), 2, Then(Constant(2), 3, Constant(3)))
	for s, want := range []float64{1, 1, 2, 2, 2, 3} {
		near("Then", three(int64(s)), want)
	}
}

func TestMisusePanics(t *testing.T) {
	v := func() *autodiff.Var { return &autodiff.Var{Value: tensor.New(2), Grad: tensor.New(2)} }
	cases := map[string]func(){
		"duplicate name": func() { NewAdam([]autodiff.Param{{Name: "a", Var: v()}, {Name: "a", Var: v()}}, AdamConfig{}) },
		"nil var":        func() { NewAdam([]autodiff.Param{{Name: "a"}}, AdamConfig{}) },
		"beta1 >= 1":     func() { NewAdam(nil, AdamConfig{Beta1: 1}) },
		"nesterov":       func() { NewSGD(nil, SGDConfig{LR: 1, Nesterov: true}) },
		"alpha":          func() { NewRMSProp(nil, RMSPropConfig{Alpha: 1.5}) },
		"unknown reset":  func() { NewAdam([]autodiff.Param{{Name: "a", Var: v()}}, AdamConfig{}).ResetState("b") },
		"index range": func() {
			NewAdam([]autodiff.Param{{Name: "a", Var: v()}}, AdamConfig{}).ResetElements("a", []int{2})
		},
		"grad shape": func() {
			x := v()
			x.Grad = tensor.New(3)
			NewAdam([]autodiff.Param{{Name: "a", Var: x}}, AdamConfig{}).Step()
		},
		"warmup": func() { LinearWarmup(1, 0) },
	}
	for name, f := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestZeroGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ps := newParams(rng, 2, 3)
	fillGrads(rng, ps)
	opt := NewSGD(ps, SGDConfig{LR: 0.1})
	opt.ZeroGrad()
	for _, p := range ps {
		for _, g := range p.Grad.Data() {
			if g != 0 {
				t.Fatalf("%s: gradient %v after ZeroGrad", p.Name, g)
			}
		}
	}
}
