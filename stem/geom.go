package stem

import "math"

// Vec is a point or a displacement in the plane, in ångström unless stated otherwise.
type Vec struct{ X, Y float64 }

// Add returns a + b.
func (a Vec) Add(b Vec) Vec { return Vec{a.X + b.X, a.Y + b.Y} }

// Sub returns a − b.
func (a Vec) Sub(b Vec) Vec { return Vec{a.X - b.X, a.Y - b.Y} }

// Scale returns s·a.
func (a Vec) Scale(s float64) Vec { return Vec{s * a.X, s * a.Y} }

// Dot returns the scalar product a·b.
func (a Vec) Dot(b Vec) float64 { return a.X*b.X + a.Y*b.Y }

// Norm returns the length of a.
func (a Vec) Norm() float64 { return math.Hypot(a.X, a.Y) }

// Angle returns the polar angle of a in radians, in (−π, π].
func (a Vec) Angle() float64 { return math.Atan2(a.Y, a.X) }

// Rotate returns a rotated counter-clockwise by theta radians about the origin.
func (a Vec) Rotate(theta float64) Vec {
	s, c := math.Sincos(theta)
	return Vec{c*a.X - s*a.Y, s*a.X + c*a.Y}
}

// dist2 returns |a − b|².
func dist2(a, b Vec) float64 {
	dx, dy := a.X-b.X, a.Y-b.Y
	return dx*dx + dy*dy
}

// third is one third of a turn, the angle between the bonds of a three-fold site.
const third = 2 * math.Pi / 3
