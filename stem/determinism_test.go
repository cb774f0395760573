package stem

import (
	"context"
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"testing"
)

var long = flag.Bool("long", false, "run the full 20,000-transition reproduction")

func TestRecordIndependentOfWorkers(t *testing.T) {
	cfg := RecordConfig{Truth: DefaultPrior(), SeriesLength: 6}
	a, err := Record(context.Background(), cfg, 30, 5, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Record(context.Background(), cfg, 30, 5, 3, nil)
	if len(a) != len(b) {
		t.Fatalf("%d vs %d series", len(a), len(b))
	}
	for i := range a {
		if len(a[i].Beams) != len(b[i].Beams) || len(a[i].Atoms[0].Pos) != len(b[i].Atoms[0].Pos) {
			t.Fatalf("series %d differs", i)
		}
		for j := range a[i].Beams {
			if a[i].Beams[j] != b[i].Beams[j] {
				t.Fatalf("series %d beam %d differs", i, j)
			}
		}
	}
}

func TestEnsembleIndependentOfWorkers(t *testing.T) {
	data, _ := SimulateTransitions(DefaultPrior(), 600, DefaultProtocol(), rand.New(rand.NewPCG(1, 2)))
	cfg := NetConfig{Epochs: 2, Hidden: []int{8}, Seed: 3}
	a, err := TrainEnsemble(context.Background(), data, cfg, 3, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := TrainEnsemble(context.Background(), data, cfg, 3, 2, nil)
	q := Query{Offset: Vec{1, 0.3}, Dwell: 1}
	if a.Predict(q) != b.Predict(q) {
		t.Fatalf("%v vs %v", a.Predict(q), b.Predict(q))
	}
	if a.Members[0].Predict(q) == a.Members[1].Predict(q) {
		t.Fatal("members identical")
	}
}

func TestCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data, _ := SimulateTransitions(DefaultPrior(), 300, DefaultProtocol(), rand.New(rand.NewPCG(1, 2)))
	if _, err := TrainRateNet(ctx, data, NetConfig{Epochs: 5}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("TrainRateNet: %v", err)
	}
	if _, err := Record(ctx, RecordConfig{Truth: DefaultPrior()}, 100, 1, 2, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Record: %v", err)
	}
	if _, err := Evaluate(ctx, EnvConfig{Truth: DefaultPrior()}, FixedOffset{}, 10, 1, 100, 2, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Evaluate: %v", err)
	}
}

// TestLongReproduction is the target on the image pipeline: 20,000 transitions from
// imaged frames under the Gaussian prior, held-out excess NLL ≤ 0.02 and below the baselines,
// and the learned controller within 20% of the oracle. Run it with
// go test ./stem -run LongReproduction -args -long (a few minutes).
func TestLongReproduction(t *testing.T) {
	if !*long {
		t.Skip("run with -long")
	}
	ctx := context.Background()
	truth := DefaultPrior()
	series, err := Record(ctx, RecordConfig{Truth: truth}, 26000, 1, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	var data []Transition
	for _, s := range series {
		data = append(data, Extract(s.Atoms, s.Beams, PipelineConfig{}, nil)...)
	}
	if len(data) < 24000 {
		t.Fatalf("only %d transitions kept", len(data))
	}
	train, test := data[:20000], data[20000:]
	net, err := TrainRateNet(ctx, train, NetConfig{Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ex, se := ExcessNLL(net, truth, test)
	nllNet, _ := MeanNLL(net, test)
	for name, b := range map[string]RateModel{"constant": FitConstant(train), "knn": FitKNN(train), "histogram": FitHistogram(train)} {
		if nb, _ := MeanNLL(b, test); nb <= nllNet {
			t.Errorf("%s NLL %.5f not above the network's %.5f", name, nb, nllNet)
		}
	}
	t.Logf("excess NLL %.5f ± %.5f", ex, se)
	if ex > 0.02 {
		t.Errorf("excess NLL %.4f > 0.02", ex)
	}
	env := EnvConfig{Truth: truth, GoalMin: 5, GoalMax: 30}
	o, _ := Evaluate(ctx, env, NewController(truth, ControllerConfig{}), 200, 4242, 1e5, 2, nil)
	l, _ := Evaluate(ctx, env, NewController(net, ControllerConfig{}), 200, 4242, 1e5, 2, nil)
	rng := rand.New(rand.NewPCG(1, 1))
	so := Summarise(o, math.Inf(1), rng)
	sl := Summarise(l, 3*so.Median, rng)
	t.Logf("oracle median %.1f s, learned median %.1f s, learned success %.3f", so.Median, sl.Median, sl.Success)
	if sl.Success < 0.95 || math.Abs(sl.Median/so.Median-1) > 0.2 {
		t.Errorf("learned controller: success %.3f, median %.1f vs %.1f", sl.Success, sl.Median, so.Median)
	}
}
