package stem

import (
	"math"
	"math/rand/v2"
)

// BondLength is the carbon–carbon bond length of graphene in ångström.
const BondLength = 1.42

// Lattice is a finite patch of graphene holding one silicon dopant: the positions of its atoms
// (ångström, in the material's frame) and the index of the atom that is silicon. A bond
// inversion swaps the roles of the silicon and one of its three carbon neighbours, so the
// positions never change; only Si does.
//
// Neighbour queries use a spatial hash of cell size BondLength. A Lattice is not safe for
// concurrent use when one goroutine moves the dopant.
type Lattice struct {
	// Pos holds the atom positions.
	Pos []Vec
	// Si is the index of the silicon atom in Pos.
	Si int
	// Rotation is the angle (radians) of the first lattice vector, and Origin the position of
	// an atom of the first sublattice: together they place the ideal honeycomb.
	Rotation float64
	Origin   Vec

	radius float64
	hash   spatialHash
}

// NewLattice returns a disc of graphene of the given radius (ångström) about the origin, with a
// random rotation and a random offset of the honeycomb drawn from rng, and the silicon on the
// atom nearest the origin.
func NewLattice(radius float64, rng *rand.Rand) *Lattice {
	rot := rng.Float64() * 2 * math.Pi
	a := math.Sqrt(3) * BondLength
	off := Vec{rng.Float64() * a, rng.Float64() * a}.Rotate(rot)
	return NewLatticeAt(radius, rot, off)
}

// NewLatticeAt returns a disc of graphene of the given radius about the origin whose honeycomb
// has its first lattice vector at angle rotation and a first-sublattice atom at origin. The
// silicon sits on the atom nearest the centre of the disc.
func NewLatticeAt(radius, rotation float64, origin Vec) *Lattice {
	a := math.Sqrt(3) * BondLength
	a1 := Vec{a, 0}.Rotate(rotation)
	a2 := Vec{a / 2, a * math.Sqrt(3) / 2}.Rotate(rotation)
	basis := [2]Vec{{}, Vec{a / 2, BondLength / 2}.Rotate(rotation)}
	// Express the disc in lattice coordinates generously and keep what falls inside.
	n := int(math.Ceil((radius+origin.Norm())/a*2/math.Sqrt(3))) + 2
	l := &Lattice{Rotation: rotation, Origin: origin, radius: radius}
	best, bestD := -1, math.Inf(1)
	for i := -n; i <= n; i++ {
		for j := -n; j <= n; j++ {
			cell := origin.Add(a1.Scale(float64(i))).Add(a2.Scale(float64(j)))
			for _, b := range basis {
				p := cell.Add(b)
				if d := p.Norm(); d <= radius {
					if d < bestD {
						best, bestD = len(l.Pos), d
					}
					l.Pos = append(l.Pos, p)
				}
			}
		}
	}
	l.Si = best
	l.hash = newSpatialHash(l.Pos, BondLength)
	return l
}

// Radius returns the radius of the disc of graphene.
func (l *Lattice) Radius() float64 { return l.radius }

// Clone returns a copy of l that can move its dopant independently (positions and the spatial
// hash are shared, since they never change).
func (l *Lattice) Clone() *Lattice {
	c := *l
	return &c
}

// Within appends to dst the indices of the atoms within distance r of p and returns it.
func (l *Lattice) Within(p Vec, r float64, dst []int) []int {
	return l.hash.within(l.Pos, p, r, dst)
}

// Nearest returns the index of the atom nearest p, or −1 if there is none within two bond
// lengths.
func (l *Lattice) Nearest(p Vec) int {
	var buf [32]int
	best, bestD := -1, math.Inf(1)
	for _, i := range l.Within(p, 2*BondLength, buf[:0]) {
		if d := dist2(l.Pos[i], p); d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// Neighbours returns the bonded neighbours of atom i (atoms within 1.2 bond lengths) sorted
// counter-clockwise by angle about it, starting from the smallest polar angle, and how many
// there are (at most three are returned; an atom on the rim has fewer).
func (l *Lattice) Neighbours(i int) ([3]int, int) {
	var buf [16]int
	var out [3]int
	p := l.Pos[i]
	cand := l.Within(p, 1.2*BondLength, buf[:0])
	n := 0
	for _, j := range cand {
		if j != i && n < 3 {
			out[n] = j
			n++
		}
	}
	// Insertion sort by polar angle (at most three elements).
	var ang [3]float64
	for k := range n {
		ang[k] = l.Pos[out[k]].Sub(p).Angle()
	}
	for a := 1; a < n; a++ {
		for b := a; b > 0 && ang[b] < ang[b-1]; b-- {
			ang[b], ang[b-1] = ang[b-1], ang[b]
			out[b], out[b-1] = out[b-1], out[b]
		}
	}
	return out, n
}

// SiNeighbours returns the three neighbours of the silicon in counter-clockwise order, and
// false if the silicon is on the rim of the patch with fewer than three.
func (l *Lattice) SiNeighbours() ([3]int, bool) {
	nb, n := l.Neighbours(l.Si)
	return nb, n == 3
}

// spatialHash buckets points into square cells in compressed-row form.
type spatialHash struct {
	cell       float64
	minX, minY float64
	nx, ny     int
	start      []int32 // cell c holds idx[start[c]:start[c+1]]
	idx        []int32
}

func newSpatialHash(pts []Vec, cell float64) spatialHash {
	h := spatialHash{cell: cell}
	if len(pts) == 0 {
		h.nx, h.ny = 1, 1
		h.start = make([]int32, 2)
		return h
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, minY = math.Min(minX, p.X), math.Min(minY, p.Y)
		maxX, maxY = math.Max(maxX, p.X), math.Max(maxY, p.Y)
	}
	h.minX, h.minY = minX, minY
	h.nx = int((maxX-minX)/cell) + 1
	h.ny = int((maxY-minY)/cell) + 1
	h.start = make([]int32, h.nx*h.ny+1)
	cellOf := func(p Vec) int {
		cx := min(int((p.X-minX)/cell), h.nx-1)
		cy := min(int((p.Y-minY)/cell), h.ny-1)
		return cy*h.nx + cx
	}
	for _, p := range pts {
		h.start[cellOf(p)+1]++
	}
	for c := 1; c < len(h.start); c++ {
		h.start[c] += h.start[c-1]
	}
	h.idx = make([]int32, len(pts))
	fill := append([]int32(nil), h.start[:len(h.start)-1]...)
	for i, p := range pts {
		c := cellOf(p)
		h.idx[fill[c]] = int32(i)
		fill[c]++
	}
	return h
}

func (h *spatialHash) within(pts []Vec, p Vec, r float64, dst []int) []int {
	x0 := max(int(math.Floor((p.X-r-h.minX)/h.cell)), 0)
	x1 := min(int(math.Floor((p.X+r-h.minX)/h.cell)), h.nx-1)
	y0 := max(int(math.Floor((p.Y-r-h.minY)/h.cell)), 0)
	y1 := min(int(math.Floor((p.Y+r-h.minY)/h.cell)), h.ny-1)
	r2 := r * r
	for cy := y0; cy <= y1; cy++ {
		for cx := x0; cx <= x1; cx++ {
			c := cy*h.nx + cx
			for _, i := range h.idx[h.start[c]:h.start[c+1]] {
				if dist2(pts[i], p) <= r2 {
					dst = append(dst, int(i))
				}
			}
		}
	}
	return dst
}
