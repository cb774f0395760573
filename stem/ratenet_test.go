package stem

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tenet-ml/tenet/autodiff/nn"
)

func TestNLLGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for range 50 {
		o := []float32{float32(rng.NormFloat64()), float32(rng.NormFloat64()), float32(rng.NormFloat64()), float32(2 * rng.NormFloat64())}
		tr := Transition{Dwell: 0.2 + rng.Float64(), Label: rng.IntN(4) - 1}
		_, g := nllGrad(o, tr)
		for k := range 4 {
			const h = 1e-3
			op, om := append([]float32(nil), o...), append([]float32(nil), o...)
			op[k] += h
			om[k] -= h
			lp, _ := nllGrad(op, tr)
			lm, _ := nllGrad(om, tr)
			num := (lp - lm) / (float64(op[k]) - float64(om[k]))
			if math.Abs(num-g[k]) > 1e-3*(1+math.Abs(num)) {
				t.Fatalf("output %d label %d: analytic %g numeric %g", k, tr.Label, g[k], num)
			}
		}
		// The loss equals TransitionNLL on the rates the outputs describe.
		l, _ := nllGrad(o, tr)
		lam := softplus(float64(o[3])) + 1e-6
		p := softmax3(o[:3])
		if d := math.Abs(l - TransitionNLL(Rates{lam * p[0], lam * p[1], lam * p[2]}, tr)); d > 1e-9 {
			t.Fatalf("loss and TransitionNLL differ by %g", d)
		}
	}
}

func TestRateNetEquivariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	data, _ := SimulateTransitions(DefaultPrior(), 500, DefaultProtocol(), rng)
	for _, aug := range []bool{false, true} {
		net, err := TrainRateNet(context.Background(), data, NetConfig{Epochs: 2, Hidden: []int{16}, Augment: aug}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range 50 {
			off := Vec{rng.Float64()*6 - 3, rng.Float64()*6 - 3}
			a := net.Predict(Query{Offset: off, Dwell: 1})
			b := net.Predict(Query{Offset: off.Rotate(third), Dwell: 1})
			for k := range 3 {
				if math.Abs(a[k]-b[(k+1)%3]) > 1e-5*(1+a[k]) {
					t.Fatalf("augment=%v: rotation: %v vs %v", aug, a, b)
				}
			}
			if !aug {
				c := net.Predict(Query{Offset: Vec{off.X, -off.Y}, Dwell: 1})
				if math.Abs(a[0]-c[0]) > 1e-5*(1+a[0]) || math.Abs(a[1]-c[2]) > 1e-5*(1+a[1]) {
					t.Fatalf("reflection: %v vs %v", a, c)
				}
			}
		}
	}
}

// TestRateNetLearnsPrior trains on simulated transitions from the Gaussian prior and checks the
// held-out excess NLL over the ground truth and the ordering against the baselines. The full
// 20,000-transition reproduction runs in examples/stem.
func TestRateNetLearnsPrior(t *testing.T) {
	n := 6000
	if testing.Short() {
		n = 3000
	}
	rng := rand.New(rand.NewPCG(10, 20))
	truth := DefaultPrior()
	train, _ := SimulateTransitions(truth, n, DefaultProtocol(), rng)
	test, _ := SimulateTransitions(truth, 4000, DefaultProtocol(), rng)
	net, err := TrainRateNet(context.Background(), train, NetConfig{Epochs: 40, Hidden: []int{32, 32}, Activation: nn.Swish, Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ex, se := ExcessNLL(net, truth, test)
	exC, _ := ExcessNLL(FitConstant(train), truth, test)
	exK, _ := ExcessNLL(FitKNN(train), truth, test)
	exH, _ := ExcessNLL(FitHistogram(train), truth, test)
	cal := HopCalibration(net, test, 10)
	t.Logf("excess NLL: net %.4f±%.4f, constant %.4f, kNN %.4f, histogram %.4f; ECE %.4f", ex, se, exC, exK, exH, cal.ECE)
	if ex > 0.03 || ex > exK || ex > exH || ex > exC {
		t.Errorf("net excess %.4f not below 0.03 and the baselines", ex)
	}
	if cal.ECE > 0.03 {
		t.Errorf("ECE %.4f", cal.ECE)
	}
}
