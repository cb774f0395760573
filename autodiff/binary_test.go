package autodiff

import "testing"

func TestBinaryGradients(t *testing.T) {
	rng := newRNG(1)
	shapes := [][2][]int{
		{{3, 4}, {3, 4}},
		{{3, 4}, {4}},       // bias row
		{{3, 4}, {3, 1}},    // per-row scale
		{{2, 1, 4}, {3, 1}}, // both broadcast
		{{}, {2, 3}},        // scalar
		{{2, 3, 4}, {1, 3, 1}},
	}
	ops := []struct {
		name string
		f    func(tp *Tape, a, b *Var) *Var
	}{
		{"Add", (*Tape).Add}, {"Sub", (*Tape).Sub}, {"Mul", (*Tape).Mul}, {"Div", (*Tape).Div},
		{"Pow", (*Tape).Pow}, {"Maximum", (*Tape).Maximum}, {"Minimum", (*Tape).Minimum},
	}
	for _, op := range ops {
		for _, s := range shapes {
			a := randVar(rng, 0.5, 2, s[0]...)
			b := randVar(rng, 0.5, 2, s[1]...)
			if op.name == "Maximum" || op.name == "Minimum" {
				b = randVar(rng, 3, 4, s[1]...) // keep the operands apart
				if rng.IntN(2) == 0 {
					b = randVar(rng, -1, 0, s[1]...)
				}
			}
			check(t, op.name, func(tp *Tape) *Var { return op.f(tp, a, b) }, a, b)
		}
	}
}

func TestReusedInputs(t *testing.T) {
	rng := newRNG(2)
	x := randVar(rng, -1, 1, 2, 3)
	check(t, "x*x", func(tp *Tape) *Var { return tp.Mul(x, x) }, x)
	check(t, "x+x", func(tp *Tape) *Var { return tp.Add(x, x) }, x)
	check(t, "x-x*x", func(tp *Tape) *Var { return tp.Sub(x, tp.Mul(x, x)) }, x)
	// A diamond: y = tanh(x); z = y*exp(y) + y.
	check(t, "diamond", func(tp *Tape) *Var {
		y := tp.Tanh(x)
		return tp.Add(tp.Mul(y, tp.Exp(y)), y)
	}, x)
}

func TestNoGradRecordsNothing(t *testing.T) {
	rng := newRNG(3)
	a := randVar(rng, -1, 1, 2, 3)
	b := NewVar(a.Value.Clone(), false)
	tp := NewTape()
	if y := tp.Mul(b, b); y.RequiresGrad || tp.Len() != 0 {
		t.Fatalf("op on constants recorded: requiresGrad=%v len=%d", y.RequiresGrad, tp.Len())
	}
	tp.SetGradEnabled(false)
	if y := tp.Mul(a, a); y.RequiresGrad || tp.Len() != 0 {
		t.Fatalf("no-grad tape recorded")
	}
	var nilTape *Tape
	y := nilTape.Exp(nilTape.Mul(a, a))
	if y.RequiresGrad || !y.Value.AllClose(tp.Exp(tp.Mul(a, a)).Value, 0, 0) {
		t.Fatalf("nil tape result differs")
	}
}
