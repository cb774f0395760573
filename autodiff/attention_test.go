package autodiff

import "testing"

func TestAttentionGradients(t *testing.T) {
	rng := newRNG(16)
	// (B, H, T, D) layout, causal and not, and with a KV offset (T = 2 queries, Tk = 4 keys).
	q := randVar(rng, -1, 1, 2, 2, 3, 4)
	k := randVar(rng, -1, 1, 2, 2, 3, 4)
	v := randVar(rng, -1, 1, 2, 2, 3, 4)
	for _, causal := range []bool{false, true} {
		check(t, "Attention BHTD", func(tp *Tape) *Var { return tp.Attention(q, k, v, 0, causal) }, q, k, v)
	}
	q2 := randVar(rng, -1, 1, 1, 2, 2, 4)
	k2 := randVar(rng, -1, 1, 1, 2, 4, 4)
	v2 := randVar(rng, -1, 1, 1, 2, 4, 4)
	check(t, "Attention offset", func(tp *Tape) *Var { return tp.Attention(q2, k2, v2, 0, true) }, q2, k2, v2)
	// (B, T, C) with heads, and the packed form.
	q3 := randVar(rng, -1, 1, 2, 3, 6)
	k3 := randVar(rng, -1, 1, 2, 3, 6)
	v3 := randVar(rng, -1, 1, 2, 3, 6)
	check(t, "Attention BTC", func(tp *Tape) *Var { return tp.Attention(q3, k3, v3, 2, true) }, q3, k3, v3)
	qkv := randVar(rng, -1, 1, 2, 3, 18)
	check(t, "SelfAttentionQKV", func(tp *Tape) *Var { return tp.SelfAttentionQKV(qkv, 3, true) }, qkv)

	// The fused op agrees with the composition of primitive ops.
	tp := NewTape()
	fused := tp.Attention(q, k, v, 0, true).Value
	s := tp.MulScalar(tp.MatMulT(q, k, false, true), 0.5) // 1/√4
	mask := make([]float32, 2*2*3*3)
	for i := range mask {
		if r, c := (i/3)%3, i%3; c > r {
			mask[i] = -1e9
		}
	}
	m := NewVar(tensorFrom(mask, 2, 2, 3, 3), false)
	ref := tp.MatMul(tp.Softmax(tp.Add(s, m)), v).Value
	if !fused.AllClose(ref, 1e-5, 1e-6) {
		t.Errorf("fused attention %v\nwant %v", fused, ref)
	}
	// The packed form equals the separate one on the same numbers.
	tp2 := NewTape()
	parts := tp2.Split(qkv, 2, 6, 6, 6)
	sep := tp2.Attention(parts[0], parts[1], parts[2], 3, true).Value
	if !tp2.SelfAttentionQKV(qkv, 3, true).Value.AllClose(sep, 1e-6, 1e-6) {
		t.Errorf("packed attention differs from separate q, k, v")
	}
}
