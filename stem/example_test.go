package stem_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/tenet-ml/tenet/stem"
)

// The Gaussian prior peaks 0.85 bond lengths along each Si→C bond.
func ExampleGaussianPrior() {
	prior := stem.DefaultPrior()
	r := prior.Predict(stem.Query{Offset: stem.Vec{X: 0.85 * stem.BondLength}, Dwell: 1})
	fmt.Printf("rates %.4f %.4f %.4f s⁻¹, P(hop within 1 s) = %.3f\n", r[0], r[1], r[2], -math.Expm1(-r.Total()))
	// Output: rates 0.2310 0.0000 0.0000 s⁻¹, P(hop within 1 s) = 0.206
}

// One beam dwell of kinetic Monte Carlo: a strong beam between the silicon and a neighbour
// makes the dopant hop back and forth.
func ExampleSimulateDwell() {
	l := stem.NewLatticeAt(10, 0, stem.Vec{})
	nb, _ := l.SiNeighbours()
	start := l.Si
	beam := l.Pos[l.Si].Add(l.Pos[nb[0]]).Scale(0.5)
	hops := stem.SimulateDwell(l, stem.Falloff{Peak: 2}, stem.Beam{Pos: beam, Dwell: 5}, rand.New(rand.NewPCG(1, 2)), nil)
	fmt.Println(len(hops) > 1, hops[0].From == start, hops[0].To == nb[0])
	// Output: true true true
}

// Frames become transitions: detect the atoms of each frame, then extract.
func ExampleExtract() {
	rng := rand.New(rand.NewPCG(3, 4))
	series := stem.SimulateSeries(stem.RecordConfig{Truth: stem.DefaultPrior(), SeriesLength: 20}, false, rng)
	var stats stem.PipelineStats
	tr := stem.Extract(series.Atoms, series.Beams, stem.PipelineConfig{}, &stats)
	fmt.Println(len(tr) == stats.Kept, stats.Pairs == len(series.Atoms)-1)
	for _, t := range tr {
		if a := t.Offset.Angle(); a < 0 || a > math.Pi/3+1e-9 {
			fmt.Println("offset outside the canonical wedge")
		}
	}
	// Output: true true
}

// Train the transition model on simulated transitions and compare it with the floor.
func ExampleTrainRateNet() {
	rng := rand.New(rand.NewPCG(5, 6))
	truth := stem.DefaultPrior()
	train, _ := stem.SimulateTransitions(truth, 3000, stem.DefaultProtocol(), rng)
	test, _ := stem.SimulateTransitions(truth, 2000, stem.DefaultProtocol(), rng)
	net, err := stem.TrainRateNet(context.Background(), train, stem.NetConfig{Epochs: 20, Hidden: []int{32, 32}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	excess, _ := stem.ExcessNLL(net, truth, test)
	fmt.Println("excess NLL below 0.02:", excess < 0.02)
	// Output: excess NLL below 0.02: true
}

// A controller built on the true rates (the oracle) steers the silicon to its goal.
func ExampleController() {
	truth := stem.DefaultPrior()
	ctrl := stem.NewController(truth, stem.ControllerConfig{Dwell: 1})
	env := stem.NewEnv(stem.EnvConfig{Truth: truth, GoalMin: 5, GoalMax: 8})
	res := stem.RunEpisode(env, ctrl, rand.New(rand.NewPCG(7, 8)), 1000, false)
	fmt.Printf("beam %.2f Å along the bond; reached %v in %d lattice hops\n", ctrl.Best.X, res.Reached, res.Hops)
	// Output: beam 1.20 Å along the bond; reached true in 6 lattice hops
}

// The shortest lattice path between two sites, in closed form.
func ExampleHopDistance() {
	l := stem.NewLatticeAt(10, 0, stem.Vec{})
	nbIdx, _ := l.SiNeighbours()
	var nb [3]stem.Vec
	for k := range 3 {
		nb[k] = l.Pos[nbIdx[k]]
	}
	si := l.Pos[l.Si]
	fmt.Println(stem.HopDistance(si, nb, nb[0]), stem.HopDistance(si, nb, si.Add(stem.Vec{X: 3 * stem.BondLength * math.Sqrt(3)})))
	// Output: 1 6
}

// Atom detection on a synthetic frame finds the silicon by its Z-contrast.
func ExampleDetectAtoms() {
	rng := rand.New(rand.NewPCG(9, 10))
	l := stem.NewLatticeAt(14, 0.2, stem.Vec{})
	var atoms []stem.Atom
	for i, p := range l.Pos {
		z := stem.Carbon
		if i == l.Si {
			z = stem.Silicon
		}
		atoms = append(atoms, stem.Atom{Pos: p.Add(stem.Vec{X: 8, Y: 8}), Z: z})
	}
	f := stem.Render(atoms, stem.DefaultImaging(), rng)
	got := stem.DetectAtoms(f, stem.DefaultDetect())
	sorted := slices.Sorted(slices.Values(got.Intensity))
	median := sorted[len(sorted)/2]
	si := l.Pos[l.Si].Add(stem.Vec{X: 8, Y: 8})
	bright, nearSi := 0, false
	for i, v := range got.Intensity {
		if v > 2*median {
			bright++
			nearSi = got.Pos[i].Sub(si).Norm() < 0.2
		}
	}
	fmt.Println("one bright atom:", bright == 1, "at the silicon:", nearSi, "atoms:", len(got.Pos) > 80)
	// Output: one bright atom: true at the silicon: true atoms: true
}

// A beam log in the documented CSV format.
func ExampleReadBeamLog() {
	log := "time,x,y,dwell,current,voltage\n0,8.1,7.9,1,50,60\n1.5,9.0,8.2,1,50,60\n"
	recs, err := stem.ReadBeamLog(strings.NewReader(log))
	fmt.Println(len(recs), recs[1].X, err)
	// Output: 2 9 <nil>
}
