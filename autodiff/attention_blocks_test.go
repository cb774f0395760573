package autodiff

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/tenet-ml/tenet/tensor"
)

// naiveAttention computes attention on (B, H, T, D) q and (B, H, Tk, D) k, v in float64, and
// the gradients for the output gradient dy, directly from the definition (full score matrices,
// masked entries excluded).
func naiveAttention(q, k, v, dy []float32, b, h, t, tk, d int, causal bool) (out, dq, dk, dv []float64) {
	out = make([]float64, b*h*t*d)
	dq, dk, dv = make([]float64, len(q)), make([]float64, len(k)), make([]float64, len(v))
	scale := 1 / math.Sqrt(float64(d))
	for bh := range b * h {
		qo, ko := bh*t*d, bh*tk*d
		for i := range t {
			lim := tk
			if causal {
				lim = min(tk, i+tk-t+1)
			}
			s := make([]float64, lim)
			m := math.Inf(-1)
			for j := range lim {
				for x := range d {
					s[j] += float64(q[qo+i*d+x]) * float64(k[ko+j*d+x])
				}
				s[j] *= scale
				m = max(m, s[j])
			}
			var z float64
			for j := range s {
				s[j] = math.Exp(s[j] - m)
				z += s[j]
			}
			dp := make([]float64, lim)
			var dot float64
			for j := range s {
				s[j] /= z
				for x := range d {
					out[qo+i*d+x] += s[j] * float64(v[ko+j*d+x])
					dp[j] += float64(dy[qo+i*d+x]) * float64(v[ko+j*d+x])
					dv[ko+j*d+x] += s[j] * float64(dy[qo+i*d+x])
				}
				dot += s[j] * dp[j]
			}
			for j := range s {
				g := s[j] * (dp[j] - dot) * scale
				for x := range d {
					dq[qo+i*d+x] += g * float64(k[ko+j*d+x])
					dk[ko+j*d+x] += g * float64(q[qo+i*d+x])
				}
			}
		}
	}
	return out, dq, dk, dv
}

// TestAttentionBlocks checks the blocked, parallel attention kernels against the float64
// definition on sizes spanning several row blocks (with a partial last block), causal with and
// without a KV offset and not causal, and that the results do not depend on GOMAXPROCS.
func TestAttentionBlocks(t *testing.T) {
	for _, c := range []struct {
		b, h, t, tk, d int
		causal         bool
	}{
		{2, 3, 40, 40, 8, true},
		{1, 2, 37, 50, 4, true},
		{2, 2, 70, 70, 8, true},
		{1, 3, 33, 45, 8, false},
		{3, 2, 1, 90, 8, true},
		{2, 3, 64, 64, 16, true},
		{1, 3, 48, 64, 24, false},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			rng := newRNG(uint64(c.t*100 + c.tk))
			q := randVar(rng, -2, 2, c.b, c.h, c.t, c.d)
			k := randVar(rng, -2, 2, c.b, c.h, c.tk, c.d)
			v := randVar(rng, -1, 1, c.b, c.h, c.tk, c.d)
			dy := tensor.RandUniform(rng, -1, 1, c.b, c.h, c.t, c.d)
			run := func(procs int) [][]float32 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				q.Grad, k.Grad, v.Grad = nil, nil, nil
				tp := NewTape()
				y := tp.Attention(q, k, v, 0, c.causal)
				tp.BackwardWith(y, dy)
				return [][]float32{y.Value.Clone().Data(), q.Grad.Data(), k.Grad.Data(), v.Grad.Data()}
			}
			one := run(1)
			out, dq, dk, dv := naiveAttention(q.Value.Data(), k.Value.Data(), v.Value.Data(), dy.Data(), c.b, c.h, c.t, c.tk, c.d, c.causal)
			for n, want := range [][]float64{out, dq, dk, dv} {
				for i, w := range want {
					if g := float64(one[n][i]); math.Abs(g-w) > 1e-5+1e-4*math.Abs(w) {
						t.Fatalf("result %d element %d: %v, float64 %v", n, i, g, w)
					}
				}
			}
			for _, procs := range []int{2, 3} {
				many := run(procs)
				for n := range one {
					for i := range one[n] {
						if math.Float32bits(one[n][i]) != math.Float32bits(many[n][i]) {
							t.Fatalf("GOMAXPROCS %d: result %d element %d: %v, %v with 1", procs, n, i, many[n][i], one[n][i])
						}
					}
				}
			}
		})
	}
}
