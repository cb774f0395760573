package nn_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/nn"
	"github.com/tenet-ml/tenet/tensor"
)

func rngFor(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 11)) }

func names(ps []autodiff.Param) []string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Name)
	}
	return s
}

func TestBlockParamNames(t *testing.T) {
	b := nn.NewBlock("h.0", 8, 2, 1, rngFor(1))
	want := []string{
		"h.0.ln_1.weight", "h.0.ln_1.bias",
		"h.0.attn.c_attn.weight", "h.0.attn.c_attn.bias", "h.0.attn.c_proj.weight", "h.0.attn.c_proj.bias",
		"h.0.ln_2.weight", "h.0.ln_2.bias",
		"h.0.mlp.c_fc.weight", "h.0.mlp.c_fc.bias", "h.0.mlp.c_proj.weight", "h.0.mlp.c_proj.bias",
	}
	if got := names(b.Params()); !slices.Equal(got, want) {
		t.Fatalf("names %v\nwant %v", got, want)
	}
	if s := b.Attn.CAttn.W.Value.Shape(); !slices.Equal(s, []int{8, 24}) {
		t.Errorf("c_attn weight %v, want [8 24]", s)
	}
	if n := nn.NumParams(b.Params()); n != 2*8+8*24+24+8*8+8+2*8+8*32+32+32*8+8 {
		t.Errorf("NumParams %d", n)
	}
}

// TestLayerGradients checks whole layers, parameters included, with the gradient checker.
func TestLayerGradients(t *testing.T) {
	rng := rngFor(2)
	vars := func(ps []autodiff.Param, extra ...*autodiff.Var) []*autodiff.Var {
		vs := extra
		for _, p := range ps {
			vs = append(vs, p.Var)
		}
		return vs
	}
	x := autodiff.NewVar(tensor.RandNormal(rng, 0, 1, 2, 3, 8), true)
	blk := nn.NewBlock("b", 8, 2, 1, rng)
	for _, p := range blk.Params() { // larger weights make a stronger test than GPT-2's 0.02
		p.Value.CopyFrom(tensor.RandNormal(rng, 0, 0.3, p.Value.Shape()...))
	}
	opts := &autodiff.GradCheckOptions{Step: 1e-2, Atol: 2e-3, Rtol: 2e-2}
	if err := autodiff.GradCheck(func(tp *autodiff.Tape) *autodiff.Var { return blk.Forward(tp, x) }, vars(blk.Params(), x), opts); err != nil {
		t.Errorf("Block: %v", err)
	}
	img := autodiff.NewVar(tensor.RandNormal(rng, 0, 1, 2, 2, 6, 6), true)
	conv := nn.NewConv2D("c", 2, 3, 3, 2, 1, rng) // (2, 3, 3, 3); pooling is checked in autodiff
	fc := nn.NewLinear("fc", 3*3*3, 4, rng)
	f := func(tp *autodiff.Tape) *autodiff.Var {
		h := tp.Tanh(conv.Forward(tp, img))
		return fc.Forward(tp, tp.Flatten(h))
	}
	if err := autodiff.GradCheck(f, vars(append(conv.Params(), fc.Params()...), img), nil); err != nil {
		t.Errorf("conv net: %v", err)
	}
}

func TestParamUtilities(t *testing.T) {
	rng := rngFor(3)
	online := nn.NewMLP("q", []int{3, 5, 2}, nn.ReLU, rng)
	target := online.Clone()
	if !target.Layers[0].W.Value.Equal(online.Layers[0].W.Value) || target.Layers[0].W == online.Layers[0].W {
		t.Fatal("Clone must copy values into new vars")
	}
	online.Init(rng)
	before := target.Layers[1].B.Value.Clone()
	nn.Polyak(target.Params(), online.Params(), 0.25)
	for i, v := range target.Layers[1].B.Value.Data() {
		want := 0.75*before.Data()[i] + 0.25*online.Layers[1].B.Value.Data()[i]
		if d := v - want; d > 1e-6 || d < -1e-6 {
			t.Fatalf("Polyak: %v, want %v", v, want)
		}
	}
	nn.CopyParams(target.Params(), online.Params())
	if !target.Layers[0].W.Value.Equal(online.Layers[0].W.Value) {
		t.Fatal("CopyParams did not copy")
	}
	// Shrink-and-perturb with α = 1 keeps θ; with α = 0.5 it lands halfway to a fresh draw
	// from the same initialiser (replayed here with the same seed).
	w0 := online.Layers[0].W.Value.Clone()
	nn.ShrinkPerturb(online, 1, rngFor(9))
	if !online.Layers[0].W.Value.Equal(w0) {
		t.Fatal("ShrinkPerturb(1) changed θ")
	}
	fresh := online.Clone()
	fresh.Init(rngFor(10))
	nn.ShrinkPerturb(online, 0.5, rngFor(10))
	for i, v := range online.Layers[0].W.Value.Data() {
		want := 0.5*w0.Data()[i] + 0.5*fresh.Layers[0].W.Value.Data()[i]
		if d := v - want; d > 1e-6 || d < -1e-6 {
			t.Fatalf("ShrinkPerturb(0.5): %v, want %v", v, want)
		}
	}
}

func TestReinitUnits(t *testing.T) {
	rng := rngFor(4)
	l1, l2 := nn.NewLinear("a", 3, 4, rng), nn.NewLinear("b", 4, 2, rng)
	l1.B.Value.Fill(1)
	w1 := l1.W.Value.Clone()
	nn.ReinitUnits(l1, l2, []int{1, 3}, rng)
	for i := range 3 {
		for u := range 4 {
			changed := l1.W.Value.At(i, u) != w1.At(i, u)
			if changed != (u == 1 || u == 3) {
				t.Errorf("weight (%d,%d) changed=%v", i, u, changed)
			}
		}
	}
	if got := l1.B.Value.Data(); got[1] != 0 || got[3] != 0 || got[0] != 1 {
		t.Errorf("biases %v", got)
	}
	for j := range 2 {
		if l2.W.Value.At(1, j) != 0 || l2.W.Value.At(3, j) != 0 || l2.W.Value.At(0, j) == 0 {
			t.Errorf("outgoing weights %v", l2.W.Value)
		}
	}
	// A channel of a conv layer, followed by a convolution and by a flattening linear layer.
	c1, c2 := nn.NewConv2D("c1", 2, 3, 3, 1, 1, rng), nn.NewConv2D("c2", 3, 2, 3, 1, 1, rng)
	nn.ReinitUnits(c1, c2, []int{2}, rng)
	for o := range 2 {
		for k := range 9 {
			if c2.W.Value.At(o, 2, k/3, k%3) != 0 {
				t.Fatal("conv outgoing weights not zeroed")
			}
		}
	}
	fc := nn.NewLinear("fc", 3*4, 2, rng) // 3 channels of 2×2
	nn.ReinitUnits(c1, fc, []int{0}, rng)
	for r := range 12 {
		zero := fc.W.Value.At(r, 0) == 0 && fc.W.Value.At(r, 1) == 0
		if zero != (r < 4) {
			t.Errorf("fc row %d zero=%v", r, zero)
		}
	}
}

func TestActivationCapture(t *testing.T) {
	rng := rngFor(5)
	m := nn.NewMLP("q", []int{4, 6, 5, 2}, nn.ReLU, rng)
	x := autodiff.NewVar(tensor.RandNormal(rng, 0, 1, 7, 4), false)
	tp := autodiff.NewTape()
	tp.SetGradEnabled(false)
	tp.SetCapture(true)
	m.Forward(tp, x)
	got := tp.Captured()
	if len(got) != 2 || got[0].Name != "q.0" || got[1].Name != "q.1" || got[1].Value.Dim(1) != 5 {
		t.Fatalf("captured %v", got)
	}
	act := nn.UnitActivity(got[0].Value)
	var want float64
	for i := range 7 {
		v := got[0].Value.At(i, 2)
		want += float64(max(v, -v))
	}
	if d := act[2] - want/7; d > 1e-6 || d < -1e-6 {
		t.Errorf("UnitActivity %v, want %v", act[2], want/7)
	}
	tp.Reset()
	if len(tp.Captured()) != 0 {
		t.Error("Reset kept captured activations")
	}
}

func TestDropoutOnlyWhileTraining(t *testing.T) {
	d := &nn.Dropout{P: 0.5, Rng: rngFor(6)}
	x := autodiff.NewVar(tensor.Ones(100), true)
	if d.Forward(nil, x) != x {
		t.Error("dropout active on a nil tape")
	}
	tp := autodiff.NewTape()
	if y := d.Forward(tp, x); y == x {
		t.Error("dropout inactive while training")
	}
}
