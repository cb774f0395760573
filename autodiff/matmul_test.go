package autodiff

import "testing"

func TestMatMulGradients(t *testing.T) {
	rng := newRNG(5)
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		ta, tb := tr[0], tr[1]
		sa := func(m, k int, batch ...int) []int {
			if ta {
				m, k = k, m
			}
			return append(batch, m, k)
		}
		sb := func(k, n int, batch ...int) []int {
			if tb {
				k, n = n, k
			}
			return append(batch, k, n)
		}
		// 2-D, batched, shared b, and 4-D batched.
		for _, c := range []struct{ a, b []int }{
			{sa(3, 4), sb(4, 5)},
			{sa(3, 4, 2), sb(4, 5, 2)},
			{sa(3, 4, 2), sb(4, 5)},
			{sa(2, 3, 2, 2), sb(3, 2, 2, 2)},
		} {
			a, b := randVar(rng, -1, 1, c.a...), randVar(rng, -1, 1, c.b...)
			check(t, "MatMulT", func(tp *Tape) *Var { return tp.MatMulT(a, b, ta, tb) }, a, b)
		}
	}
	a := randVar(rng, -1, 1, 3, 3)
	check(t, "a·a", func(tp *Tape) *Var { return tp.MatMul(a, a) }, a)
}
