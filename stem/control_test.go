package stem

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tenet-ml/tenet"
)

// bfsHops returns graph distances from atom src on the lattice.
func bfsHops(l *Lattice, src int) []int {
	d := make([]int, len(l.Pos))
	for i := range d {
		d[i] = -1
	}
	d[src] = 0
	q := []int{src}
	for len(q) > 0 {
		i := q[0]
		q = q[1:]
		nb, n := l.Neighbours(i)
		for _, j := range nb[:n] {
			if d[j] < 0 {
				d[j] = d[i] + 1
				q = append(q, j)
			}
		}
	}
	return d
}

func TestHopDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 5))
	for range 5 {
		l := NewLattice(25, rng)
		d := bfsHops(l, l.Si)
		nbIdx, _ := l.SiNeighbours()
		var nb [3]Vec
		for k := range 3 {
			nb[k] = l.Pos[nbIdx[k]]
		}
		for i, p := range l.Pos {
			if p.Norm() > 12 { // BFS distances near the rim may detour less than in the plane
				continue
			}
			if got := HopDistance(l.Pos[l.Si], nb, p); got != d[i] {
				t.Fatalf("HopDistance to %v = %d, BFS %d", p, got, d[i])
			}
		}
		if HopDistance(l.Pos[l.Si], nb, l.Pos[l.Si].Add(Vec{0.3, 0.2})) != -1 {
			t.Fatal("off-lattice goal accepted")
		}
	}
}

func TestNextHopReachesGoal(t *testing.T) {
	// A deterministic mover that always makes the chosen hop reaches the goal in exactly
	// HopDistance steps.
	rng := rand.New(rand.NewPCG(2, 5))
	env := NewEnv(EnvConfig{Truth: DefaultPrior()})
	for range 20 {
		s := env.Reset(rng)
		want := HopDistance(s.Si, s.Neighbours, s.Goal)
		l := env.Lattice()
		steps := 0
		for s.Si.Sub(s.Goal).Norm() > 0.71 {
			k := NextHop(s)
			l.Si = l.Nearest(s.Neighbours[k])
			s = env.state()
			steps++
			if steps > 200 {
				t.Fatal("no progress")
			}
		}
		if steps != want {
			t.Fatalf("took %d hops, distance %d", steps, want)
		}
	}
}

func TestControllerFindsPriorPeak(t *testing.T) {
	c := NewController(DefaultPrior(), ControllerConfig{})
	// The Gaussian prior peaks 0.85 bond lengths along the bond; the other neighbours pull
	// the optimum slightly outwards.
	if c.Best.Sub(Vec{0.85 * BondLength, 0}).Norm() > 0.2 || math.Abs(c.Best.Y) > 0.051 {
		t.Fatalf("best offset %v (value %.4f)", c.Best, c.BestValue)
	}
	var _ tenet.Policy[State, Action] = FixedOffset{}
	var _ tenet.Policy[State, Action] = RandomBeam{}
}

func TestControlOracleBeatsFixed(t *testing.T) {
	episodes := 60
	if testing.Short() {
		episodes = 30
	}
	cfg := EnvConfig{Truth: DefaultPrior(), GoalMin: 5, GoalMax: 12}
	ctx := context.Background()
	oracle, err := Evaluate(ctx, cfg, NewController(DefaultPrior(), ControllerConfig{}), episodes, 9, 2000, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	fixed, _ := Evaluate(ctx, cfg, FixedOffset{}, episodes, 9, 2000, 2, nil)
	rng := rand.New(rand.NewPCG(1, 1))
	so := Summarise(oracle, math.Inf(1), rng)
	sf := Summarise(fixed, math.Inf(1), rng)
	d, se := PairedDifference(fixed, oracle)
	t.Logf("oracle: success %.2f median %.1f s; fixed: success %.2f median %.1f s; fixed − oracle %.1f ± %.1f s", so.Success, so.Median, sf.Success, sf.Median, d, se)
	if so.Success < 1 || sf.Success < 1 {
		t.Fatalf("episodes failed without a budget")
	}
	for _, r := range oracle {
		if r.Return <= 0 || r.Return > 1 || math.Abs(r.Return-math.Pow(0.9967, r.Time)) > 1e-4 {
			t.Fatalf("return %v at time %v", r.Return, r.Time)
		}
	}
}
