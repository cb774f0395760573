package stem

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestLatticeGeometry(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 5 {
		l := NewLattice(20, rng)
		interior := 0
		for i, p := range l.Pos {
			if p.Norm() > l.Radius()-2*BondLength {
				continue
			}
			interior++
			nb, n := l.Neighbours(i)
			if n != 3 {
				t.Fatalf("trial %d atom %d: %d neighbours", trial, i, n)
			}
			var within []int
			within = l.Within(p, 2.2, within)
			if len(within) != 4 { // itself and three neighbours; second neighbours are 2.46 Å away
				t.Fatalf("trial %d atom %d: %d atoms within 2.2 Å", trial, i, len(within))
			}
			for k := range 3 {
				d := l.Pos[nb[k]].Sub(p)
				if math.Abs(d.Norm()-BondLength) > 1e-4 {
					t.Fatalf("bond length %v", d.Norm())
				}
				// Counter-clockwise at 120°.
				next := l.Pos[nb[(k+1)%3]].Sub(p)
				turn := math.Mod(next.Angle()-d.Angle()+4*math.Pi, 2*math.Pi)
				if math.Abs(turn-third) > 1e-9 {
					t.Fatalf("neighbour turn %v", turn)
				}
			}
		}
		// Density of graphene: 2 atoms per √3·a²/2·3 ... 0.3818 atoms/Å².
		want := math.Pi * (l.Radius() - 2*BondLength) * (l.Radius() - 2*BondLength) * 4 / (3 * math.Sqrt(3) * BondLength * BondLength)
		if math.Abs(float64(interior)-want) > 0.05*want {
			t.Fatalf("interior atoms %d, want ≈ %.0f", interior, want)
		}
		if l.Pos[l.Si].Norm() > BondLength {
			t.Fatalf("silicon not near the centre: %v", l.Pos[l.Si])
		}
	}
}

func TestNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	l := NewLattice(10, rng)
	for range 200 {
		p := Vec{rng.Float64()*14 - 7, rng.Float64()*14 - 7}
		got := l.Nearest(p)
		best, bd := -1, math.Inf(1)
		for i, q := range l.Pos {
			if d := dist2(p, q); d < bd {
				best, bd = i, d
			}
		}
		if got != best {
			t.Fatalf("Nearest(%v) = %d, brute force %d", p, got, best)
		}
	}
}
