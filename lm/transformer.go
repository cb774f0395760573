package lm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/nn"
	"github.com/tenet-ml/tenet/tensor"
)

// Config is the shape of a GPT-2-style Transformer.
type Config struct {
	// VocabSize is the number of tokens (GPT-2: 50257).
	VocabSize int
	// MaxLen is the context length, the number of learned positions (GPT-2's n_positions,
	// 1024).
	MaxLen int
	// Layers is the number of transformer blocks (n_layer).
	Layers int
	// Heads is the number of attention heads per block (n_head); it must divide Width.
	Heads int
	// Width is the size of the residual stream (n_embd). The MLP is 4·Width wide.
	Width int
	// LayerNormEps is added to the variance in every layer norm; 0 means 1e-5, GPT-2's value.
	LayerNormEps float32
}

// eps returns the layer-norm epsilon with the default applied.
func (c Config) eps() float32 {
	if c.LayerNormEps == 0 {
		return 1e-5
	}
	return c.LayerNormEps
}

// Validate reports whether the configuration describes a model that can be built: every size
// positive, Heads dividing Width and a non-negative LayerNormEps.
func (c Config) Validate() error {
	switch {
	case c.VocabSize < 1:
		return fmt.Errorf("lm: Config: VocabSize %d < 1", c.VocabSize)
	case c.MaxLen < 1:
		return fmt.Errorf("lm: Config: MaxLen %d < 1", c.MaxLen)
	case c.Layers < 1:
		return fmt.Errorf("lm: Config: Layers %d < 1", c.Layers)
	case c.Heads < 1:
		return fmt.Errorf("lm: Config: Heads %d < 1", c.Heads)
	case c.Width < 1:
		return fmt.Errorf("lm: Config: Width %d < 1", c.Width)
	case c.Width%c.Heads != 0:
		return fmt.Errorf("lm: Config: Width %d is not a multiple of Heads %d", c.Width, c.Heads)
	case c.LayerNormEps < 0 || c.LayerNormEps != c.LayerNormEps:
		return fmt.Errorf("lm: Config: LayerNormEps %v is not a non-negative number", c.LayerNormEps)
	}
	return nil
}

// Transformer is a GPT-2 decoder-only language model: token and learned position embeddings,
// Layers pre-LayerNorm blocks (causal multi-head self-attention, then a tanh-GELU MLP four
// times as wide, each added to the residual stream), a final layer norm, and an output layer
// tied to the token embedding (logits = ln_f(x)·wteᵀ). There is no dropout.
//
// It trains through package autodiff (Forward, Loss) and decodes through its own KV-cache
// inference path (NewState, GenerateBatch), which reads the same parameters without a tape.
// Parameters carry Hugging Face GPT-2 names (see Params), and LoadGPT2 and SaveGPT2 read and
// write Hugging Face checkpoint directories.
//
// A Transformer implements Model. Forward, Loss, NewState and the States it returns only read
// the parameters, so they may run on several goroutines at once; updating the parameters (an
// optimizer step) must not overlap them. A State reads the live parameters at each Append, so
// keys and values cached before an update are stale afterwards: start new States after
// training.
type Transformer struct {
	cfg Config
	// WTE is the (VocabSize, Width) token embedding, also the output layer.
	WTE *nn.Embedding
	// WPE is the (MaxLen, Width) position embedding.
	WPE *nn.Embedding
	// Blocks are the transformer blocks h.0 … h.{Layers−1}.
	Blocks []*nn.Block
	// LNF is the final layer norm, ln_f.
	LNF *nn.LayerNorm

	positions []int // 0, 1, …, MaxLen−1, read-only
}

// NewTransformer returns a Transformer with the given configuration, initialised as GPT-2
// from rng: embeddings and weight matrices from N(0, 0.02²), the two residual projections of
// every block (attn.c_proj and mlp.c_proj) from N(0, (0.02/√(2·Layers))²), biases zero,
// layer-norm gains one. It panics if cfg is invalid (see Config.Validate).
func NewTransformer(cfg Config, rng *rand.Rand) *Transformer {
	if err := cfg.Validate(); err != nil {
		panic(err.Error())
	}
	m := newTransformerShell(cfg)
	m.Init(rng)
	return m
}

// Init redraws every parameter from its GPT-2 initialiser (see NewTransformer) using rng.
func (m *Transformer) Init(rng *rand.Rand) {
	m.WTE.Init(rng)
	m.WPE.Init(rng)
	for _, b := range m.Blocks {
		b.Init(rng)
	}
	m.LNF.Init(rng)
}

// newTransformerShell returns a model of the given shape with zero weights and biases and unit
// layer-norm gains, its layers carrying GPT-2's initialisers for Init.
func newTransformerShell(cfg Config) *Transformer {
	m := &Transformer{
		cfg:       cfg,
		WTE:       &nn.Embedding{Name: "wte", WeightInit: nn.Normal(0.02)},
		WPE:       &nn.Embedding{Name: "wpe", WeightInit: nn.Normal(0.02)},
		Blocks:    make([]*nn.Block, cfg.Layers),
		LNF:       nn.NewLayerNorm("ln_f", cfg.Width),
		positions: make([]int, cfg.MaxLen),
	}
	m.WTE.W = autodiff.NewVar(tensor.New(cfg.VocabSize, cfg.Width), true)
	m.WPE.W = autodiff.NewVar(tensor.New(cfg.MaxLen, cfg.Width), true)
	m.LNF.Eps = cfg.eps()
	for i := range m.positions {
		m.positions[i] = i
	}
	proj := nn.Normal(0.02 / math.Sqrt(2*float64(cfg.Layers)))
	c := cfg.Width
	for i := range m.Blocks {
		name := "h." + strconv.Itoa(i)
		ln1, ln2 := nn.NewLayerNorm(name+".ln_1", c), nn.NewLayerNorm(name+".ln_2", c)
		ln1.Eps, ln2.Eps = cfg.eps(), cfg.eps()
		m.Blocks[i] = &nn.Block{
			Name: name,
			LN1:  ln1,
			Attn: &nn.CausalSelfAttention{
				Name:  name + ".attn",
				CAttn: newLinear(name+".attn.c_attn", c, 3*c, nn.Normal(0.02)),
				CProj: newLinear(name+".attn.c_proj", c, c, proj),
				Heads: cfg.Heads,
			},
			LN2: ln2,
			MLP: &nn.MLP{Act: nn.GELU, Layers: []*nn.Linear{
				newLinear(name+".mlp.c_fc", c, 4*c, nn.Normal(0.02)),
				newLinear(name+".mlp.c_proj", 4*c, c, proj),
			}},
		}
	}
	return m
}

// newLinear returns a zero (in, out) Linear layer with a bias, drawn by weight and zeros in
// Init.
func newLinear(name string, in, out int, weight nn.Init) *nn.Linear {
	return &nn.Linear{
		Name:       name,
		W:          autodiff.NewVar(tensor.New(in, out), true),
		B:          autodiff.NewVar(tensor.New(out), true),
		WeightInit: weight,
		BiasInit:   nn.Zeros(),
	}
}

// Config returns the model's configuration.
func (m *Transformer) Config() Config { return m.cfg }

// VocabSize returns the number of tokens.
func (m *Transformer) VocabSize() int { return m.cfg.VocabSize }

// MaxLen returns the context length.
func (m *Transformer) MaxLen() int { return m.cfg.MaxLen }

// Params returns the parameters under their Hugging Face GPT-2 names, in this order:
// wte.weight, wpe.weight, then for each block i h.{i}.ln_1.{weight,bias},
// h.{i}.attn.c_attn.{weight,bias}, h.{i}.attn.c_proj.{weight,bias}, h.{i}.ln_2.{weight,bias},
// h.{i}.mlp.c_fc.{weight,bias}, h.{i}.mlp.c_proj.{weight,bias}, and finally
// ln_f.{weight,bias}. Linear weights are (in, out), the Conv1D layout of GPT-2 checkpoints.
// The output layer is wte itself (tied), so it has no parameter of its own.
func (m *Transformer) Params() []autodiff.Param {
	ps := append(m.WTE.Params(), m.WPE.Params()...)
	for _, b := range m.Blocks {
		ps = append(ps, b.Params()...)
	}
	return append(ps, m.LNF.Params()...)
}

// NumParams returns the number of parameters (the tied output layer counted once).
func (m *Transformer) NumParams() int { return nn.NumParams(m.Params()) }

// checkBatch panics unless ids holds batch sequences of equal length within MaxLen and every
// id is in the vocabulary; it returns the sequence length.
func (m *Transformer) checkBatch(op string, ids []int, batch int) int {
	if batch < 1 || len(ids) == 0 || len(ids)%batch != 0 {
		panic(fmt.Sprintf("lm: Transformer.%s: %d ids do not form %d sequences", op, len(ids), batch))
	}
	t := len(ids) / batch
	if t > m.cfg.MaxLen {
		panic(fmt.Sprintf("lm: Transformer.%s: sequences of %d tokens exceed MaxLen %d", op, t, m.cfg.MaxLen))
	}
	for i, id := range ids {
		if id < 0 || id >= m.cfg.VocabSize {
			panic(fmt.Sprintf("lm: Transformer.%s: token %d at index %d is outside the vocabulary [0, %d)", op, id, i, m.cfg.VocabSize))
		}
	}
	return t
}

// hidden runs the model up to and including the final layer norm: ids holds batch sequences
// of T tokens each, row-major, and the result is (batch·T, Width).
func (m *Transformer) hidden(tp *autodiff.Tape, op string, ids []int, batch int) *autodiff.Var {
	t := m.checkBatch(op, ids, batch)
	c := m.cfg.Width
	tok := tp.Reshape(m.WTE.Forward(tp, ids), batch, t, c)
	pos := m.WPE.Forward(tp, m.positions[:t]) // (T, C), broadcast over the batch
	x := tp.Add(tok, pos)
	for _, b := range m.Blocks {
		x = b.Forward(tp, x)
	}
	return tp.Reshape(m.LNF.Forward(tp, x), batch*t, c)
}

// Forward returns the next-token logits (batch, T, VocabSize) of batch sequences of T tokens
// held row-major in ids: logits[b, t] predicts the token after ids[b·T + t] from the tokens
// up to it. It runs on tp (nil for one-off inference); the tape keeps ids until Backward.
// It panics if len(ids) is not a multiple of batch, T exceeds MaxLen or an id is outside the
// vocabulary.
//
// For training prefer Loss, which fuses the softmax into the loss.
func (m *Transformer) Forward(tp *autodiff.Tape, ids []int, batch int) *autodiff.Var {
	h := m.hidden(tp, "Forward", ids, batch)
	logits := tp.MatMulT(h, m.WTE.W, false, true) // (B·T, C)·(V, C)ᵀ
	return tp.Reshape(logits, batch, len(ids)/batch, m.cfg.VocabSize)
}

// Loss returns the mean next-token cross-entropy of batch sequences held row-major in ids,
// as a scalar on tp: targets[i] is the token that should follow ids[i] (usually ids shifted
// by one). Rows whose target is autodiff.IgnoreIndex are skipped. With a non-nil mask (one
// weight per position, 0 or 1 for supervised fine-tuning on the answer tokens only), the loss
// is Σ maskᵢ·nllᵢ / Σ maskᵢ and targets at zero-weight positions are not read. The softmax is
// fused into the loss, so its backward pass is (softmax − onehot)/count with no separate
// log-softmax. The tape keeps ids, targets and mask until Backward.
func (m *Transformer) Loss(tp *autodiff.Tape, ids, targets []int, mask []float32, batch int) *autodiff.Var {
	if len(targets) != len(ids) || (mask != nil && len(mask) != len(ids)) {
		panic(fmt.Sprintf("lm: Transformer.Loss: %d ids, %d targets, %d mask weights", len(ids), len(targets), len(mask)))
	}
	h := m.hidden(tp, "Loss", ids, batch)
	logits := tp.MatMulT(h, m.WTE.W, false, true)
	if mask != nil {
		return tp.CrossEntropyMasked(logits, targets, mask)
	}
	return tp.CrossEntropy(logits, targets)
}
