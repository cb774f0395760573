package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
)

// CausalSelfAttention is GPT-2's multi-head self-attention: one (C, 3C) projection c_attn to
// queries, keys and values, causal scaled dot-product attention per head, and a (C, C) output
// projection c_proj.
type CausalSelfAttention struct {
	// Name prefixes the parameter names: Name.c_attn.weight, …, Name.c_proj.bias.
	Name         string
	CAttn, CProj *Linear
	Heads        int
	// Drop is applied to the output projection while training (GPT-2's resid_pdrop); nil
	// means none.
	Drop *Dropout
}

// NewCausalSelfAttention returns attention over dim features with the given number of heads,
// initialised as GPT-2: weights N(0, 0.02²), the output projection scaled by 1/√(2·layers),
// biases zero.
func NewCausalSelfAttention(name string, dim, heads, layers int, rng *rand.Rand) *CausalSelfAttention {
	if heads < 1 || dim%heads != 0 {
		panic(fmt.Sprintf("nn: NewCausalSelfAttention: %d features, %d heads", dim, heads))
	}
	return &CausalSelfAttention{
		Name:  name,
		CAttn: NewLinearInit(join(name, "c_attn"), dim, 3*dim, true, Normal(0.02), Zeros(), rng),
		CProj: NewLinearInit(join(name, "c_proj"), dim, dim, true, Normal(0.02/math.Sqrt(2*float64(max(layers, 1)))), Zeros(), rng),
		Heads: heads,
	}
}

// Forward applies attention to x (B, T, C).
func (a *CausalSelfAttention) Forward(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	qkv := a.CAttn.Forward(tp, x)
	y := tp.SelfAttentionQKV(qkv, a.Heads, true)
	return a.Drop.Forward(tp, a.CProj.Forward(tp, y))
}

// Params returns the parameters of c_attn then c_proj.
func (a *CausalSelfAttention) Params() []autodiff.Param {
	return append(a.CAttn.Params(), a.CProj.Params()...)
}

// Init redraws both projections.
func (a *CausalSelfAttention) Init(rng *rand.Rand) {
	a.CAttn.Init(rng)
	a.CProj.Init(rng)
}

// Clone returns a deep copy of a (sharing the dropout configuration).
func (a *CausalSelfAttention) Clone() *CausalSelfAttention {
	c := *a
	c.CAttn, c.CProj = a.CAttn.Clone(), a.CProj.Clone()
	return &c
}

// Block is a pre-LN transformer block as in GPT-2:
//
//	x = x + attn(ln_1(x))
//	x = x + mlp(ln_2(x)),  mlp = c_proj(gelu(c_fc(·)))
//
// with parameter names Name.ln_1.weight, Name.attn.c_attn.weight, Name.mlp.c_fc.weight, ….
type Block struct {
	Name     string
	LN1, LN2 *LayerNorm
	Attn     *CausalSelfAttention
	MLP      *MLP
}

// NewBlock returns a GPT-2 block over dim features with the given number of heads; layers
// (the depth of the whole model) scales the initialisation of the residual projections.
func NewBlock(name string, dim, heads, layers int, rng *rand.Rand) *Block {
	proj := Normal(0.02 / math.Sqrt(2*float64(max(layers, 1))))
	return &Block{
		Name: name,
		LN1:  NewLayerNorm(join(name, "ln_1"), dim),
		Attn: NewCausalSelfAttention(join(name, "attn"), dim, heads, layers, rng),
		LN2:  NewLayerNorm(join(name, "ln_2"), dim),
		MLP: &MLP{Act: GELU, Layers: []*Linear{
			NewLinearInit(join(name, "mlp.c_fc"), dim, 4*dim, true, Normal(0.02), Zeros(), rng),
			NewLinearInit(join(name, "mlp.c_proj"), 4*dim, dim, true, proj, Zeros(), rng),
		}},
	}
}

// Forward applies the block to x (B, T, C).
func (b *Block) Forward(tp *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	x = tp.Add(x, b.Attn.Forward(tp, b.LN1.Forward(tp, x)))
	return tp.Add(x, b.MLP.Forward(tp, b.LN2.Forward(tp, x)))
}

// Params returns ln_1, attn, ln_2 and mlp parameters, in that order.
func (b *Block) Params() []autodiff.Param {
	ps := b.LN1.Params()
	ps = append(ps, b.Attn.Params()...)
	ps = append(ps, b.LN2.Params()...)
	return append(ps, b.MLP.Params()...)
}

// Init redraws every parameter.
func (b *Block) Init(rng *rand.Rand) {
	b.LN1.Init(rng)
	b.Attn.Init(rng)
	b.LN2.Init(rng)
	b.MLP.Init(rng)
}

// Clone returns a deep copy of b.
func (b *Block) Clone() *Block {
	return &Block{Name: b.Name, LN1: b.LN1.Clone(), Attn: b.Attn.Clone(), LN2: b.LN2.Clone(), MLP: b.MLP.Clone()}
}
