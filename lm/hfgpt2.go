package lm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/tenet-ml/tenet/autodiff/checkpoint"
	"github.com/tenet-ml/tenet/tensor"
)

// File names of a Hugging Face GPT-2 model directory.
const (
	GPT2ConfigFile  = "config.json"
	GPT2WeightsFile = "model.safetensors"
)

// gpt2Config is the part of a Hugging Face GPT2Config that decides the architecture. Pointers
// distinguish an absent field (Hugging Face's default applies) from a zero.
type gpt2Config struct {
	ModelType            string   `json:"model_type,omitempty"`
	Architectures        []string `json:"architectures,omitempty"`
	VocabSize            *int     `json:"vocab_size,omitempty"`
	NVocab               *int     `json:"n_vocab,omitempty"`
	NPositions           *int     `json:"n_positions,omitempty"`
	NCtx                 *int     `json:"n_ctx,omitempty"`
	NEmbd                *int     `json:"n_embd,omitempty"`
	NLayer               *int     `json:"n_layer,omitempty"`
	NHead                *int     `json:"n_head,omitempty"`
	NInner               *int     `json:"n_inner"`
	LayerNormEpsilon     *float64 `json:"layer_norm_epsilon,omitempty"`
	ActivationFunction   *string  `json:"activation_function,omitempty"`
	ScaleAttnWeights     *bool    `json:"scale_attn_weights,omitempty"`
	ScaleAttnByLayerIdx  *bool    `json:"scale_attn_by_inverse_layer_idx,omitempty"`
	AddCrossAttention    *bool    `json:"add_cross_attention,omitempty"`
	TieWordEmbeddings    *bool    `json:"tie_word_embeddings,omitempty"`
	InitializerRange     float64  `json:"initializer_range,omitempty"`
	ReorderAndUpcastAttn bool     `json:"reorder_and_upcast_attn"`
	ResidPdrop           float64  `json:"resid_pdrop"`
	EmbdPdrop            float64  `json:"embd_pdrop"`
	AttnPdrop            float64  `json:"attn_pdrop"`
}

// parseGPT2Config turns the config.json of a Hugging Face GPT-2 model into a Config, or says
// why the model cannot be run.
func parseGPT2Config(data []byte) (Config, error) {
	var hc gpt2Config
	if err := json.Unmarshal(data, &hc); err != nil {
		return Config{}, err
	}
	if hc.ModelType != "" && hc.ModelType != "gpt2" {
		return Config{}, fmt.Errorf("model_type %q is not gpt2", hc.ModelType)
	}
	// Absent sizes take Hugging Face's defaults, GPT-2 124M's values.
	get := func(v, alt *int, def int) int {
		switch {
		case v != nil:
			return *v
		case alt != nil:
			return *alt
		}
		return def
	}
	cfg := Config{
		VocabSize: get(hc.VocabSize, hc.NVocab, 50257),
		MaxLen:    get(hc.NPositions, hc.NCtx, 1024),
		Width:     get(hc.NEmbd, nil, 768),
		Layers:    get(hc.NLayer, nil, 12),
		Heads:     get(hc.NHead, nil, 12),
	}
	eps := 1e-5
	if hc.LayerNormEpsilon != nil {
		eps = *hc.LayerNormEpsilon
	}
	if !(eps > 0) || eps > 1 {
		return Config{}, fmt.Errorf("layer_norm_epsilon %v is not in (0, 1]", eps)
	}
	cfg.LayerNormEps = float32(eps)
	if act := "gelu_new"; hc.ActivationFunction != nil && *hc.ActivationFunction != act && *hc.ActivationFunction != "gelu_pytorch_tanh" {
		return Config{}, fmt.Errorf("activation_function %q is not supported (only gelu_new, the tanh GELU)", *hc.ActivationFunction)
	}
	if hc.NInner != nil && *hc.NInner != 4*cfg.Width {
		return Config{}, fmt.Errorf("n_inner %d is not supported (only 4·n_embd = %d)", *hc.NInner, 4*cfg.Width)
	}
	if hc.ScaleAttnWeights != nil && !*hc.ScaleAttnWeights {
		return Config{}, errors.New("scale_attn_weights false is not supported")
	}
	if hc.ScaleAttnByLayerIdx != nil && *hc.ScaleAttnByLayerIdx {
		return Config{}, errors.New("scale_attn_by_inverse_layer_idx is not supported")
	}
	if hc.AddCrossAttention != nil && *hc.AddCrossAttention {
		return Config{}, errors.New("add_cross_attention is not supported")
	}
	if hc.TieWordEmbeddings != nil && !*hc.TieWordEmbeddings {
		return Config{}, errors.New("tie_word_embeddings false is not supported (the output layer is the token embedding)")
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// LoadGPT2 reads a Hugging Face GPT-2 model from dir: config.json and model.safetensors
// (tokenizer files, if any, are read separately with LoadBPEDir).
//
// The configuration gives the sizes (vocab_size or n_vocab, n_positions or n_ctx, n_embd,
// n_layer, n_head, layer_norm_epsilon; absent fields take Hugging Face's defaults, GPT-2
// 124M's); the model must be one this package runs: activation_function gelu_new (the tanh
// GELU; gelu_pytorch_tanh is the same function), n_inner null or 4·n_embd, attention scaled
// by 1/√head_dim and not by layer index, no cross-attention, tied word embeddings.
//
// The weights may be stored as F32, F16 or BF16 (converted exactly to float32), under the
// names Transformer.Params lists, optionally prefixed with "transformer." (as
// GPT2LMHeadModel saves them). The attention-mask buffers attn.bias and attn.masked_bias are
// ignored. A separate lm_head.weight is accepted only if it equals wte.weight, since the
// output layer is tied to the token embedding; a different head is an error.
//
// Errors name the file and, for weights, the tensor: a missing file, malformed JSON or
// safetensors, a configuration the model cannot run, a missing, unexpected or misshapen
// tensor.
func LoadGPT2(dir string) (*Transformer, error) {
	cfgPath := filepath.Join(dir, GPT2ConfigFile)
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, fmt.Errorf("lm: LoadGPT2: %w", err)
	}
	cfg, err := parseGPT2Config(data)
	if err != nil {
		return nil, fmt.Errorf("lm: LoadGPT2: %s: %w", cfgPath, err)
	}
	wPath := filepath.Join(dir, GPT2WeightsFile)
	f, err := checkpoint.Open(wPath)
	if err != nil {
		return nil, fmt.Errorf("lm: LoadGPT2: %w", err)
	}
	defer f.Close()
	// Check the sizes against the file before allocating, so that a config.json far larger
	// than the weights (an absurd one, say) fails cleanly instead of exhausting memory. The
	// bound is loose, so that smaller disagreements get the precise errors below.
	var stored float64
	for _, name := range f.Names() {
		info, _ := f.Info(name)
		stored += float64(info.Len())
	}
	if need := gpt2ParamCount(cfg); need > 2*stored+1<<20 {
		return nil, fmt.Errorf("lm: LoadGPT2: %s describes %.0f parameters but %s holds only %.0f values", cfgPath, need, wPath, stored)
	}
	m := newTransformerShell(cfg)
	if err := loadGPT2Weights(m, f); err != nil {
		return nil, fmt.Errorf("lm: LoadGPT2: %s: %w", wPath, err)
	}
	return m, nil
}

// loadGPT2Weights fills m from f, resolving Hugging Face's naming variations.
func loadGPT2Weights(m *Transformer, f *checkpoint.File) error {
	want := make(map[string]*tensor.Tensor)
	var order []string
	for _, p := range m.Params() {
		want[p.Name] = p.Value
		order = append(order, p.Name)
	}
	found := make(map[string]string) // parameter name → name in the file
	var lmHead string
	for _, name := range f.Names() {
		base := strings.TrimPrefix(name, "transformer.")
		switch {
		case name == "lm_head.weight":
			lmHead = name
			continue
		case strings.HasSuffix(base, ".attn.bias") || strings.HasSuffix(base, ".attn.masked_bias"):
			if isBlockName(base) {
				continue
			}
		}
		if _, ok := want[base]; !ok {
			return fmt.Errorf("unexpected tensor %q (not a parameter of a %d-layer GPT-2)", name, m.cfg.Layers)
		}
		if prev, dup := found[base]; dup {
			return fmt.Errorf("tensors %q and %q both hold %s", prev, name, base)
		}
		found[base] = name
	}
	for _, p := range order {
		name, ok := found[p]
		if !ok {
			return fmt.Errorf("missing tensor %q", p)
		}
		dst := want[p]
		info, _ := f.Info(name)
		if !slices.Equal(info.Shape, dst.Shape()) {
			return fmt.Errorf("tensor %q has shape %v, want %v", name, info.Shape, dst.Shape())
		}
		t, err := f.Tensor(name)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", name, err)
		}
		copy(dst.Data(), t.Data())
	}
	if lmHead != "" {
		info, _ := f.Info(lmHead)
		wte := m.WTE.W.Value
		if !slices.Equal(info.Shape, wte.Shape()) {
			return fmt.Errorf("tensor %q has shape %v, want %v (tied to wte.weight)", lmHead, info.Shape, wte.Shape())
		}
		t, err := f.Tensor(lmHead)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", lmHead, err)
		}
		if !slices.Equal(t.Data(), wte.Data()) {
			return fmt.Errorf("tensor %q differs from wte.weight: untied output layers are not supported", lmHead)
		}
	}
	return nil
}

// gpt2ParamCount returns the number of parameters of a model of configuration cfg, in float64
// so that absurd sizes do not overflow.
func gpt2ParamCount(cfg Config) float64 {
	v, p, l, c := float64(cfg.VocabSize), float64(cfg.MaxLen), float64(cfg.Layers), float64(cfg.Width)
	return (v+p)*c + l*(12*c*c+13*c) + 2*c
}

// isBlockName reports whether name starts with "h.<digits>.".
func isBlockName(name string) bool {
	rest, ok := strings.CutPrefix(name, "h.")
	if !ok {
		return false
	}
	i := strings.IndexByte(rest, '.')
	if i <= 0 {
		return false
	}
	_, err := strconv.Atoi(rest[:i])
	return err == nil
}

// SaveGPT2 writes m to dir (created if needed) as a Hugging Face GPT-2 model: config.json
// (model_type gpt2, GPT2LMHeadModel, the sizes, gelu_new, no dropout) and model.safetensors
// holding every parameter in F32 under the names Params lists, without prefix and without
// lm_head (the head is tied), with the metadata {"format": "pt"} that the transformers
// library expects. transformers' GPT2LMHeadModel.from_pretrained(dir) loads the result, as
// does LoadGPT2. Each file is written to a temporary file and renamed into place.
func SaveGPT2(dir string, m *Transformer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("lm: SaveGPT2: %w", err)
	}
	cfg := m.cfg
	ptr := func(v int) *int { return &v }
	// The shortest decimal that rounds to the float32 epsilon: 1e-5, not 9.99999974737875e-06.
	eps, _ := strconv.ParseFloat(strconv.FormatFloat(float64(cfg.eps()), 'g', -1, 32), 64)
	act := "gelu_new"
	yes, no := true, false
	hc := gpt2Config{
		ModelType:           "gpt2",
		Architectures:       []string{"GPT2LMHeadModel"},
		VocabSize:           ptr(cfg.VocabSize),
		NPositions:          ptr(cfg.MaxLen),
		NCtx:                ptr(cfg.MaxLen),
		NEmbd:               ptr(cfg.Width),
		NLayer:              ptr(cfg.Layers),
		NHead:               ptr(cfg.Heads),
		LayerNormEpsilon:    &eps,
		ActivationFunction:  &act,
		ScaleAttnWeights:    &yes,
		ScaleAttnByLayerIdx: &no,
		TieWordEmbeddings:   &yes,
		InitializerRange:    0.02,
	}
	data, err := json.MarshalIndent(hc, "", "  ")
	if err != nil {
		return fmt.Errorf("lm: SaveGPT2: %w", err)
	}
	data = append(data, '\n')
	writeConfig := func(w io.Writer) error { _, err := w.Write(data); return err }
	if err := checkpoint.WriteFileAtomic(filepath.Join(dir, GPT2ConfigFile), writeConfig); err != nil {
		return fmt.Errorf("lm: SaveGPT2: %w", err)
	}
	var entries []checkpoint.Entry
	for _, p := range m.Params() {
		entries = append(entries, checkpoint.Float32(p.Name, p.Value))
	}
	writeWeights := func(w io.Writer) error {
		return checkpoint.Write(w, entries, map[string]string{"format": "pt"})
	}
	if err := checkpoint.WriteFileAtomic(filepath.Join(dir, GPT2WeightsFile), writeWeights); err != nil {
		return fmt.Errorf("lm: SaveGPT2: %w", err)
	}
	return nil
}
