package lm

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenet-ml/tenet/autodiff/checkpoint"
)

const tinyGPT2 = "testdata/tinygpt2"

// tinyFixture reads the ids and expected logits of testdata/tinygpt2.
func tinyFixture(t *testing.T) (ids []int, batch, seq, vocab int, logits []float32) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(tinyGPT2, "ids.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Batch, Seq, Vocab int
		IDs               []int
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(tinyGPT2, "logits.f32"))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 4*f.Batch*f.Seq*f.Vocab || len(f.IDs) != f.Batch*f.Seq {
		t.Fatalf("fixture sizes disagree: %d ids, %d logit bytes for %+v", len(f.IDs), len(raw), f)
	}
	logits = make([]float32, len(raw)/4)
	for i := range logits {
		logits[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return f.IDs, f.Batch, f.Seq, f.Vocab, logits
}

// TestGPT2Parity checks the logits of the reference GPT-2 implementation on the tiny fixture,
// through the training forward pass and through the KV cache (whole sequence, then token by
// token).
func TestGPT2Parity(t *testing.T) {
	m, err := LoadGPT2(tinyGPT2)
	if err != nil {
		t.Fatal(err)
	}
	ids, batch, seq, vocab, want := tinyFixture(t)
	if c := m.Config(); c.VocabSize != vocab || c.MaxLen != seq || c.Layers != 2 || c.Heads != 2 || c.Width != 16 || c.LayerNormEps != 1e-5 {
		t.Fatalf("config %+v", c)
	}
	const tol = 1e-4
	if d := maxAbsDiff(m.Forward(nil, ids, batch).Value.Data(), want); d > tol {
		t.Errorf("Forward: max |logits − reference| = %g > %g", d, tol)
	} else {
		t.Logf("Forward: max |logits − reference| = %.3g", d)
	}
	for b := range batch {
		s := ids[b*seq : (b+1)*seq]
		ref := want[b*seq*vocab : (b+1)*seq*vocab]
		var whole, stepwise []float32
		for _, row := range m.NewState().Append(s) {
			whole = append(whole, row...)
		}
		st := m.NewState()
		for i := range s {
			stepwise = append(stepwise, st.Append(s[i : i+1])[0]...)
		}
		dw, ds := maxAbsDiff(whole, ref), maxAbsDiff(stepwise, ref)
		if dw > tol || ds > tol {
			t.Errorf("sequence %d: KV cache max error %g (one Append), %g (token by token)", b, dw, ds)
		} else {
			t.Logf("sequence %d: KV cache max error %.3g (one Append), %.3g (token by token)", b, dw, ds)
		}
	}
}

func TestSaveLoadGPT2RoundTrip(t *testing.T) {
	cfg := Config{VocabSize: 17, MaxLen: 9, Layers: 3, Heads: 2, Width: 6, LayerNormEps: 1e-6}
	m := randomTransformer(cfg, 21)
	dir := filepath.Join(t.TempDir(), "model")
	if err := SaveGPT2(dir, m); err != nil {
		t.Fatal(err)
	}
	got, err := LoadGPT2(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Config() != cfg {
		t.Errorf("config %+v, want %+v", got.Config(), cfg)
	}
	gp := got.Params()
	for i, p := range m.Params() {
		if gp[i].Name != p.Name || !gp[i].Value.Equal(p.Value) {
			t.Errorf("%s differs after the round trip", p.Name)
		}
	}
	// The files are what the Python ecosystem expects.
	f, err := checkpoint.Open(filepath.Join(dir, GPT2WeightsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Metadata()["format"] != "pt" {
		t.Errorf("metadata %v lacks format pt", f.Metadata())
	}
	if info, ok := f.Info("h.1.attn.c_attn.weight"); !ok || info.Dtype != checkpoint.F32 || info.Shape[0] != 6 || info.Shape[1] != 18 {
		t.Errorf("h.1.attn.c_attn.weight: %+v, %v", info, ok)
	}
	var hc map[string]any
	data, _ := os.ReadFile(filepath.Join(dir, GPT2ConfigFile))
	if err := json.Unmarshal(data, &hc); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{"model_type": "gpt2", "vocab_size": 17.0, "n_positions": 9.0, "n_embd": 6.0, "n_layer": 3.0, "n_head": 2.0, "activation_function": "gelu_new", "layer_norm_epsilon": 1e-6} {
		if hc[k] != v {
			t.Errorf("config.json %s = %v, want %v", k, hc[k], v)
		}
	}
	// Saving the fixture model again reproduces its logits.
	fx, err := LoadGPT2(tinyGPT2)
	if err != nil {
		t.Fatal(err)
	}
	if err := SaveGPT2(dir, fx); err != nil {
		t.Fatal(err)
	}
	again, err := LoadGPT2(dir)
	if err != nil {
		t.Fatal(err)
	}
	ids, batch, _, _, _ := tinyFixture(t)
	if !again.Forward(nil, ids, batch).Value.Equal(fx.Forward(nil, ids, batch).Value) {
		t.Error("logits differ after SaveGPT2 then LoadGPT2")
	}
}

// writeWeights writes entries as dir/model.safetensors.
func writeWeights(t *testing.T, dir string, entries []checkpoint.Entry) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, GPT2WeightsFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkpoint.Write(f, entries, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestLoadGPT2Half loads weights stored as BF16 and F16 and checks they are the rounded
// float32 weights.
func TestLoadGPT2Half(t *testing.T) {
	cfg := Config{VocabSize: 7, MaxLen: 4, Layers: 1, Heads: 1, Width: 4}
	m := randomTransformer(cfg, 5)
	for _, dt := range []checkpoint.Dtype{checkpoint.BF16, checkpoint.F16} {
		dir := t.TempDir()
		if err := SaveGPT2(dir, m); err != nil {
			t.Fatal(err)
		}
		var entries []checkpoint.Entry
		var rounded [][]float32
		for _, p := range m.Params() {
			d := p.Value.Data()
			raw := make([]byte, 2*len(d))
			r := make([]float32, len(d))
			for i, v := range d {
				var h uint16
				if dt == checkpoint.BF16 {
					h = uint16(math.Float32bits(v) >> 16) // truncation: exactly representable
					r[i] = math.Float32frombits(uint32(h) << 16)
				} else {
					h, r[i] = toF16(v)
				}
				binary.LittleEndian.PutUint16(raw[2*i:], h)
			}
			rounded = append(rounded, r)
			entries = append(entries, checkpoint.Entry{Name: "transformer." + p.Name, Dtype: dt, Shape: p.Value.Shape(), Raw: raw})
		}
		writeWeights(t, dir, entries)
		got, err := LoadGPT2(dir)
		if err != nil {
			t.Fatalf("%s: %v", dt, err)
		}
		for i, p := range got.Params() {
			if maxAbsDiff(p.Value.Data(), rounded[i]) != 0 {
				t.Errorf("%s: %s is not the %s value", dt, p.Name, dt)
			}
		}
	}
}

// toF16 converts a normal float32 of moderate size to IEEE half precision by truncation and
// returns the bits and their value.
func toF16(v float32) (uint16, float32) {
	b := math.Float32bits(v)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127 + 15
	if exp <= 0 {
		return sign, float32(math.Copysign(0, float64(v)))
	}
	h := sign | uint16(exp)<<10 | uint16(b>>13&0x3ff)
	val := math.Ldexp(1+float64(b>>13&0x3ff)/1024, exp-15)
	if sign != 0 {
		val = -val
	}
	return h, float32(val)
}

// TestLoadGPT2Errors checks that every problem with a model directory is an error that names
// the file and, for weights, the tensor.
func TestLoadGPT2Errors(t *testing.T) {
	cfg := Config{VocabSize: 7, MaxLen: 4, Layers: 2, Heads: 2, Width: 4}
	m := randomTransformer(cfg, 5)
	good := t.TempDir()
	if err := SaveGPT2(good, m); err != nil {
		t.Fatal(err)
	}
	goodConfig, _ := os.ReadFile(filepath.Join(good, GPT2ConfigFile))
	entries := func(edit func(name string, e *checkpoint.Entry) bool) []checkpoint.Entry {
		var es []checkpoint.Entry
		for _, p := range m.Params() {
			e := checkpoint.Float32(p.Name, p.Value)
			if edit(p.Name, &e) {
				es = append(es, e)
			}
		}
		return es
	}
	keep := func(string, *checkpoint.Entry) bool { return true }
	editConfig := func(key string, value any) []byte {
		var c map[string]any
		if err := json.Unmarshal(goodConfig, &c); err != nil {
			t.Fatal(err)
		}
		if value == nil {
			delete(c, key)
		} else {
			c[key] = value
		}
		b, _ := json.Marshal(c)
		return b
	}
	cases := []struct {
		name    string
		config  []byte // nil: no config.json
		weights []checkpoint.Entry
		raw     []byte // weights file contents instead of weights
		want    []string
	}{
		{"missing config", nil, entries(keep), nil, []string{GPT2ConfigFile, "no such file"}},
		{"missing weights", goodConfig, nil, nil, []string{GPT2WeightsFile, "no such file"}},
		{"bad json", []byte("{"), entries(keep), nil, []string{GPT2ConfigFile}},
		{"activation", editConfig("activation_function", "relu"), entries(keep), nil, []string{GPT2ConfigFile, "relu", "gelu_new"}},
		{"heads", editConfig("n_head", 3), entries(keep), nil, []string{GPT2ConfigFile, "Heads 3"}},
		{"n_inner", editConfig("n_inner", 10), entries(keep), nil, []string{GPT2ConfigFile, "n_inner"}},
		{"untied", editConfig("tie_word_embeddings", false), entries(keep), nil, []string{GPT2ConfigFile, "tie_word_embeddings"}},
		{"layer scaling", editConfig("scale_attn_by_inverse_layer_idx", true), entries(keep), nil, []string{"scale_attn_by_inverse_layer_idx"}},
		{"model type", editConfig("model_type", "llama"), entries(keep), nil, []string{"llama"}},
		{"zero layers", editConfig("n_layer", 0), entries(keep), nil, []string{"Layers 0"}},
		{"missing tensor", goodConfig, entries(func(n string, _ *checkpoint.Entry) bool { return n != "h.1.mlp.c_fc.bias" }), nil,
			[]string{GPT2WeightsFile, "missing tensor", "h.1.mlp.c_fc.bias"}},
		{"wrong shape", goodConfig, entries(func(n string, e *checkpoint.Entry) bool {
			if n == "h.0.attn.c_attn.weight" {
				e.Shape = []int{12, 4} // the (out, in) layout of a Linear, not Conv1D
			}
			return true
		}), nil, []string{GPT2WeightsFile, "h.0.attn.c_attn.weight", "[12 4]", "[4 12]"}},
		{"extra layer", editConfig("n_layer", 1), entries(keep), nil, []string{GPT2WeightsFile, "unexpected tensor", "h.1."}},
		{"untied head", goodConfig, append(entries(keep), checkpoint.Entry{Name: "lm_head.weight", Dtype: checkpoint.F32, Shape: []int{7, 4}, F32: make([]float32, 28)}), nil,
			[]string{"lm_head.weight", "differs from wte.weight"}},
		{"integer tensor", goodConfig, entries(func(n string, e *checkpoint.Entry) bool {
			if n == "ln_f.bias" {
				*e = checkpoint.Entry{Name: n, Dtype: checkpoint.I64, Shape: []int{4}, I64: make([]int64, 4)}
			}
			return true
		}), nil, []string{"ln_f.bias", "I64"}},
		{"huge config", editConfig("n_embd", 1<<40), entries(keep), nil, []string{"describes", "parameters", GPT2WeightsFile}},
		{"not safetensors", goodConfig, nil, []byte("not a safetensors file"), []string{GPT2WeightsFile, "malformed"}},
	}
	for _, c := range cases {
		dir := t.TempDir()
		if c.config != nil {
			if err := os.WriteFile(filepath.Join(dir, GPT2ConfigFile), c.config, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if c.weights != nil {
			writeWeights(t, dir, c.weights)
		}
		if c.raw != nil {
			if err := os.WriteFile(filepath.Join(dir, GPT2WeightsFile), c.raw, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := LoadGPT2(dir)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}
	// The fixture's variations are tolerated: prefix, tied lm_head, mask buffers.
	if _, err := LoadGPT2(tinyGPT2); err != nil {
		t.Error(err)
	}
}

// FuzzParseGPT2Config checks that any config.json either parses into a valid Config or gives
// an error, never a panic.
func FuzzParseGPT2Config(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join(tinyGPT2, GPT2ConfigFile)); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"n_embd": 8, "n_head": 3}`))
	f.Add([]byte(`{"n_layer": -1, "layer_norm_epsilon": 1e400}`))
	f.Add([]byte(`{"activation_function": null, "n_inner": 0}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := parseGPT2Config(data)
		if err == nil {
			if verr := cfg.Validate(); verr != nil {
				t.Fatalf("accepted an invalid config: %v", verr)
			}
		}
	})
}

func TestGPT2ParamCount(t *testing.T) {
	m := randomTransformer(smallConfig, 1)
	if got := gpt2ParamCount(smallConfig); got != float64(m.NumParams()) {
		t.Errorf("gpt2ParamCount = %v, NumParams = %d", got, m.NumParams())
	}
}
