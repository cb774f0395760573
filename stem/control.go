package stem

import (
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet"
)

// HopDistance returns the number of bond inversions needed to move a silicon at si, whose
// neighbours are nb, to the lattice site goal of the same honeycomb: the shortest-path length
// in the lattice graph, in closed form. With bond vectors e_k = nb_k − si the silicon's
// sublattice A has neighbours at +e_k and the other sublattice B at −e_k; two hops make one
// step of the triangular lattice spanned by a₁ = e₀ − e₁ and a₂ = e₀ − e₂, whose hexagonal
// distance is (|i| + |j| + |i + j|)/2 in those coordinates. So an A site i·a₁ + j·a₂ away is
// 2·h(i, j) hops away and a B site i·a₁ + j·a₂ + e₀ away is 1 + 2·min(h(i,j), h(i+1,j),
// h(i,j+1)) hops away. It returns −1 when goal is more than 0.25 Å from every site.
func HopDistance(si Vec, nb [3]Vec, goal Vec) int {
	e0, e1, e2 := nb[0].Sub(si), nb[1].Sub(si), nb[2].Sub(si)
	a1, a2 := e0.Sub(e1), e0.Sub(e2)
	det := a1.X*a2.Y - a1.Y*a2.X
	if math.Abs(det) < 1e-9 {
		return -1
	}
	solve := func(d Vec) (int, int, bool) {
		fi := (d.X*a2.Y - d.Y*a2.X) / det
		fj := (a1.X*d.Y - a1.Y*d.X) / det
		i, j := math.Round(fi), math.Round(fj)
		res := d.Sub(a1.Scale(i)).Sub(a2.Scale(j)).Norm()
		return int(i), int(j), res < 0.25
	}
	h := func(i, j int) int { return (abs(i) + abs(j) + abs(i+j)) / 2 }
	d := goal.Sub(si)
	if i, j, ok := solve(d); ok {
		return 2 * h(i, j)
	}
	if i, j, ok := solve(d.Sub(e0)); ok {
		return 1 + 2*min(h(i, j), h(i+1, j), h(i, j+1))
	}
	return -1
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// NextHop returns the neighbour (index into s.Neighbours) to move the silicon to on a shortest
// lattice path to the goal; ties go to the neighbour nearer the goal in straight-line
// distance.
func NextHop(s State) int {
	best, bestD, bestE := 0, math.MaxInt, math.Inf(1)
	for k := range 3 {
		// Neighbour k is on the other sublattice: its bond vectors are −e_j.
		n := s.Neighbours[k]
		var rev [3]Vec
		for j := range 3 {
			rev[j] = n.Sub(s.Neighbours[j].Sub(s.Si))
		}
		d := HopDistance(n, rev, s.Goal)
		if d < 0 {
			d = math.MaxInt / 2
		}
		e := s.Goal.Sub(n).Norm()
		if d < bestD || (d == bestD && e < bestE) {
			best, bestD, bestE = k, d, e
		}
	}
	return best
}

// siteFrame returns the rotation angle that carries the site frame of neighbour k (neighbour k
// on +x, the next counter-clockwise at 120°) to the material frame.
func siteFrame(s State, k int) float64 { return s.Neighbours[k].Sub(s.Si).Angle() }

// Objective is what a Controller maximises when it places the beam for the desired hop.
type Objective int

const (
	// HopProbability maximises the probability that the first hop of the dwell goes to the
	// desired neighbour, λ_k/Λ·(1 − e^{−Λt}).
	HopProbability Objective = iota
	// MaxRate maximises the desired neighbour's rate λ_k alone (the reference code's rule).
	MaxRate
)

// ControllerConfig configures a Controller; zero fields take the defaults.
type ControllerConfig struct {
	// Dwell is the dwell time of every action in seconds (default 1).
	Dwell float64
	// Current and Voltage are those of the environment (defaults RefCurrent, RefVoltage),
	// passed to the model.
	Current, Voltage float64
	Objective        Objective
	// Step and Radius define the search grid: points Step ångström apart within Radius of the
	// silicon in the site frame (defaults 0.05 and 3 Å, the support of the training data).
	Step, Radius float64
}

// Controller steers the silicon along a shortest lattice path: each step it picks the next
// site with NextHop and dwells the beam at the position that maximises the objective under its
// rate model. The model is exactly rotation-equivariant for every model in this package, so
// the best position is found once, by a grid search in the site frame of the desired
// neighbour, and rotated onto each hop. Model may be the true rates (an oracle) or a learned
// one. A Controller is safe for concurrent use if its model is.
type Controller struct {
	Model RateModel
	Cfg   ControllerConfig
	// Best is the chosen beam offset in the site frame of the desired neighbour, and
	// BestValue the objective there as the model predicts it.
	Best      Vec
	BestValue float64
}

var _ tenet.Policy[State, Action] = (*Controller)(nil)

// NewController searches the grid for the best beam offset under m and returns the controller.
func NewController(m RateModel, cfg ControllerConfig) *Controller {
	if cfg.Dwell == 0 {
		cfg.Dwell = 1
	}
	if cfg.Step == 0 {
		cfg.Step = 0.05
	}
	if cfg.Radius == 0 {
		cfg.Radius = 3
	}
	c := &Controller{Model: m, Cfg: cfg}
	var qs []Query
	n := int(cfg.Radius / cfg.Step)
	for i := -n; i <= n; i++ {
		for j := -n; j <= n; j++ {
			off := Vec{float64(i) * cfg.Step, float64(j) * cfg.Step}
			if off.Norm() <= cfg.Radius {
				qs = append(qs, Query{Offset: off, Dwell: cfg.Dwell, Current: cfg.Current, Voltage: cfg.Voltage})
			}
		}
	}
	c.BestValue = math.Inf(-1)
	for i, r := range PredictAll(m, qs) {
		v := r[0]
		if cfg.Objective == HopProbability {
			lam := r.Total()
			if lam > 0 {
				v = r[0] / lam * -math.Expm1(-lam*cfg.Dwell)
			} else {
				v = 0
			}
		}
		if v > c.BestValue {
			c.Best, c.BestValue = qs[i].Offset, v
		}
	}
	return c
}

// Act returns the beam placement for the next hop towards the goal.
func (c *Controller) Act(s State, _ *rand.Rand) Action {
	k := NextHop(s)
	return Action{Beam: s.Si.Add(c.Best.Rotate(siteFrame(s, k))), Dwell: c.Cfg.Dwell}
}

// FixedOffset is the baseline that dwells the beam at a fixed offset in the site frame of the
// desired neighbour; the default offset (the zero Vec) puts the beam on the neighbour itself.
type FixedOffset struct {
	Offset Vec
	Dwell  float64
}

// Act returns the beam placement for the next hop towards the goal.
func (f FixedOffset) Act(s State, _ *rand.Rand) Action {
	off := f.Offset
	if off == (Vec{}) {
		off = Vec{BondLength, 0}
	}
	d := f.Dwell
	if d == 0 {
		d = 1
	}
	k := NextHop(s)
	return Action{Beam: s.Si.Add(off.Rotate(siteFrame(s, k))), Dwell: d}
}

// RandomBeam is the baseline that dwells the beam uniformly at random within Radius of the
// silicon (the data-collection protocol), ignoring the goal.
type RandomBeam struct {
	Radius, Dwell float64
}

// Act returns a random beam placement.
func (r RandomBeam) Act(s State, rng *rand.Rand) Action {
	p := Protocol{BeamRadius: r.Radius}
	if p.BeamRadius == 0 {
		p.BeamRadius = 3
	}
	d := r.Dwell
	if d == 0 {
		d = 1
	}
	return Action{Beam: s.Si.Add(p.offset(rng)), Dwell: d}
}
