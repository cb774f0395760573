package synth

import "math"

// vec is a 2-D point or vector in metres.
type vec struct{ X, Y float64 }

func (a vec) add(b vec) vec           { return vec{a.X + b.X, a.Y + b.Y} }
func (a vec) sub(b vec) vec           { return vec{a.X - b.X, a.Y - b.Y} }
func (a vec) scale(k float64) vec     { return vec{a.X * k, a.Y * k} }
func (a vec) dot(b vec) float64       { return a.X*b.X + a.Y*b.Y }
func (a vec) cross(b vec) float64     { return a.X*b.Y - a.Y*b.X }
func (a vec) norm() float64           { return math.Hypot(a.X, a.Y) }
func (a vec) left() vec               { return vec{-a.Y, a.X} }
func dirOf(theta float64) vec         { return vec{math.Cos(theta), math.Sin(theta)} }
func lerp(a, b vec, f float64) vec    { return vec{a.X + f*(b.X-a.X), a.Y + f*(b.Y-a.Y)} }
func wrapAngle(a float64) float64     { return math.Remainder(a, 2*math.Pi) }
func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// path is a polyline parameterised by arc length.
type path struct {
	pts []vec
	cum []float64 // cum[i] is the arc length at pts[i]
}

// newPath builds a path from points, dropping repeated ones.
func newPath(pts []vec) *path {
	p := &path{}
	for _, q := range pts {
		if n := len(p.pts); n > 0 && q.sub(p.pts[n-1]).norm() < 1e-6 {
			continue
		}
		if n := len(p.pts); n > 0 {
			p.cum = append(p.cum, p.cum[n-1]+q.sub(p.pts[n-1]).norm())
		} else {
			p.cum = append(p.cum, 0)
		}
		p.pts = append(p.pts, q)
	}
	return p
}

func (p *path) length() float64 { return p.cum[len(p.cum)-1] }

// seg returns the index i of the segment [i, i+1] containing arc length s (clamped).
func (p *path) seg(s float64) int {
	n := len(p.pts)
	if s <= 0 {
		return 0
	}
	if s >= p.cum[n-1] {
		return n - 2
	}
	lo, hi := 0, n-1
	for hi-lo > 1 {
		m := (lo + hi) / 2
		if p.cum[m] <= s {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// at returns the point and heading at arc length s; beyond the ends the path continues
// straight along its end segments.
func (p *path) at(s float64) (vec, float64) {
	i := p.seg(s)
	a, b := p.pts[i], p.pts[i+1]
	d := b.sub(a)
	l := d.norm()
	f := (s - p.cum[i]) / l
	return lerp(a, b, f), math.Atan2(d.Y, d.X)
}

// line returns points from a to b spaced at most step apart (both ends included).
func line(a, b vec, step float64) []vec {
	n := int(math.Ceil(b.sub(a).norm() / step))
	if n < 1 {
		n = 1
	}
	out := make([]vec, 0, n+1)
	for i := 0; i <= n; i++ {
		out = append(out, lerp(a, b, float64(i)/float64(n)))
	}
	return out
}

// arc returns points on the circle of centre c and radius r from angle a0 to a1
// (counter-clockwise when a1 > a0), spaced at most step apart along the arc.
func arc(c vec, r, a0, a1, step float64) []vec {
	n := int(math.Ceil(math.Abs(a1-a0) * r / step))
	if n < 1 {
		n = 1
	}
	out := make([]vec, 0, n+1)
	for i := 0; i <= n; i++ {
		a := a0 + (a1-a0)*float64(i)/float64(n)
		out = append(out, c.add(dirOf(a).scale(r)))
	}
	return out
}

// join concatenates point lists, dropping a repeated junction point.
func join(parts ...[]vec) []vec {
	var out []vec
	for _, p := range parts {
		if len(out) > 0 && len(p) > 0 && p[0].sub(out[len(out)-1]).norm() < 1e-6 {
			p = p[1:]
		}
		out = append(out, p...)
	}
	return out
}

// turn builds the path from pose (p0, h0) to (p1, h1) where h1 = h0 ± π/2: a straight run to
// a circular arc of radius r tangent to both lines, then a straight run. The corner of the
// two lines must lie at least r from both ends.
func turn(p0 vec, h0 float64, p1 vec, h1 float64, r, step float64) []vec {
	d0, d1 := dirOf(h0), dirOf(h1)
	// Corner q = p0 + t0 d0 = p1 - t1 d1.
	den := d0.cross(d1)
	t0 := p1.sub(p0).cross(d1) / den
	q := p0.add(d0.scale(t0))
	a := q.sub(d0.scale(r)) // arc start
	b := q.add(d1.scale(r)) // arc end
	left := den > 0         // counter-clockwise turn
	var c vec
	if left {
		c = a.add(d0.left().scale(r))
	} else {
		c = a.sub(d0.left().scale(r))
	}
	a0 := math.Atan2(a.Y-c.Y, a.X-c.X)
	a1 := math.Atan2(b.Y-c.Y, b.X-c.X)
	if left && a1 < a0 {
		a1 += 2 * math.Pi
	}
	if !left && a1 > a0 {
		a1 -= 2 * math.Pi
	}
	return join(line(p0, a, step), arc(c, r, a0, a1, step), line(b, p1, step))
}

// box returns the four corners of an oriented box, counter-clockwise.
func box(c vec, heading, length, width float64) [4]vec {
	f := dirOf(heading).scale(length / 2)
	l := dirOf(heading).left().scale(width / 2)
	return [4]vec{c.add(f).add(l), c.sub(f).add(l), c.sub(f).sub(l), c.add(f).sub(l)}
}

// boxesOverlap tests two convex quadrilaterals with the separating-axis theorem on their
// edge normals.
func boxesOverlap(a, b [4]vec) bool {
	for _, poly := range [2][4]vec{a, b} {
		for i := 0; i < 4; i++ {
			n := poly[(i+1)%4].sub(poly[i]).left()
			amin, amax := math.Inf(1), math.Inf(-1)
			bmin, bmax := math.Inf(1), math.Inf(-1)
			for k := 0; k < 4; k++ {
				pa, pb := a[k].dot(n), b[k].dot(n)
				amin, amax = math.Min(amin, pa), math.Max(amax, pa)
				bmin, bmax = math.Min(bmin, pb), math.Max(bmax, pb)
			}
			if amax < bmin || bmax < amin {
				return false
			}
		}
	}
	return true
}

// polylineDist returns the distance from q to the polyline and the signed side of q with
// respect to the nearest segment (positive: right of its direction).
func polylineDist(q vec, pts []vec) (dist, side float64) {
	dist = math.Inf(1)
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		ab := b.sub(a)
		l2 := ab.dot(ab)
		t := min(max(q.sub(a).dot(ab)/l2, 0), 1)
		e := q.sub(a.add(ab.scale(t)))
		if d := e.dot(e); d < dist {
			dist = d
			side = -ab.cross(q.sub(a))
		}
	}
	return math.Sqrt(dist), side
}
