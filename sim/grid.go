package sim

import (
	"math"
	"sync"
)

// Grid is a uniform-grid spatial index over a set of points in the plane. Points are bucketed
// by cell and stored in cell order, so a query touches a few short contiguous runs. It answers
// nearest-point and within-radius queries; z enters the nearest-point distance with a stretch
// factor (as Waymax does to separate over- and underpasses) while cells are planar.
//
// A Grid is immutable after construction and safe for concurrent queries.
type Grid struct {
	minX, minY float32
	cell, inv  float32
	nx, ny     int
	start      []int32 // cell c holds entries start[c] .. start[c+1]
	idx        []int32 // original point index per entry
	px, py, pz []float32
}

// NewGrid indexes the points i with keep(i) true (all points when keep is nil) in cells of
// the given size in metres (a non-positive size picks 4 m). The cell size grows when needed to
// keep the number of cells below about a million.
func NewGrid(xs, ys, zs []float32, keep func(i int) bool, cell float32) *Grid {
	if cell <= 0 {
		cell = 4
	}
	g := &Grid{}
	minX, minY := float32(math.Inf(1)), float32(math.Inf(1))
	maxX, maxY := float32(math.Inf(-1)), float32(math.Inf(-1))
	n := 0
	for i := range xs {
		if keep != nil && !keep(i) {
			continue
		}
		n++
		minX, maxX = min(minX, xs[i]), max(maxX, xs[i])
		minY, maxY = min(minY, ys[i]), max(maxY, ys[i])
	}
	if n == 0 {
		g.cell, g.inv = cell, 1/cell
		g.start = []int32{0}
		return g
	}
	for {
		nx := int((maxX-minX)/cell) + 1
		ny := int((maxY-minY)/cell) + 1
		if nx*ny <= 1<<20 {
			g.nx, g.ny = nx, ny
			break
		}
		cell *= 2
	}
	g.minX, g.minY, g.cell, g.inv = minX, minY, cell, 1/cell
	count := make([]int32, g.nx*g.ny+1)
	cellOf := make([]int32, len(xs))
	for i := range xs {
		if keep != nil && !keep(i) {
			cellOf[i] = -1
			continue
		}
		c := g.cellIndex(xs[i], ys[i])
		cellOf[i] = int32(c)
		count[c+1]++
	}
	for c := 1; c < len(count); c++ {
		count[c] += count[c-1]
	}
	g.start = count
	fill := append([]int32(nil), count[:len(count)-1]...)
	g.idx = make([]int32, n)
	g.px, g.py, g.pz = make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range xs {
		c := cellOf[i]
		if c < 0 {
			continue
		}
		k := fill[c]
		fill[c]++
		g.idx[k] = int32(i)
		g.px[k], g.py[k] = xs[i], ys[i]
		if zs != nil {
			g.pz[k] = zs[i]
		}
	}
	return g
}

// Len returns the number of indexed points.
func (g *Grid) Len() int { return len(g.idx) }

func (g *Grid) cellXY(x, y float32) (int, int) {
	cx := int(math.Floor(float64((x - g.minX) * g.inv)))
	cy := int(math.Floor(float64((y - g.minY) * g.inv)))
	cx = min(max(cx, 0), g.nx-1)
	cy = min(max(cy, 0), g.ny-1)
	return cx, cy
}

func (g *Grid) cellIndex(x, y float32) int {
	cx, cy := g.cellXY(x, y)
	return cy*g.nx + cx
}

// Nearest returns the original index of the indexed point nearest to (x, y, z) under the
// distance dx² + dy² + (zStretch·dz)², and that squared distance; (−1, +Inf) when the grid is
// empty.
func (g *Grid) Nearest(x, y, z, zStretch float32) (int, float32) {
	if len(g.idx) == 0 {
		return -1, float32(math.Inf(1))
	}
	cx, cy := g.cellXY(x, y)
	best := int32(-1)
	bestD := float32(math.Inf(1))
	for r := 0; ; r++ {
		x0, x1, y0, y1 := cx-r, cx+r, cy-r, cy+r
		scan := func(c int) {
			for k := g.start[c]; k < g.start[c+1]; k++ {
				dx, dy, dz := g.px[k]-x, g.py[k]-y, (g.pz[k]-z)*zStretch
				d := dx*dx + dy*dy + dz*dz
				if d < bestD {
					bestD, best = d, k
				}
			}
		}
		for j := max(y0, 0); j <= min(y1, g.ny-1); j++ {
			if j == y0 || j == y1 {
				for i := max(x0, 0); i <= min(x1, g.nx-1); i++ {
					scan(j*g.nx + i)
				}
				continue
			}
			// Interior rows: only the ring's two side cells are new.
			if x0 >= 0 {
				scan(j*g.nx + x0)
			}
			if x1 < g.nx && x1 != x0 {
				scan(j*g.nx + x1)
			}
		}
		// Lower bound on the distance to any cell not yet visited.
		bound := float32(math.Inf(1))
		any := false
		if x0 > 0 {
			any = true
			bound = min(bound, max(0, x-(g.minX+float32(x0)*g.cell)))
		}
		if x1 < g.nx-1 {
			any = true
			bound = min(bound, max(0, g.minX+float32(x1+1)*g.cell-x))
		}
		if y0 > 0 {
			any = true
			bound = min(bound, max(0, y-(g.minY+float32(y0)*g.cell)))
		}
		if y1 < g.ny-1 {
			any = true
			bound = min(bound, max(0, g.minY+float32(y1+1)*g.cell-y))
		}
		if !any || (best >= 0 && bestD <= bound*bound) {
			break
		}
	}
	return int(g.idx[best]), bestD
}

// Within appends to dst the original indices of the points whose planar distance to (x, y)
// is at most r, in cell order, and returns the extended slice.
func (g *Grid) Within(dst []int32, x, y, r float32) []int32 {
	if len(g.idx) == 0 {
		return dst
	}
	x0, y0 := g.cellXY(x-r, y-r)
	x1, y1 := g.cellXY(x+r, y+r)
	r2 := r * r
	for j := y0; j <= y1; j++ {
		for i := x0; i <= x1; i++ {
			c := j*g.nx + i
			for k := g.start[c]; k < g.start[c+1]; k++ {
				dx, dy := g.px[k]-x, g.py[k]-y
				if dx*dx+dy*dy <= r2 {
					dst = append(dst, g.idx[k])
				}
			}
		}
	}
	return dst
}

type gridOnce struct {
	once sync.Once
	g    *Grid
}

// EdgeIndex returns the spatial index over the scenario's valid road-edge points (boundary and
// median), built on first use.
func (sc *Scenario) EdgeIndex() *Grid {
	sc.edgeOnce.once.Do(func() {
		rg := &sc.Roadgraph
		sc.edgeOnce.g = NewGrid(rg.X, rg.Y, rg.Z, func(i int) bool { return rg.Valid[i] && rg.Types[i].IsRoadEdge() }, 4)
	})
	return sc.edgeOnce.g
}

// PointIndex returns the spatial index over all valid roadgraph points, built on first use.
func (sc *Scenario) PointIndex() *Grid {
	sc.allOnce.once.Do(func() {
		rg := &sc.Roadgraph
		sc.allOnce.g = NewGrid(rg.X, rg.Y, rg.Z, func(i int) bool { return rg.Valid[i] }, 4)
	})
	return sc.allOnce.g
}
