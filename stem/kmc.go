package stem

import (
	"math"
	"math/rand/v2"
)

// Beam is one beam control: where the probe dwells, for how long, and with what current and
// voltage.
type Beam struct {
	// Pos is the probe position in the material's frame (ångström).
	Pos Vec
	// Dwell is the dwell time in seconds.
	Dwell float64
	// Current is the probe current in picoampere (0 means RefCurrent).
	Current float64
	// Voltage is the accelerating voltage in kilovolt (0 means RefVoltage).
	Voltage float64
}

// Hop is one bond inversion during a dwell: the silicon moved from atom From to atom To at
// Time seconds after the dwell began.
type Hop struct {
	From, To int
	Time     float64
}

// SiteQuery returns the query for the silicon of l under beam b, together with the neighbour
// indices in the order of the site frame (neighbour 0 is the first in counter-clockwise order
// from the smallest polar angle). ok is false when the silicon has fewer than three
// neighbours.
func SiteQuery(l *Lattice, b Beam) (q Query, nb [3]int, ok bool) {
	nb, ok = l.SiNeighbours()
	if !ok {
		return Query{}, nb, false
	}
	si := l.Pos[l.Si]
	theta := l.Pos[nb[0]].Sub(si).Angle()
	q = Query{
		Offset:  b.Pos.Sub(si).Rotate(-theta),
		Dwell:   b.Dwell,
		Current: b.Current,
		Voltage: b.Voltage,
	}
	return q, nb, true
}

// SimulateDwell runs kinetic Monte Carlo for one beam dwell and moves the silicon of l
// accordingly. With the silicon's current rates λ_k (from model, re-evaluated after every hop
// because the geometry relative to the fixed beam changes) the waiting time to the next hop is
// exponential with rate Λ = Σλ_k and the hop goes to neighbour k with probability λ_k/Λ; hops
// continue until the dwell time is used up. It appends the hops to dst and returns it. A
// silicon that reaches the rim of the patch (fewer than three neighbours) stops moving.
func SimulateDwell(l *Lattice, model RateModel, b Beam, rng *rand.Rand, dst []Hop) []Hop {
	t := 0.0
	for {
		q, nb, ok := SiteQuery(l, b)
		if !ok {
			return dst
		}
		r := model.Predict(q)
		total := r.Total()
		if !(total > 0) || math.IsInf(total, 0) {
			return dst
		}
		t += rng.ExpFloat64() / total
		if t > b.Dwell {
			return dst
		}
		u := rng.Float64() * total
		k := 0
		for k < 2 && u >= r[k] {
			u -= r[k]
			k++
		}
		dst = append(dst, Hop{From: l.Si, To: nb[k], Time: t})
		l.Si = nb[k]
	}
}
