package stem

import (
	"math"
	"math/rand/v2"
	"testing"
)

// groundTruths lists every ground-truth model for the symmetry tests.
func groundTruths() map[string]RateModel {
	return map[string]RateModel{
		"prior":    DefaultPrior(),
		"falloff":  Falloff{Peak: 0.3},
		"mixture":  NewRandomMixture(3, 0.3, rand.New(rand.NewPCG(7, 7))),
		"physical": DefaultPhysical(),
	}
}

// ratesByAtom returns the rates of the silicon's neighbours keyed by atom index.
func ratesByAtom(l *Lattice, m RateModel, b Beam) map[int]float64 {
	q, nb, ok := SiteQuery(l, b)
	if !ok {
		panic("rim")
	}
	r := m.Predict(q)
	return map[int]float64{nb[0]: r[0], nb[1]: r[1], nb[2]: r[2]}
}

func TestRatesEquivariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for name, m := range groundTruths() {
		for range 20 {
			l := NewLattice(8, rng)
			si := l.Pos[l.Si]
			nb, _ := l.SiNeighbours()
			off := Vec{rng.Float64()*6 - 3, rng.Float64()*6 - 3}
			base := ratesByAtom(l, m, Beam{Pos: si.Add(off), Dwell: 1})
			rot := ratesByAtom(l, m, Beam{Pos: si.Add(off.Rotate(third)), Dwell: 1})
			for k := range 3 {
				// Rotating the beam by +120° carries neighbour k's rate to neighbour k+1.
				a, b := base[nb[k]], rot[nb[(k+1)%3]]
				if math.Abs(a-b) > 1e-12*(1+math.Abs(a)) {
					t.Fatalf("%s: rotation: neighbour %d rate %g, rotated %g", name, k, a, b)
				}
			}
			// Reflection through the bond to neighbour 0 swaps neighbours 1 and 2.
			e := l.Pos[nb[0]].Sub(si)
			th := e.Angle()
			u := off.Rotate(-th)
			refl := ratesByAtom(l, m, Beam{Pos: si.Add(Vec{u.X, -u.Y}.Rotate(th)), Dwell: 1})
			for k, kk := range [3]int{0, 2, 1} {
				a, b := base[nb[k]], refl[nb[kk]]
				if math.Abs(a-b) > 1e-12*(1+math.Abs(a)) {
					t.Fatalf("%s: reflection: neighbour %d rate %g, reflected %g", name, k, a, b)
				}
			}
		}
	}
}

// TestDwellHopProbability checks the kinetic Monte Carlo against its closed form: the first hop
// of a dwell happens within t with probability 1 − e^{−Λt}, and goes to neighbour k with
// probability λ_k/Λ. Chi-square tests at α = 0.001 with a fixed seed.
func TestDwellHopProbability(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	base := NewLatticeAt(10, 0.3, Vec{0.2, 0.1})
	m := DefaultPrior()
	si := base.Pos[base.Si]
	nb, _ := base.SiNeighbours()
	beam := si.Add(base.Pos[nb[1]].Sub(si).Scale(0.8)).Add(Vec{0.1, -0.2})
	q, _, _ := SiteQuery(base, Beam{Pos: beam})
	r := m.Predict(q)
	lambda := r.Total()
	const n = 2000
	chi2 := 0.0
	var dir [3]int
	hops := 0
	for _, dwell := range []float64{0.5, 1, 2, 4, 8} {
		p := 1 - math.Exp(-lambda*dwell)
		got := 0
		for range n {
			l := base.Clone()
			h := SimulateDwell(l, m, Beam{Pos: beam, Dwell: dwell}, rng, nil)
			if len(h) > 0 {
				got++
				for k := range 3 {
					if h[0].To == nb[k] {
						dir[k]++
					}
				}
				hops++
				if h[0].Time > dwell {
					t.Fatalf("hop after the dwell")
				}
			}
		}
		d := float64(got) - n*p
		chi2 += d * d / (n * p * (1 - p))
	}
	if chi2 > 20.515 { // χ²(5) at α = 0.001
		t.Fatalf("P(hop within t): χ² = %.2f with 5 dof (Λ = %.4f)", chi2, lambda)
	}
	c2 := 0.0
	for k := range 3 {
		e := float64(hops) * r[k] / lambda
		d := float64(dir[k]) - e
		c2 += d * d / e
	}
	if c2 > 13.816 { // χ²(2) at α = 0.001
		t.Fatalf("first-hop directions %v: χ² = %.2f (rates %v)", dir, c2, r)
	}
}

func TestMultipleHops(t *testing.T) {
	// A strong beam midway between the silicon and a neighbour drives repeated hops in a long
	// dwell: the dopant goes back and forth.
	rng := rand.New(rand.NewPCG(1, 1))
	l := NewLatticeAt(10, 0, Vec{})
	si := l.Pos[l.Si]
	nb, _ := l.SiNeighbours()
	mid := si.Add(l.Pos[nb[0]]).Scale(0.5)
	h := SimulateDwell(l, Falloff{Peak: 5}, Beam{Pos: mid, Dwell: 10}, rng, nil)
	if len(h) < 5 {
		t.Fatalf("only %d hops", len(h))
	}
	for i := 1; i < len(h); i++ {
		if h[i].From != h[i-1].To || h[i].Time < h[i-1].Time {
			t.Fatalf("inconsistent hop sequence %v", h)
		}
	}
}

func TestPhysicalScale(t *testing.T) {
	p := DefaultPhysical()
	if tm := MaxTransfer(60); math.Abs(tm-11.6) > 0.1 {
		t.Fatalf("T_max(60 kV) = %.2f eV", tm)
	}
	r := p.Predict(Query{Offset: Vec{BondLength, 0}})
	if r[0] < 0.15 || r[0] > 0.4 {
		t.Fatalf("rate on the carbon at 50 pA, 60 kV = %g s⁻¹", r[0])
	}
	hi := p.Predict(Query{Offset: Vec{BondLength, 0}, Current: 100})
	if math.Abs(hi[0]/r[0]-2) > 1e-9 {
		t.Fatalf("rate not linear in current")
	}
	if p.Predict(Query{Offset: Vec{BondLength, 0}, Voltage: 80})[0] <= r[0] {
		t.Fatalf("rate does not rise with voltage")
	}
}
