package lm

import (
	"fmt"
	"math"

	"github.com/tenet-ml/tenet/tensor"
)

// This file is the Transformer's inference path: a KV cache per sequence and a forward pass
// over plain slices with tensor.Gemm, no tape. Shapes, for k rows fed at once:
//
//	x, xn, att (k, C)   residual stream, its layer norm, attention output
//	qkv        (k, 3C)  packed queries, keys and values
//	fc         (k, 4C)  MLP hidden layer
//	K, V       (n, C)   per layer, the cached keys and values of positions 0 … n−1
//	logits     (k, V)
//
// Biases are written into the output first and the products accumulate onto them (beta = 1),
// and the residual projections accumulate straight into x, so no pass adds a bias or a
// residual separately.

// kvInitialRows is the cache capacity, in positions, a new state starts with (at most MaxLen);
// the cache doubles as the sequence grows, so short sequences of long-context models stay
// small.
const kvInitialRows = 64

// kvState is the State of a Transformer: a growing KV cache and the scratch of one pass.
type kvState struct {
	m *Transformer
	n int // tokens fed

	rows   int         // cache capacity in positions
	k, v   [][]float32 // per layer, rows×C
	scr    passScratch // scratch of the current pass
	span   [1]seqSpan  // the pass's description, kept here so that Append does not allocate
	out    [][]float32 // the logit rows returned by Append
	logits []float32
}

// passScratch holds the activations of one forward pass over up to cap rows.
type passScratch struct {
	rows                int
	x, xn, qkv, att, fc []float32
	scores              []float32
	geluViews           []*tensor.Tensor // geluViews[r] views fc[:r·4C] as (r, 4C)
}

// ensure grows the scratch to hold r rows and scores attention scores.
func (s *passScratch) ensure(c, r, scores int) {
	if r > s.rows {
		s.rows = max(r, 2*s.rows)
		s.x = make([]float32, s.rows*c)
		s.xn = make([]float32, s.rows*c)
		s.att = make([]float32, s.rows*c)
		s.qkv = make([]float32, s.rows*3*c)
		s.fc = make([]float32, s.rows*4*c)
		s.geluViews = make([]*tensor.Tensor, s.rows+1)
	}
	if scores > len(s.scores) {
		s.scores = make([]float32, max(scores, 2*len(s.scores)))
	}
}

// gelu applies GPT-2's tanh GELU in place to the first r rows of fc.
func (s *passScratch) gelu(r, c4 int) {
	v := s.geluViews[r]
	if v == nil {
		v = tensor.FromSlice(s.fc[:r*c4], r, c4)
		s.geluViews[r] = v
	}
	tensor.GELUInto(v, v)
}

// NewState returns an empty decoding state with a KV cache. The cache starts with room for
// min(64, MaxLen) positions and doubles as needed up to MaxLen; once it has grown, Append
// allocates nothing (the logit rows live in a buffer the State reuses). NewState is safe for
// concurrent use.
func (m *Transformer) NewState() State {
	s := &kvState{m: m}
	s.grow(min(kvInitialRows, m.cfg.MaxLen))
	return s
}

// grow makes room for rows positions in every layer's cache, keeping the first n.
func (s *kvState) grow(rows int) {
	c := s.m.cfg.Width
	layers := s.m.cfg.Layers
	if s.k == nil {
		s.k, s.v = make([][]float32, layers), make([][]float32, layers)
	}
	for l := range layers {
		k, v := make([]float32, rows*c), make([]float32, rows*c)
		copy(k, s.k[l][:s.n*c])
		copy(v, s.v[l][:s.n*c])
		s.k[l], s.v[l] = k, v
	}
	s.rows = rows
}

// Len returns the number of tokens fed so far.
func (s *kvState) Len() int { return s.n }

// Truncate rolls the state back to its first n tokens.
func (s *kvState) Truncate(n int) {
	if n < 0 || n > s.n {
		panic(fmt.Sprintf("lm: Transformer state: Truncate(%d) on a state of length %d", n, s.n))
	}
	s.n = n
	s.out = s.out[:0]
}

// Append feeds tokens in one batched pass: the len(tokens) new queries attend to every cached
// position and causally among themselves. It returns one row of logits per token.
func (s *kvState) Append(tokens []int) [][]float32 {
	m := s.m
	k, vocab := len(tokens), m.cfg.VocabSize
	if s.n+k > m.cfg.MaxLen {
		panic(fmt.Sprintf("lm: Transformer state: Append of %d tokens to a state of length %d exceeds MaxLen %d", k, s.n, m.cfg.MaxLen))
	}
	for i, t := range tokens {
		if t < 0 || t >= vocab {
			panic(fmt.Sprintf("lm: Transformer state: token %d at index %d is outside the vocabulary [0, %d)", t, i, vocab))
		}
	}
	s.out = s.out[:0]
	if k == 0 {
		return s.out
	}
	if s.n+k > s.rows {
		s.grow(min(max(2*s.rows, s.n+k), m.cfg.MaxLen))
	}
	if len(s.logits) < k*vocab {
		s.logits = make([]float32, max(k*vocab, 2*len(s.logits)))
	}
	s.span[0] = seqSpan{k: s.k, v: s.v, p: s.n, rows: k}
	m.forwardCached(&s.scr, s.span[:], tokens, s.logits[:k*vocab])
	s.n += k
	for i := range k {
		s.out = append(s.out, s.logits[i*vocab:(i+1)*vocab:(i+1)*vocab])
	}
	return s.out
}

// seqSpan is one sequence's part of a forward pass: its rows tokens at positions p …
// p+rows−1, whose keys and values go to, and whose queries attend to, the cache k, v (per
// layer, positions × C).
type seqSpan struct {
	k, v    [][]float32
	p, rows int
}

// forwardCached runs a pass over the rows of several sequences at once: the tokens of span 0
// first, then those of span 1, and so on (len(tokens) = Σ rows). Every linear layer is one
// matrix product over all the rows; attention is per sequence, against its own cache, and
// causal among a sequence's new rows. The keys and values of the new positions are stored in
// the caches, and the next-token logits (len(tokens), V) written to logits.
func (m *Transformer) forwardCached(s *passScratch, spans []seqSpan, tokens []int, logits []float32) {
	cfg := &m.cfg
	c, k := cfg.Width, len(tokens)
	c3, c4 := 3*c, 4*c
	heads := cfg.Heads
	d := c / heads
	maxKeys := 0
	for _, sp := range spans {
		maxKeys = max(maxKeys, sp.rows*(sp.p+sp.rows))
	}
	s.ensure(c, k, maxKeys)
	eps := cfg.eps()
	scale := float32(1 / math.Sqrt(float64(d)))

	x, xn, qkv, att, fc := s.x[:k*c], s.xn[:k*c], s.qkv[:k*c3], s.att[:k*c], s.fc[:k*c4]
	wte, wpe := m.WTE.W.Value.Data(), m.WPE.W.Value.Data()
	r := 0
	for _, sp := range spans {
		for i := range sp.rows {
			t, pos := tokens[r], sp.p+i
			row, te, pe := x[r*c:(r+1)*c], wte[t*c:(t+1)*c], wpe[pos*c:(pos+1)*c]
			for j := range row {
				row[j] = te[j] + pe[j]
			}
			r++
		}
	}
	for l, b := range m.Blocks {
		layerNormRows(xn, x, b.LN1.Gamma.Value.Data(), b.LN1.Beta.Value.Data(), k, c, eps)
		fillRows(qkv, b.Attn.CAttn.B.Value.Data(), k)
		tensor.Gemm(false, false, k, c3, c, 1, xn, c, b.Attn.CAttn.W.Value.Data(), c3, 1, qkv, c3)
		r0 := 0
		for _, sp := range spans {
			kl, vl := sp.k[l], sp.v[l]
			q := qkv[r0*c3:]
			for i := range sp.rows {
				pos := sp.p + i
				copy(kl[pos*c:(pos+1)*c], q[i*c3+c:i*c3+2*c])
				copy(vl[pos*c:(pos+1)*c], q[i*c3+2*c:i*c3+3*c])
			}
			tk := sp.p + sp.rows
			scores := s.scores[:sp.rows*tk]
			for h := range heads {
				off := h * d
				tensor.Gemm(false, true, sp.rows, tk, d, scale, q[off:], c3, kl[off:], c, 0, scores, tk)
				for i := range sp.rows {
					row := scores[i*tk : (i+1)*tk]
					lim := sp.p + i + 1
					tensor.SoftmaxRow(row[:lim], row[:lim])
					clear(row[lim:])
				}
				tensor.Gemm(false, false, sp.rows, d, tk, 1, scores, tk, vl[off:], c, 0, att[r0*c+off:], c)
			}
			r0 += sp.rows
		}
		addRows(x, b.Attn.CProj.B.Value.Data(), k)
		tensor.Gemm(false, false, k, c, c, 1, att, c, b.Attn.CProj.W.Value.Data(), c, 1, x, c)

		layerNormRows(xn, x, b.LN2.Gamma.Value.Data(), b.LN2.Beta.Value.Data(), k, c, eps)
		fcl, proj := b.MLP.Layers[0], b.MLP.Layers[1]
		fillRows(fc, fcl.B.Value.Data(), k)
		tensor.Gemm(false, false, k, c4, c, 1, xn, c, fcl.W.Value.Data(), c4, 1, fc, c4)
		s.gelu(k, c4)
		addRows(x, proj.B.Value.Data(), k)
		tensor.Gemm(false, false, k, c, c4, 1, fc, c4, proj.W.Value.Data(), c, 1, x, c)
	}
	layerNormRows(xn, x, m.LNF.Gamma.Value.Data(), m.LNF.Beta.Value.Data(), k, c, eps)
	tensor.Gemm(false, true, k, cfg.VocabSize, c, 1, xn, c, wte, c, 0, logits, cfg.VocabSize)
}

// fillRows sets each of the first r rows of dst (rows of len(row) values) to row.
func fillRows(dst, row []float32, r int) {
	n := len(row)
	for i := range r {
		copy(dst[i*n:(i+1)*n], row)
	}
}

// addRows adds row to each of the first r rows of dst.
func addRows(dst, row []float32, r int) {
	n := len(row)
	for i := range r {
		d := dst[i*n : (i+1)*n]
		for j, v := range row {
			d[j] += v
		}
	}
}

// layerNormRows writes the layer norm of the first r rows of x (c values each) into y, row by
// row with tensor.LayerNormRow: the arithmetic, and so the bits, of the training forward pass.
func layerNormRows(y, x, gamma, beta []float32, r, c int, eps float32) {
	for i := range r {
		tensor.LayerNormRow(y[i*c:(i+1)*c], x[i*c:(i+1)*c], gamma, beta, eps)
	}
}
