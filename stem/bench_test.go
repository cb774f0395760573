package stem

import (
	"context"
	"math/rand/v2"
	"testing"
)

func BenchmarkSimulateDwell(b *testing.B) {
	l := NewLatticeAt(10, 0.1, Vec{})
	rng := rand.New(rand.NewPCG(1, 1))
	m := DefaultPrior()
	var hops []Hop
	b.ReportAllocs()
	for b.Loop() {
		l.Si = l.Nearest(Vec{})
		hops = SimulateDwell(l, m, Beam{Pos: Vec{1, 0.2}, Dwell: 1}, rng, hops[:0])
	}
}

func BenchmarkRenderDetect(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	l := NewLattice(14, rng)
	cfg := DefaultImaging()
	f, atoms := syntheticFrame(l, cfg, rng)
	_ = f
	b.ReportAllocs()
	for b.Loop() {
		DetectAtoms(Render(atoms, cfg, rng), DefaultDetect())
	}
}

func BenchmarkAlign(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	l := NewLattice(12, rng)
	shifted := make([]Vec, len(l.Pos))
	for i, p := range l.Pos {
		shifted[i] = p.Add(Vec{0.3, -0.2})
	}
	b.ReportAllocs()
	for b.Loop() {
		Align(l.Pos, shifted, 1.3)
	}
}

func BenchmarkRateNetPredictBatch(b *testing.B) {
	data, _ := SimulateTransitions(DefaultPrior(), 500, DefaultProtocol(), rand.New(rand.NewPCG(1, 2)))
	net, _ := TrainRateNet(context.Background(), data, NetConfig{Epochs: 1}, nil)
	qs := make([]Query, 1024)
	for i := range qs {
		qs[i] = Query{Offset: Vec{float64(i%32) * 0.1, float64(i/32) * 0.1}, Dwell: 1}
	}
	b.ReportAllocs()
	for b.Loop() {
		net.PredictBatch(qs)
	}
}

func BenchmarkTrainEpoch(b *testing.B) {
	data, _ := SimulateTransitions(DefaultPrior(), 20000, DefaultProtocol(), rand.New(rand.NewPCG(1, 2)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := TrainRateNet(context.Background(), data, NetConfig{Epochs: 1}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
