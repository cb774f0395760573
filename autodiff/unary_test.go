package autodiff

import "testing"

func TestUnaryGradients(t *testing.T) {
	rng := newRNG(4)
	cases := []struct {
		name   string
		lo, hi float32
		kinks  []float32
		f      func(tp *Tape, x *Var) *Var
	}{
		{"Neg", -2, 2, nil, (*Tape).Neg},
		{"Abs", -2, 2, []float32{0}, (*Tape).Abs},
		{"Exp", -2, 2, nil, (*Tape).Exp},
		{"Log", 0.5, 3, nil, (*Tape).Log},
		{"Sqrt", 0.5, 3, nil, (*Tape).Sqrt},
		{"Square", -2, 2, nil, (*Tape).Square},
		{"Tanh", -2, 2, nil, (*Tape).Tanh},
		{"Sigmoid", -4, 4, nil, (*Tape).Sigmoid},
		{"ReLU", -2, 2, []float32{0}, (*Tape).ReLU},
		{"GELU", -3, 3, nil, (*Tape).GELU},
		{"GELUErf", -3, 3, nil, (*Tape).GELUErf},
		{"Softplus", -4, 4, nil, (*Tape).Softplus},
		{"Swish", -4, 4, nil, (*Tape).Swish},
		{"AddScalar", -2, 2, nil, func(tp *Tape, x *Var) *Var { return tp.AddScalar(x, 1.5) }},
		{"MulScalar", -2, 2, nil, func(tp *Tape, x *Var) *Var { return tp.MulScalar(x, -0.7) }},
		{"PowScalar", 0.5, 2, nil, func(tp *Tape, x *Var) *Var { return tp.PowScalar(x, 2.5) }},
		{"Clamp", -2, 2, []float32{-1, 1}, func(tp *Tape, x *Var) *Var { return tp.Clamp(x, -1, 1) }},
	}
	for _, c := range cases {
		x := awayFrom(randVar(rng, c.lo, c.hi, 3, 5), 0.05, c.kinks...)
		check(t, c.name, func(tp *Tape) *Var { return c.f(tp, x) }, x)
	}
}
