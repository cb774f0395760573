package womd

import "math"

// RoadgraphType is the per-point map type code used by Waymax (MapElementIds) and by the
// WOMD tf.Example format.
type RoadgraphType int32

// Roadgraph type codes. Lanes keep their LaneType value, road lines are their RoadLineType
// plus 5, road edges their RoadEdgeType plus 14; 4 is unused.
const (
	RGUnknown                     RoadgraphType = -1
	RGLaneUndefined               RoadgraphType = 0
	RGLaneFreeway                 RoadgraphType = 1
	RGLaneSurfaceStreet           RoadgraphType = 2
	RGLaneBikeLane                RoadgraphType = 3
	RGRoadLineUnknown             RoadgraphType = 5
	RGRoadLineBrokenSingleWhite   RoadgraphType = 6
	RGRoadLineSolidSingleWhite    RoadgraphType = 7
	RGRoadLineSolidDoubleWhite    RoadgraphType = 8
	RGRoadLineBrokenSingleYellow  RoadgraphType = 9
	RGRoadLineBrokenDoubleYellow  RoadgraphType = 10
	RGRoadLineSolidSingleYellow   RoadgraphType = 11
	RGRoadLineSolidDoubleYellow   RoadgraphType = 12
	RGRoadLinePassingDoubleYellow RoadgraphType = 13
	RGRoadEdgeUnknown             RoadgraphType = 14
	RGRoadEdgeBoundary            RoadgraphType = 15
	RGRoadEdgeMedian              RoadgraphType = 16
	RGStopSign                    RoadgraphType = 17
	RGCrosswalk                   RoadgraphType = 18
	RGSpeedBump                   RoadgraphType = 19
)

// IsLane reports whether t is a lane centre type (0–3).
func (t RoadgraphType) IsLane() bool { return t >= RGLaneUndefined && t <= RGLaneBikeLane }

// IsRoadLine reports whether t is a painted road line type (5–13).
func (t RoadgraphType) IsRoadLine() bool {
	return t >= RGRoadLineUnknown && t <= RGRoadLinePassingDoubleYellow
}

// IsRoadEdge reports whether t is a road edge of the kinds the off-road metric uses
// (boundary or median), as Waymax's is_road_edge.
func (t RoadgraphType) IsRoadEdge() bool { return t == RGRoadEdgeBoundary || t == RGRoadEdgeMedian }

// RoadgraphType returns the roadgraph type code of the feature, or RGUnknown for a
// driveway, an empty feature or an out-of-range enum value.
func (f *MapFeature) RoadgraphType() RoadgraphType {
	switch f.Kind() {
	case KindLane:
		if t := f.Lane.Type; t >= 0 && t <= 3 {
			return RoadgraphType(t)
		}
	case KindRoadLine:
		if t := f.RoadLine.Type; t >= 0 && t <= 8 {
			return RoadgraphType(t) + RGRoadLineUnknown
		}
	case KindRoadEdge:
		if t := f.RoadEdge.Type; t >= 0 && t <= 2 {
			return RoadgraphType(t) + RGRoadEdgeUnknown
		}
	case KindStopSign:
		return RGStopSign
	case KindCrosswalk:
		return RGCrosswalk
	case KindSpeedBump:
		return RGSpeedBump
	}
	return RGUnknown
}

// RoadgraphPoint is one sampled map point as in Waymax's RoadgraphPoints: position, unit
// direction, type code and the ID of the feature it belongs to.
type RoadgraphPoint struct {
	X, Y, Z          float64
	DirX, DirY, DirZ float64
	Type             RoadgraphType
	ID               int64
}

// AppendRoadgraphPoints converts map features to roadgraph points, appending to dst, in
// feature order. Conventions (those of the WOMD tf.Example roadgraph_samples that Waymax
// reads):
//
//   - every polyline vertex becomes a point whose direction is the unit vector to the next
//     vertex; the last vertex of an open polyline (lane, road line, road edge) repeats the
//     direction of the segment before it, so every point of a curve has a tangent (the
//     off-road metric takes its sign from it); polygons (crosswalk, speed bump) are closed,
//     the last vertex pointing to the first; a stop sign is one point with zero direction;
//   - repeated vertices take the direction of the previous segment;
//   - spacing > 0 first resamples each polyline at that arc length (WOMD's are about
//     0.5 m); spacing <= 0 keeps the vertices as they are;
//   - driveways and features with no member or an unknown type are skipped (Waymax has no
//     code for them).
func AppendRoadgraphPoints(dst []RoadgraphPoint, features []MapFeature, spacing float64) []RoadgraphPoint {
	for i := range features {
		f := &features[i]
		t := f.RoadgraphType()
		if t == RGUnknown {
			continue
		}
		switch f.Kind() {
		case KindLane:
			dst = appendPolyline(dst, f.Lane.Polyline, false, spacing, t, f.ID)
		case KindRoadLine:
			dst = appendPolyline(dst, f.RoadLine.Polyline, false, spacing, t, f.ID)
		case KindRoadEdge:
			dst = appendPolyline(dst, f.RoadEdge.Polyline, false, spacing, t, f.ID)
		case KindCrosswalk:
			dst = appendPolyline(dst, f.Crosswalk.Points, true, spacing, t, f.ID)
		case KindSpeedBump:
			dst = appendPolyline(dst, f.SpeedBump.Points, true, spacing, t, f.ID)
		case KindStopSign:
			p := f.StopSign.Position
			dst = append(dst, RoadgraphPoint{X: p.X, Y: p.Y, Z: p.Z, Type: t, ID: f.ID})
		}
	}
	return dst
}

// appendPolyline appends the points of one polyline or polygon.
func appendPolyline(dst []RoadgraphPoint, pts []MapPoint, closed bool, spacing float64, t RoadgraphType, id int64) []RoadgraphPoint {
	if len(pts) == 0 {
		return dst
	}
	if spacing > 0 {
		pts = Resample(pts, closed, spacing)
	}
	start := len(dst)
	for _, p := range pts {
		dst = append(dst, RoadgraphPoint{X: p.X, Y: p.Y, Z: p.Z, Type: t, ID: id})
	}
	out := dst[start:]
	n := len(out)
	var last [3]float64
	haveLast := false
	for i := range out {
		j := i + 1
		if j == n {
			if !closed {
				break
			}
			j = 0
		}
		dx, dy, dz := out[j].X-out[i].X, out[j].Y-out[i].Y, out[j].Z-out[i].Z
		l := math.Sqrt(dx*dx + dy*dy + dz*dz)
		if l > 1e-9 {
			last = [3]float64{dx / l, dy / l, dz / l}
			haveLast = true
		}
		if haveLast {
			out[i].DirX, out[i].DirY, out[i].DirZ = last[0], last[1], last[2]
		}
	}
	if !closed && n > 1 {
		out[n-1].DirX, out[n-1].DirY, out[n-1].DirZ = last[0], last[1], last[2]
	}
	// Leading repeated vertices had no previous segment: give them the first direction.
	if haveLast {
		k := 0
		for k < n && !haveDir(out[k]) {
			k++
		}
		for i := 0; i < k && k < n; i++ {
			out[i].DirX, out[i].DirY, out[i].DirZ = out[k].DirX, out[k].DirY, out[k].DirZ
		}
	}
	return dst
}

func haveDir(p RoadgraphPoint) bool { return p.DirX != 0 || p.DirY != 0 || p.DirZ != 0 }

// MaxResamplePoints bounds the samples Resample produces for one polyline (a 500 km
// polyline at 0.5 m), so that hostile coordinates cannot exhaust memory.
const MaxResamplePoints = 1 << 20

// Resample returns points spaced spacing metres apart along the polyline (closed: the
// polygon ring back to its first point), starting at its first point and always keeping
// its last vertex (for a closed ring, the last sample before the first point). Inputs with
// fewer than two points, spacing <= 0, non-finite coordinates, or a length that would need
// more than MaxResamplePoints samples are returned unchanged.
func Resample(pts []MapPoint, closed bool, spacing float64) []MapPoint {
	if len(pts) < 2 || !(spacing > 0) {
		return pts
	}
	ring := pts
	if closed {
		ring = append(append(make([]MapPoint, 0, len(pts)+1), pts...), pts[0])
	}
	total := 0.0
	for i := 0; i+1 < len(ring); i++ {
		a, b := ring[i], ring[i+1]
		total += math.Sqrt((b.X-a.X)*(b.X-a.X) + (b.Y-a.Y)*(b.Y-a.Y) + (b.Z-a.Z)*(b.Z-a.Z))
	}
	if !(total/spacing < MaxResamplePoints) { // also catches NaN and Inf
		return pts
	}
	out := []MapPoint{ring[0]}
	carry := 0.0 // arc length travelled since the last sample
	for i := 0; i+1 < len(ring); i++ {
		a, b := ring[i], ring[i+1]
		dx, dy, dz := b.X-a.X, b.Y-a.Y, b.Z-a.Z
		l := math.Sqrt(dx*dx + dy*dy + dz*dz)
		if l == 0 {
			continue
		}
		s := spacing - carry
		for s <= l+1e-12 {
			if s > l {
				s = l
			}
			f := s / l
			out = append(out, MapPoint{X: a.X + f*dx, Y: a.Y + f*dy, Z: a.Z + f*dz})
			s += spacing
		}
		carry = l - (s - spacing)
	}
	last := ring[len(ring)-1]
	if closed {
		// Drop the sample that coincides with the ring's first point.
		if e := out[len(out)-1]; len(out) > 1 && math.Abs(e.X-last.X)+math.Abs(e.Y-last.Y)+math.Abs(e.Z-last.Z) < 1e-9 {
			out = out[:len(out)-1]
		}
		return out
	}
	if e := out[len(out)-1]; math.Abs(e.X-last.X)+math.Abs(e.Y-last.Y)+math.Abs(e.Z-last.Z) > 1e-9 {
		out = append(out, last)
	}
	return out
}
