package distill

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/tensor"
)

// allDivergences lists the divergences every property test runs over.
var allDivergences = []Divergence{
	NewForwardKL(), NewReverseKL(), NewJSD(0.1), NewJSD(0.5), NewJSD(0.9), NewTVD(),
	{Kind: ForwardKL, Temperature: 2}, {Kind: JSD, Beta: 0.3, Temperature: 0.5},
}

func logits(p ...float64) []float32 {
	z := make([]float32, len(p))
	for i, v := range p {
		z[i] = float32(math.Log(v))
	}
	return z
}

func randomLogits(rng *rand.Rand, n int, scale float64) []float32 {
	z := make([]float32, n)
	for i := range z {
		z[i] = float32(rng.NormFloat64() * scale)
	}
	return z
}

func TestClosedForms(t *testing.T) {
	ln2 := math.Ln2
	p := []float64{0.5, 0.25, 0.25}
	q := []float64{0.25, 0.5, 0.25}
	// JSD(0.5): M = (0.375, 0.375, 0.25).
	jsdHalf := 0.5*(0.5*math.Log(4.0/3)+0.25*math.Log(2.0/3)) +
		0.5*(0.25*math.Log(2.0/3)+0.5*math.Log(4.0/3))
	// Four tokens: P = (0.7, 0.1, 0.1, 0.1), Q uniform; M(β=0.2) = 0.2P + 0.8Q.
	p4 := []float64{0.7, 0.1, 0.1, 0.1}
	q4 := []float64{0.25, 0.25, 0.25, 0.25}
	m4 := []float64{0.34, 0.22, 0.22, 0.22}
	jsd02 := 0.2*(0.7*math.Log(0.7/0.34)+3*0.1*math.Log(0.1/0.22)) +
		0.8*(0.25*math.Log(0.25/0.34)+3*0.25*math.Log(0.25/0.22))
	// Five tokens, one-hot against uniform.
	oneHot := []float32{0, float32(math.Inf(-1)), float32(math.Inf(-1)), float32(math.Inf(-1)), float32(math.Inf(-1))}
	uniform := make([]float32, 5)
	// Disjoint supports.
	inf := float32(math.Inf(-1))
	left := []float32{0, 0, inf, inf}
	right := []float32{inf, inf, 0, 0}
	binaryEntropy := func(b float64) float64 { return -b*math.Log(b) - (1-b)*math.Log(1-b) }

	cases := []struct {
		name       string
		d          Divergence
		teacher, s []float32
		want       float64
	}{
		{"FKL", NewForwardKL(), logits(p...), logits(q...), 0.25 * ln2},
		{"RKL", NewReverseKL(), logits(p...), logits(q...), 0.25 * ln2},
		{"TVD", NewTVD(), logits(p...), logits(q...), 0.25},
		{"JSD(0.5)", NewJSD(0.5), logits(p...), logits(q...), jsdHalf},
		{"FKL4", NewForwardKL(), logits(p4...), logits(q4...), 0.7*math.Log(0.7/0.25) + 0.3*math.Log(0.1/0.25)},
		{"RKL4", NewReverseKL(), logits(p4...), logits(q4...), 0.25*math.Log(0.25/0.7) + 0.75*math.Log(0.25/0.1)},
		{"JSD(0.2)4", NewJSD(0.2), logits(p4...), logits(q4...), jsd02},
		{"TVD4", NewTVD(), logits(p4...), logits(q4...), 0.45},
		{"FKL one-hot‖uniform", NewForwardKL(), oneHot, uniform, math.Log(5)},
		{"RKL uniform‖one-hot", NewReverseKL(), uniform, oneHot, math.Log(5)},
		{"TVD one-hot, uniform", NewTVD(), oneHot, uniform, 0.8},
		{"JSD(0.5) disjoint", NewJSD(0.5), left, right, ln2},
		{"JSD(0.3) disjoint", NewJSD(0.3), left, right, binaryEntropy(0.3)},
		{"TVD disjoint", NewTVD(), left, right, 1},
		{"FKL disjoint", NewForwardKL(), left, right, math.Inf(1)},
		{"FKL T=2", Divergence{Kind: ForwardKL, Temperature: 2}, logits(0.64, 0.36), logits(0.36, 0.64),
			// softmax(log p / 2) ∝ √p: (0.8, 0.6)/1.4.
			4.0/7*math.Log(4.0/3) + 3.0/7*math.Log(3.0/4)},
	}
	for _, c := range cases {
		got := c.d.Row(nil, c.teacher, c.s)
		if math.IsInf(c.want, 1) {
			if !math.IsInf(got, 1) {
				t.Errorf("%s = %v, want +Inf", c.name, got)
			}
			continue
		}
		if math.Abs(got-c.want) > 1e-6 {
			t.Errorf("%s = %.9f, want %.9f", c.name, got, c.want)
		}
	}
	_ = m4
}

func TestBetweenMatchesRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, d := range allDivergences[:6] {
		for range 20 {
			zt, zs := randomLogits(rng, 7, 2), randomLogits(rng, 7, 2)
			p, q := softmax32(zt), softmax32(zs)
			a, b := d.Row(nil, zt, zs), d.Between(p, q)
			if math.Abs(a-b) > 1e-6 {
				t.Errorf("%v: Row %v, Between %v", d, a, b)
			}
		}
	}
}

func softmax32(z []float32) []float32 {
	lp, p64 := make([]float64, len(z)), make([]float64, len(z))
	logSoftmax(lp, p64, z, 1)
	p := make([]float32, len(z))
	for i, v := range p64 {
		p[i] = float32(v)
	}
	return p
}

// TestGradientsFiniteDifferences checks every divergence's gradient against central
// differences of its float64 value.
func TestGradientsFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, d := range allDivergences {
		for trial := range 10 {
			n := 3 + trial%4
			zt, zs := randomLogits(rng, n, 1.5), randomLogits(rng, n, 1.5)
			grad := make([]float32, n)
			d.Row(grad, zt, zs)
			for j := range zs {
				orig := zs[j]
				h := float32(1e-2)
				zs[j] = orig + h
				up := d.Row(nil, zt, zs)
				hi := zs[j]
				zs[j] = orig - h
				down := d.Row(nil, zt, zs)
				lo := zs[j]
				zs[j] = orig
				num := (up - down) / float64(hi-lo)
				if math.Abs(num-float64(grad[j])) > 2e-4+1e-3*math.Abs(num) {
					t.Errorf("%v trial %d: ∂D/∂z[%d] = %v, finite difference %v", d, trial, j, grad[j], num)
				}
			}
		}
	}
}

func TestForwardKLGradientClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 10 {
		zt, zs := randomLogits(rng, 5, 3), randomLogits(rng, 5, 3)
		p, q := softmax32(zt), softmax32(zs)
		grad := make([]float32, 5)
		NewForwardKL().Row(grad, zt, zs)
		for i := range grad {
			if want := q[i] - p[i]; math.Abs(float64(grad[i]-want)) > 1e-6 {
				t.Errorf("∂FKL/∂z[%d] = %v, want softmax(z) − p = %v", i, grad[i], want)
			}
		}
		// At temperature T the gradient is (q_T − p_T)/T.
		d := Divergence{Kind: ForwardKL, Temperature: 3}
		d.Row(grad, zt, zs)
		pt, qt := softmax32(scale32(zt, 1.0/3)), softmax32(scale32(zs, 1.0/3))
		for i := range grad {
			if want := (qt[i] - pt[i]) / 3; math.Abs(float64(grad[i]-want)) > 1e-6 {
				t.Errorf("T=3: ∂FKL/∂z[%d] = %v, want %v", i, grad[i], want)
			}
		}
	}
}

func scale32(z []float32, c float64) []float32 {
	out := make([]float32, len(z))
	for i, v := range z {
		out[i] = float32(float64(v) * c)
	}
	return out
}

func TestNonNegativeAndZeroIffEqual(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, d := range allDivergences {
		for range 200 {
			n := 2 + rng.IntN(6)
			zt, zs := randomLogits(rng, n, 2), randomLogits(rng, n, 2)
			if v := d.Row(nil, zt, zs); !(v > 1e-9) {
				t.Fatalf("%v: D(P‖Q) = %v for P ≠ Q, want > 0", d, v)
			}
			// Equal distributions, also through a shift of the logits.
			shifted := make([]float32, n)
			for i := range zt {
				shifted[i] = zt[i] + 1.5
			}
			if v := d.Row(nil, zt, zt); v > 1e-14 {
				t.Fatalf("%v: D(P‖P) = %v for identical logits, want 0", d, v)
			}
			grad := make([]float32, n)
			if v := d.Row(grad, zt, shifted); v < 0 || v > 1e-7 {
				t.Fatalf("%v: D(P‖P) = %v, want 0", d, v)
			}
			if d.Kind == TVD {
				// |p − q| has no derivative at p = q: rounding picks a side.
				d.Row(grad, zt, zt)
			}
			for i, g := range grad {
				if math.Abs(float64(g)) > 1e-6 {
					t.Fatalf("%v: gradient at P = Q is %v at %d, want 0", d, g, i)
				}
			}
		}
	}
}

func TestJSDProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	half := NewJSD(0.5)
	for range 200 {
		n := 2 + rng.IntN(8)
		a, b := randomLogits(rng, n, 4), randomLogits(rng, n, 4)
		ab, ba := half.Row(nil, a, b), half.Row(nil, b, a)
		if math.Abs(ab-ba) > 1e-12 {
			t.Fatalf("JSD(0.5) not symmetric: %v vs %v", ab, ba)
		}
		if ab > math.Ln2+1e-12 {
			t.Fatalf("JSD(0.5) = %v > log 2", ab)
		}
		// β = 0 and 1 are the KLs exactly; small β behaves as β·KL.
		if x, y := NewJSD(0).Row(nil, a, b), NewForwardKL().Row(nil, a, b); x != y {
			t.Fatalf("JSD(0) = %v, FKL = %v", x, y)
		}
		if x, y := NewJSD(1).Row(nil, a, b), NewReverseKL().Row(nil, a, b); x != y {
			t.Fatalf("JSD(1) = %v, RKL = %v", x, y)
		}
		const eps = 1e-6
		a, b = randomLogits(rng, n, 1), randomLogits(rng, n, 1)
		fkl, rkl := NewForwardKL().Row(nil, a, b), NewReverseKL().Row(nil, a, b)
		if r := NewJSD(eps).Row(nil, a, b) / eps; math.Abs(r-fkl) > 1e-3*(1+fkl) {
			t.Fatalf("JSD(β)/β = %v as β→0, want FKL %v", r, fkl)
		}
		if r := NewJSD(1-eps).Row(nil, a, b) / eps; math.Abs(r-rkl) > 1e-3*(1+rkl) {
			t.Fatalf("JSD(β)/(1−β) = %v as β→1, want RKL %v", r, rkl)
		}
	}
}

func TestBatchMask(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const n, v = 9, 6
	teacher := randomLogits(rng, n*v, 2)
	student := randomLogits(rng, n*v, 2)
	mask := []float32{1, 0, 1, 1, 0, 2, 1, 0, 1}
	// Masked rows are never read: poison them.
	for i, w := range mask {
		if w == 0 {
			for j := range v {
				teacher[i*v+j] = float32(math.NaN())
			}
		}
	}
	for _, d := range allDivergences {
		grad := make([]float32, n*v)
		for i := range grad {
			grad[i] = 7
		}
		got := d.Batch(grad, teacher, student, v, mask)
		var want, wsum float64
		for i, w := range mask {
			if w == 0 {
				for j := range v {
					if grad[i*v+j] != 0 {
						t.Fatalf("%v: masked row %d has gradient %v", d, i, grad[i*v+j])
					}
				}
				continue
			}
			rg := make([]float32, v)
			want += float64(w) * d.Row(rg, teacher[i*v:(i+1)*v], student[i*v:(i+1)*v])
			wsum += float64(w)
			for j := range v {
				if e := float64(rg[j]) * float64(w) / 7; math.Abs(float64(grad[i*v+j])-e) > 1e-7 {
					t.Fatalf("%v: row %d grad %v, want %v", d, i, grad[i*v+j], e)
				}
			}
		}
		want /= wsum
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%v: Batch = %v, want weighted mean %v", d, got, want)
		}
	}
	if v := NewForwardKL().Batch(nil, teacher, student, v, make([]float32, n)); v != 0 {
		t.Errorf("all-masked Batch = %v, want 0", v)
	}
}

func TestBatchDeterministicAcrossProcs(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const n, v = 300, 128
	teacher, student := randomLogits(rng, n*v, 2), randomLogits(rng, n*v, 2)
	d := NewJSD(0.5)
	g1, g2 := make([]float32, n*v), make([]float32, n*v)
	prev := runtime.GOMAXPROCS(1)
	a := d.Batch(g1, teacher, student, v, nil)
	runtime.GOMAXPROCS(4)
	b := d.Batch(g2, teacher, student, v, nil)
	runtime.GOMAXPROCS(prev)
	if a != b {
		t.Fatalf("Batch depends on GOMAXPROCS: %v vs %v", a, b)
	}
	for i := range g1 {
		if g1[i] != g2[i] {
			t.Fatalf("gradient %d differs: %v vs %v", i, g1[i], g2[i])
		}
	}
}

func TestLossOnTape(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	const b, tt, v = 2, 3, 5
	teacher := tensor.FromSlice(randomLogits(rng, b*tt*v, 2), b, tt, v)
	mask := []float32{1, 1, 0, 1, 0, 1}
	for _, d := range allDivergences {
		x := autodiff.NewVar(tensor.FromSlice(randomLogits(rng, b*tt*v, 2), b, tt, v), true)
		tp := autodiff.NewTape()
		loss := d.Loss(tp, x, teacher, mask)
		want := d.Batch(nil, teacher.Data(), x.Value.Data(), v, mask)
		if got := loss.Value.Data()[0]; got != float32(want) {
			t.Errorf("%v: Loss value %v, want %v", d, got, want)
		}
		err := autodiff.GradCheck(func(tp *autodiff.Tape) *autodiff.Var {
			return d.Loss(tp, x, teacher, mask)
		}, []*autodiff.Var{x}, &autodiff.GradCheckOptions{Step: 1e-2, Atol: 2e-4, Rtol: 1e-2})
		if err != nil {
			t.Errorf("%v: %v", d, err)
		}
		// Without recording the loss is a constant with the same value.
		c := d.Loss(nil, x, teacher, mask)
		if c.RequiresGrad || c.Value.Data()[0] != float32(want) {
			t.Errorf("%v: nil-tape Loss = %v (requires grad %v)", d, c.Value.Data()[0], c.RequiresGrad)
		}
	}
}

func TestValidate(t *testing.T) {
	bad := []Divergence{{}, {Kind: JSD, Beta: -0.1}, {Kind: JSD, Beta: 1.5}, {Kind: JSD, Beta: math.NaN()},
		{Kind: ForwardKL, Temperature: -1}, {Kind: Kind(9)}}
	for _, d := range bad {
		if d.Validate() == nil {
			t.Errorf("%+v: Validate accepted it", d)
		}
	}
	for _, d := range allDivergences {
		if err := d.Validate(); err != nil {
			t.Errorf("%v: %v", d, err)
		}
	}
	if s := NewJSD(0.9).String(); s != "JSD(0.9)" {
		t.Errorf("String = %q", s)
	}
}

// BenchmarkDivergence times one forward+backward evaluation on a 32×64 batch of
// vocabulary-512 rows, the reference size.
func BenchmarkDivergence(b *testing.B) {
	const rows, v = 32 * 64, 512
	rng := rand.New(rand.NewPCG(1, 1))
	teacher, student := randomLogits(rng, rows*v, 2), randomLogits(rng, rows*v, 2)
	grad := make([]float32, rows*v)
	for _, d := range []Divergence{NewForwardKL(), NewReverseKL(), NewJSD(0.5), NewTVD()} {
		b.Run(fmt.Sprint(d), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(rows * v * 4))
			for b.Loop() {
				d.Batch(grad, teacher, student, v, nil)
			}
		})
	}
}
