package autodiff

import "testing"

// TestFreshGradients covers the operations that assign, rather than accumulate, a gradient new
// to the backward pass: their operands here are intermediates (a leaf's gradient is always
// accumulated), used once, twice in one operation, and again after the assigning operation.
func TestFreshGradients(t *testing.T) {
	rng := newRNG(31)
	x := randVar(rng, -1, 1, 2, 3, 4)
	w := randVar(rng, -1, 1, 4, 5)
	bias := randVar(rng, -1, 1, 4)
	row := randVar(rng, -1, 1, 1, 4)
	col := randVar(rng, -1, 1, 3, 1)
	w2 := randVar(rng, -1, 1, 3, 5)
	flat := randVar(rng, -1, 1, 5)
	for _, c := range []struct {
		name string
		f    func(tp *Tape) *Var
	}{
		{"add same shape", func(tp *Tape) *Var { return tp.Add(tp.Tanh(x), tp.Exp(x)) }},
		{"sub same shape", func(tp *Tape) *Var { return tp.Sub(tp.Tanh(x), tp.Exp(x)) }},
		{"add bias", func(tp *Tape) *Var { return tp.Add(tp.Tanh(x), tp.Tanh(bias)) }},
		{"sub bias first", func(tp *Tape) *Var { return tp.Sub(tp.Tanh(bias), tp.Tanh(x)) }},
		{"sub row", func(tp *Tape) *Var { return tp.Sub(tp.Tanh(x), tp.Exp(row)) }},
		{"add column (fallback)", func(tp *Tape) *Var { return tp.Add(tp.Tanh(x), tp.Exp(col)) }},
		{"mul (fallback)", func(tp *Tape) *Var { return tp.Mul(tp.Tanh(x), tp.Exp(bias)) }},
		{"y+y", func(tp *Tape) *Var { y := tp.Tanh(x); return tp.Add(y, y) }},
		{"y-y*y", func(tp *Tape) *Var { y := tp.Tanh(x); return tp.Sub(y, tp.Mul(y, y)) }},
		{"y reused after add", func(tp *Tape) *Var {
			y := tp.Tanh(x)
			return tp.Mul(tp.Add(y, tp.Exp(x)), y)
		}},
		{"gelu", func(tp *Tape) *Var { return tp.GELU(tp.Mul(x, x)) }},
		{"gelu reused", func(tp *Tape) *Var { y := tp.Tanh(x); return tp.Add(tp.GELU(y), tp.Sigmoid(y)) }},
		{"matmul", func(tp *Tape) *Var { return tp.MatMul(tp.Tanh(x), tp.Exp(w)) }},
		{"matmul reused", func(tp *Tape) *Var {
			y := tp.Tanh(x)
			return tp.Add(tp.MatMulT(y, y, false, true), tp.Sum(y, -1, true))
		}},
		{"matmul transposed", func(tp *Tape) *Var { return tp.MatMulT(tp.Tanh(x), tp.Exp(w2), true, false) }},
		{"reshape", func(tp *Tape) *Var { return tp.Exp(tp.Flatten(tp.Tanh(x))) }},
		{"reshape reused", func(tp *Tape) *Var {
			y := tp.Tanh(x)
			z := tp.Reshape(y, 4, 6)
			return tp.Add(tp.Reshape(tp.Mul(z, z), 2, 3, 4), tp.Exp(y))
		}},
		{"reshape of a leaf", func(tp *Tape) *Var { return tp.Exp(tp.Reshape(x, 6, 4)) }},
		{"add of a same-size operand of another shape", func(tp *Tape) *Var {
			y := tp.Tanh(flat) // (5), added to a (1, 5) operand: the output is (1, 5)
			return tp.Mul(tp.Add(y, tp.Reshape(tp.Exp(flat), 1, 5)), tp.Reshape(y, 1, 5))
		}},
	} {
		check(t, c.name, c.f, x, w, w2, bias, row, col, flat)
	}
}
