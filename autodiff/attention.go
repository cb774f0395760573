package autodiff

import (
	"fmt"
	"math"
	"runtime"

	"github.com/tenet-ml/tenet/tensor"
)

// Attention returns scaled dot-product attention softmax(q·kᵀ/√D)·v with a fused backward
// pass. Two layouts are accepted:
//
//   - q (B, H, T, D) and k, v (B, H, Tk, D); heads is ignored (pass 0 or H);
//   - q (B, T, C) and k, v (B, Tk, C) with C = heads·D, head h occupying columns h·D…(h+1)·D,
//     as a GPT-2 projection produces them; no permutes are needed.
//
// The result has q's shape. With causal set, query i attends to keys j ≤ i + (Tk − T): when
// Tk > T the queries are the last T positions of a longer sequence whose earlier keys and
// values are cached (KV-cache decoding, speculative verification). The tape keeps the
// attention probabilities, (B, H, T, Tk), for the backward pass.
func (tp *Tape) Attention(q, k, v *Var, heads int, causal bool) *Var {
	qs, ks, vs := q.Value.Shape(), k.Value.Shape(), v.Value.Shape()
	var L attnLayout
	bad := func() {
		panic(fmt.Sprintf("autodiff: Attention: q %v, k %v, v %v, heads %d", qs, ks, vs, heads))
	}
	switch len(qs) {
	case 4:
		if len(ks) != 4 || !equalInts(ks, vs) || ks[0] != qs[0] || ks[1] != qs[1] || ks[3] != qs[3] || (heads != 0 && heads != qs[1]) {
			bad()
		}
		L = attnLayout{b: qs[0], h: qs[1], t: qs[2], tk: ks[2], d: qs[3]}
		L.q = attnStrides{b: qs[1] * qs[2] * qs[3], h: qs[2] * qs[3], t: qs[3]}
		L.k = attnStrides{b: ks[1] * ks[2] * ks[3], h: ks[2] * ks[3], t: ks[3]}
		L.v = L.k
	case 3:
		if len(ks) != 3 || !equalInts(ks, vs) || ks[0] != qs[0] || ks[2] != qs[2] || heads < 1 || qs[2]%heads != 0 {
			bad()
		}
		c := qs[2]
		L = attnLayout{b: qs[0], h: heads, t: qs[1], tk: ks[1], d: c / heads}
		L.q = attnStrides{b: qs[1] * c, h: c / heads, t: c}
		L.k = attnStrides{b: ks[1] * c, h: c / heads, t: c}
		L.v = L.k
	default:
		bad()
	}
	if causal && L.tk < L.t {
		bad()
	}
	L.causal = causal
	return tp.attention(q, k, v, L, q.Value.Shape())
}

// SelfAttentionQKV is Attention on the packed output of a GPT-2 c_attn projection: qkv is
// (B, T, 3C) holding q, k and v side by side, and the result is (B, T, C). It saves the three
// copies a split would make.
func (tp *Tape) SelfAttentionQKV(qkv *Var, heads int, causal bool) *Var {
	s := qkv.Value.Shape()
	if len(s) != 3 || s[2]%3 != 0 || heads < 1 || (s[2]/3)%heads != 0 {
		panic(fmt.Sprintf("autodiff: SelfAttentionQKV: qkv %v, heads %d", s, heads))
	}
	c := s[2] / 3
	L := attnLayout{b: s[0], h: heads, t: s[1], tk: s[1], d: c / heads, causal: causal}
	st := attnStrides{b: s[1] * 3 * c, h: c / heads, t: 3 * c}
	L.q, L.k, L.v = st, st, st
	L.k.off, L.v.off = c, 2*c
	var os [maxRank]int
	os[0], os[1], os[2] = s[0], s[1], c
	return tp.attention(qkv, qkv, qkv, L, os[:3])
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// attnStrides locates row t of head h of batch entry b at off + b·b + h·h + t·t; the D
// features of a row are contiguous.
type attnStrides struct{ off, b, h, t int }

func (s attnStrides) at(b, h, t int) int { return s.off + b*s.b + h*s.h + t*s.t }

// attnLayout is the geometry of one attention call; the output uses the q strides of a fresh
// tensor (q's layout without offset, with row stride H·D for the 3-D forms).
type attnLayout struct {
	b, h, t, tk, d int
	causal         bool
	q, k, v, o     attnStrides
}

// attention records one attention call of layout L; the output is a fresh tensor of outShape.
func (tp *Tape) attention(q, k, v *Var, L attnLayout, outShape []int) *Var {
	if len(outShape) == 4 {
		L.o = attnStrides{b: L.h * L.t * L.d, h: L.t * L.d, t: L.d}
	} else {
		L.o = attnStrides{b: L.t * L.h * L.d, h: L.d, t: L.h * L.d}
	}
	rec := tp.recording(q.RequiresGrad || k.RequiresGrad || v.RequiresGrad)
	out := tp.newVar(tp.buf(outShape...), rec)
	var probs []float32
	pt := tp.buf(L.b, L.h, L.t, L.tk)
	probs = pt.Data()
	attentionForward(out.Value.Data(), probs, q.Value.Data(), k.Value.Data(), v.Value.Data(), &L)
	if rec {
		r := record{op: opAttention, out: out, a: q, b: k, c: v, t0: pt}
		r.i = [6]int{L.b, L.h, L.t, L.tk, L.d, b2i(L.causal)}
		r.ix = tp.intBuf(15)
		packLayout(r.ix, &L)
		tp.push(r)
	}
	return out
}

func packLayout(ix []int, L *attnLayout) {
	for i, s := range [...]attnStrides{L.q, L.k, L.v} {
		ix[i*4], ix[i*4+1], ix[i*4+2], ix[i*4+3] = s.off, s.b, s.h, s.t
	}
	ix[12], ix[13], ix[14] = L.o.b, L.o.h, L.o.t
}

func unpackLayout(r *record) attnLayout {
	L := attnLayout{b: r.i[0], h: r.i[1], t: r.i[2], tk: r.i[3], d: r.i[4], causal: r.i[5] == 1}
	ix := r.ix
	L.q = attnStrides{ix[0], ix[1], ix[2], ix[3]}
	L.k = attnStrides{ix[4], ix[5], ix[6], ix[7]}
	L.v = attnStrides{ix[8], ix[9], ix[10], ix[11]}
	L.o = attnStrides{0, ix[12], ix[13], ix[14]}
	return L
}

// limit returns how many keys query i attends to.
func (L *attnLayout) limit(i int) int {
	if !L.causal {
		return L.tk
	}
	return min(L.tk, i+L.tk-L.t+1)
}

// attnRowBlock returns how many query rows the attention kernels handle per matrix product:
// with a causal mask, a block of rows needs only the keys its last row attends to, so smaller
// blocks skip more of the masked upper triangle, larger ones make better products.
func attnRowBlock(t int) int {
	if t <= 64 {
		return 16
	}
	return 32
}

// attnGrain returns the number of (b, h) pairs per goroutine from which attention work is
// split: about 64K multiply-adds of Q·Kᵀ each, so that decoding a token stays on one goroutine.
func attnGrain(L *attnLayout) int { return max(1, (1<<16)/max(1, L.t*L.tk*L.d)) }

// attentionForward: for each (b, h), S = Q·Kᵀ·scale (T×Tk), P = softmax of each row over its
// first limit(i) keys (zeros beyond), saved in probs (B, H, T, Tk), and O = P·V. The products
// run as strided matrix products on the operands in place, on blocks of query rows: with a
// causal mask a block computes only the keys up to its last row's limit. The (b, h) pairs are
// split over goroutines; each pair is computed by one goroutine, in a fixed order.
func attentionForward(out, probs, q, k, v []float32, L *attnLayout) {
	tensor.Parallel(L.b*L.h, attnGrain(L), func(lo, hi int) {
		for bh := lo; bh < hi; bh++ {
			attentionForwardHead(out, probs, q, k, v, L, bh/L.h, bh%L.h)
		}
	})
}

func attentionForwardHead(out, probs, q, k, v []float32, L *attnLayout, b, h int) {
	t, tk, d := L.t, L.tk, L.d
	scale := float32(1 / math.Sqrt(float64(d)))
	p := probs[(b*L.h+h)*t*tk:][:t*tk]
	qb, kb, vb, ob := q[L.q.at(b, h, 0):], k[L.k.at(b, h, 0):], v[L.v.at(b, h, 0):], out[L.o.at(b, h, 0):]
	blk := attnRowBlock(t)
	for i0 := 0; i0 < t; i0 += blk {
		i1 := min(i0+blk, t)
		lim := L.limit(i1 - 1)
		pb := p[i0*tk:]
		tensor.Gemm(false, true, i1-i0, lim, d, scale, qb[i0*L.q.t:], L.q.t, kb, L.k.t, 0, pb, tk)
		for i := i0; i < i1; i++ {
			row := p[i*tk : (i+1)*tk]
			li := L.limit(i)
			softmaxRow(row[:li], row[:li])
			clear(row[li:])
		}
		tensor.Gemm(false, false, i1-i0, d, lim, 1, pb, tk, vb, L.v.t, 0, ob[i0*L.o.t:], L.o.t)
	}
}

// attentionBackward: with dO the output gradient of one (b, h),
//
//	dP = dO·Vᵀ,  dV += Pᵀ·dO,  dS = P ⊙ (dP − rowsum(P ⊙ dP))·scale,
//	dQ += dS·K,  dK += dSᵀ·Q,
//
// on the blocks of query rows of the forward pass (a block touches only the keys up to its
// last row's limit; P is zero beyond each row's limit, so dS is too). The (b, h) pairs are
// split over goroutines as in the forward pass; each chunk of pairs has its own dP scratch.
func attentionBackward(tp *Tape, r *record) {
	L := unpackLayout(r)
	dq, dk, dv := tp.grad(r.a), tp.grad(r.b), tp.grad(r.c)
	n, grain := L.b*L.h, attnGrain(&L)
	// One dP scratch per chunk, numbered lo/chunk (see tensor.Parallel).
	w := runtime.GOMAXPROCS(0)
	chunk := (n + w - 1) / w
	blk := min(attnRowBlock(L.t), L.t)
	scratch := tp.buf(w, blk*L.tk).Data()
	q, k, v := r.a.Value.Data(), r.b.Value.Data(), r.c.Value.Data()
	probs, dout := r.t0.Data(), r.out.Grad.Data()
	tensor.Parallel(n, grain, func(lo, hi int) {
		ds := scratch[lo/chunk*blk*L.tk:][:blk*L.tk]
		for bh := lo; bh < hi; bh++ {
			attentionBackwardHead(dq, dk, dv, q, k, v, probs, dout, ds, &L, bh/L.h, bh%L.h)
		}
	})
}

func attentionBackwardHead(dq, dk, dv, q, k, v, probs, dout, ds []float32, L *attnLayout, b, h int) {
	t, tk, d := L.t, L.tk, L.d
	scale := float32(1 / math.Sqrt(float64(d)))
	p := probs[(b*L.h+h)*t*tk:][:t*tk]
	do := dout[L.o.at(b, h, 0):]
	qo, ko, vo := L.q.at(b, h, 0), L.k.at(b, h, 0), L.v.at(b, h, 0)
	blk := attnRowBlock(t)
	for i0 := 0; i0 < t; i0 += blk {
		i1 := min(i0+blk, t)
		m, lim := i1-i0, L.limit(i1-1)
		pb, dob := p[i0*tk:], do[i0*L.o.t:]
		tensor.Gemm(false, true, m, lim, d, 1, dob, L.o.t, v[vo:], L.v.t, 0, ds, lim)
		if dv != nil {
			tensor.Gemm(true, false, lim, d, m, 1, pb, tk, dob, L.o.t, 1, dv[vo:], L.v.t)
		}
		for i := range m {
			tensor.SoftmaxBackwardRow(ds[i*lim:][:lim], p[(i0+i)*tk:][:lim], scale)
		}
		if dq != nil {
			tensor.Gemm(false, false, m, d, lim, 1, ds, lim, k[ko:], L.k.t, 1, dq[qo+i0*L.q.t:], L.q.t)
		}
		if dk != nil {
			tensor.Gemm(true, false, lim, d, m, 1, ds, lim, q[qo+i0*L.q.t:], L.q.t, 1, dk[ko:], L.k.t)
		}
	}
}
