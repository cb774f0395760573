package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// segmentsIntersect reports whether segments pq and rs share a point (float64).
func segmentsIntersect(p, q, r, s [2]float64) bool {
	orient := func(a, b, c [2]float64) float64 {
		return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	}
	d1, d2 := orient(r, s, p), orient(r, s, q)
	d3, d4 := orient(p, q, r), orient(p, q, s)
	return ((d1 > 0) != (d2 > 0) || d1 == 0 || d2 == 0) && ((d3 > 0) != (d4 > 0) || d3 == 0 || d4 == 0)
}

// insideConvex reports whether p lies inside the counter-clockwise convex polygon poly.
func insideConvex(p [2]float64, poly [4][2]float64) bool {
	for k := range 4 {
		a, b := poly[k], poly[(k+1)%4]
		if (b[0]-a[0])*(p[1]-a[1])-(b[1]-a[1])*(p[0]-a[0]) < 0 {
			return false
		}
	}
	return true
}

// polygonsIntersect is the brute-force oracle: edge crossings or containment.
func polygonsIntersect(a, b [4][2]float64) bool {
	for i := range 4 {
		for j := range 4 {
			if segmentsIntersect(a[i], a[(i+1)%4], b[j], b[(j+1)%4]) {
				return true
			}
		}
	}
	return insideConvex(a[0], b) || insideConvex(b[0], a)
}

// separation returns the largest gap between the boxes' projections over the four normals
// (negative when they overlap), in float64.
func separation(a, b [4][2]float64) float64 {
	best := math.Inf(-1)
	for _, poly := range [][4][2]float64{a, b} {
		for k := range 2 {
			ex, ey := poly[k+1][0]-poly[k][0], poly[k+1][1]-poly[k][1]
			l := math.Hypot(ex, ey)
			nx, ny := -ey/l, ex/l
			amin, amax, bmin, bmax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
			for c := range 4 {
				pa := a[c][0]*nx + a[c][1]*ny
				pb := b[c][0]*nx + b[c][1]*ny
				amin, amax = min(amin, pa), max(amax, pa)
				bmin, bmax = min(bmin, pb), max(bmax, pb)
			}
			best = max(best, max(bmin-amax, amin-bmax))
		}
	}
	return best
}

func to64(c [4][2]float32) [4][2]float64 {
	var o [4][2]float64
	for i := range c {
		o[i] = [2]float64{float64(c[i][0]), float64(c[i][1])}
	}
	return o
}

func TestOverlapSATMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	hits, skipped := 0, 0
	for range 10000 {
		r := func(lo, hi float64) float32 { return float32(lo + (hi-lo)*rng.Float64()) }
		x1, y1, l1, w1, a1 := r(-4, 4), r(-4, 4), r(0.3, 6), r(0.3, 3), r(-4, 4)
		x2, y2, l2, w2, a2 := r(-4, 4), r(-4, 4), r(0.3, 6), r(0.3, 3), r(-4, 4)
		ca := to64(boxCorners(x1, y1, l1, w1, a1))
		cb := to64(boxCorners(x2, y2, l2, w2, a2))
		if math.Abs(separation(ca, cb)) < 1e-4 {
			skipped++ // touching within float32 rounding: either answer is right
			continue
		}
		want := polygonsIntersect(ca, cb)
		got := BoxesOverlap(x1, y1, l1, w1, a1, x2, y2, l2, w2, a2)
		if got != want {
			t.Fatalf("boxes (%v %v %v %v %v) and (%v %v %v %v %v): SAT %v, brute force %v", x1, y1, l1, w1, a1, x2, y2, l2, w2, a2, got, want)
		}
		if want {
			hits++
		}
	}
	if hits < 1000 || hits > 9000 {
		t.Fatalf("unbalanced test: %d overlapping pairs of 10000", hits)
	}
	t.Logf("%d overlapping, %d skipped as touching", hits, skipped)
}

func TestBoxCornersOrientation(t *testing.T) {
	c := boxCorners(1, 2, 4, 2, math.Pi/2)
	want := [4][2]float32{{0, 4}, {0, 0}, {2, 0}, {2, 4}}
	for i := range c {
		if abs32(c[i][0]-want[i][0]) > 1e-5 || abs32(c[i][1]-want[i][1]) > 1e-5 {
			t.Fatalf("corners %v, want %v", c, want)
		}
	}
}

func TestWrapAngle(t *testing.T) {
	for _, c := range []struct{ in, want float32 }{{0, 0}, {math.Pi / 2, math.Pi / 2}, {3 * math.Pi / 2, -math.Pi / 2}, {-3 * math.Pi / 2, math.Pi / 2}, {7, 7 - 2*math.Pi}} {
		if got := WrapAngle(c.in); abs32(got-c.want) > 1e-5 {
			t.Errorf("WrapAngle(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestGridNearestMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 3000
	xs, ys, zs := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range n {
		xs[i], ys[i], zs[i] = float32(rng.Float64()*300-50), float32(rng.Float64()*120), float32(rng.Float64()*4)
	}
	keep := func(i int) bool { return i%3 != 0 }
	g := NewGrid(xs, ys, zs, keep, 5)
	for range 2000 {
		// Queries inside and well outside the indexed area.
		x, y, z := float32(rng.Float64()*500-150), float32(rng.Float64()*300-90), float32(rng.Float64()*4)
		idx, d := g.Nearest(x, y, z, 2)
		best, bd := -1, float32(math.Inf(1))
		for i := range n {
			if !keep(i) {
				continue
			}
			dx, dy, dz := xs[i]-x, ys[i]-y, 2*(zs[i]-z)
			if dd := dx*dx + dy*dy + dz*dz; dd < bd {
				bd, best = dd, i
			}
		}
		if idx != best && d != bd {
			t.Fatalf("query (%v, %v, %v): grid %d (%v), brute force %d (%v)", x, y, z, idx, d, best, bd)
		}
	}
	var buf []int32
	buf = g.Within(buf[:0], 100, 60, 15)
	cnt := 0
	for i := range n {
		if keep(i) && hypot32(xs[i]-100, ys[i]-60) <= 15 {
			cnt++
		}
	}
	if len(buf) != cnt {
		t.Fatalf("Within found %d points, brute force %d", len(buf), cnt)
	}
}
