package sim

import "math"

// WrapAngle maps an angle in radians to [−π, π).
func WrapAngle(a float32) float32 {
	const twoPi = 2 * math.Pi
	w := math.Mod(float64(a)+math.Pi, twoPi)
	if w < 0 {
		w += twoPi
	}
	return float32(w - math.Pi)
}

func sincos32(a float32) (float32, float32) {
	s, c := math.Sincos(float64(a))
	return float32(s), float32(c)
}

// boxCorners returns the corners of a box of the given centre, length (along the heading),
// width and heading, counter-clockwise from the front-left corner.
func boxCorners(x, y, length, width, yaw float32) [4][2]float32 {
	s, c := sincos32(yaw)
	hl, hw := length/2, width/2
	// Forward axis (c, s), left axis (−s, c).
	fx, fy := c*hl, s*hl
	lx, ly := -s*hw, c*hw
	return [4][2]float32{
		{x + fx + lx, y + fy + ly}, // front left
		{x - fx + lx, y - fy + ly}, // rear left
		{x - fx - lx, y - fy - ly}, // rear right
		{x + fx - lx, y + fy - ly}, // front right
	}
}

// Box is an oriented rectangle prepared for repeated overlap tests: its centre, unit axes,
// half extents, corners and bounding radius.
type Box struct {
	X, Y         float32
	AxX, AxY     float32 // unit heading axis
	HalfL, HalfW float32
	Radius       float32
	Corners      [4][2]float32
}

// MakeBox prepares the box of an object state.
func MakeBox(x, y, length, width, yaw float32) Box {
	s, c := sincos32(yaw)
	hl, hw := length/2, width/2
	b := Box{X: x, Y: y, AxX: c, AxY: s, HalfL: hl, HalfW: hw}
	b.Radius = float32(math.Sqrt(float64(hl*hl + hw*hw)))
	fx, fy := c*hl, s*hl
	lx, ly := -s*hw, c*hw
	b.Corners = [4][2]float32{
		{x + fx + lx, y + fy + ly},
		{x - fx + lx, y - fy + ly},
		{x - fx - lx, y - fy - ly},
		{x + fx - lx, y + fy - ly},
	}
	return b
}

// projectedRadius returns the half length of b's projection onto the unit axis (ux, uy).
func (b *Box) projectedRadius(ux, uy float32) float32 {
	return b.HalfL*abs32(b.AxX*ux+b.AxY*uy) + b.HalfW*abs32(-b.AxY*ux+b.AxX*uy)
}

// Overlaps reports whether the two boxes intersect (touching counts), by the separating-axis
// test on the four edge normals of the two rectangles after a bounding-circle rejection.
func (b *Box) Overlaps(o *Box) bool {
	dx, dy := o.X-b.X, o.Y-b.Y
	rr := b.Radius + o.Radius
	if dx*dx+dy*dy > rr*rr {
		return false
	}
	axes := [4][2]float32{{b.AxX, b.AxY}, {-b.AxY, b.AxX}, {o.AxX, o.AxY}, {-o.AxY, o.AxX}}
	for _, a := range axes {
		d := abs32(dx*a[0] + dy*a[1])
		if d > b.projectedRadius(a[0], a[1])+o.projectedRadius(a[0], a[1]) {
			return false
		}
	}
	return true
}

// BoxesOverlap reports whether two oriented boxes, each given by centre, length, width and
// heading, intersect.
func BoxesOverlap(x1, y1, l1, w1, yaw1, x2, y2, l2, w2, yaw2 float32) bool {
	a := MakeBox(x1, y1, l1, w1, yaw1)
	b := MakeBox(x2, y2, l2, w2, yaw2)
	return a.Overlaps(&b)
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

func hypot32(x, y float32) float32 { return float32(math.Sqrt(float64(x*x + y*y))) }
