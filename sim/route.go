package sim

import (
	"math"
)

// Lane is a lane centre line of the lane graph: its points in driving direction and the ids
// of the lanes it continues into.
type Lane struct {
	ID     int64
	Points [][2]float64
	Exits  []int64
}

// RouteConfig controls how route paths are derived from the lane graph.
type RouteConfig struct {
	// MaxPaths caps the number of paths (default 16).
	MaxPaths int
	// Spacing is the distance between path points in metres (default 1).
	Spacing float64
	// StartRadius is how far from the SDC's initial position a lane may start a path
	// (default 4 m); StartHeading the largest heading difference in radians (default π/3).
	StartRadius, StartHeading float64
	// ExtraLength is how far, in metres, paths extend beyond the SDC's logged travel
	// (default 30; paths are at least 50 m long).
	ExtraLength float64
	// OnRouteTolerance is the largest distance in metres between the SDC's last logged
	// position and an on-route path (default 3).
	OnRouteTolerance float64
}

func (c RouteConfig) withDefaults() RouteConfig {
	if c.MaxPaths <= 0 {
		c.MaxPaths = 16
	}
	if c.Spacing <= 0 {
		c.Spacing = 1
	}
	if c.StartRadius <= 0 {
		c.StartRadius = 4
	}
	if c.StartHeading <= 0 {
		c.StartHeading = math.Pi / 3
	}
	if c.ExtraLength <= 0 {
		c.ExtraLength = 30
	}
	if c.OnRouteTolerance <= 0 {
		c.OnRouteTolerance = 3
	}
	return c
}

// BuildRoutePaths derives SDC route paths from the lane graph, since WOMD scenarios carry
// none. Starting lanes are those passing within StartRadius of the SDC's position at the
// initial step with a heading within StartHeading of the SDC's; from the SDC's projection on
// each, a depth-first walk over exit lanes enumerates the lane sequences, each cut at the
// SDC's logged travel distance plus ExtraLength and resampled every Spacing metres. A path
// is on route when the SDC's last valid logged position lies within OnRouteTolerance of it.
// When no path qualifies, the path that comes closest is marked on route, so that the route
// metrics stay defined; when no lane qualifies as a start, there are no paths.
//
// The SDC's logged states (positions, yaw, validity) are read from log at object sdc.
func BuildRoutePaths(lanes []Lane, log *Trajectory, sdc, initStep int, cfg RouteConfig) Paths {
	cfg = cfg.withDefaults()
	if sdc < 0 || sdc >= log.NumObjects {
		return Paths{}
	}
	start := log.At(sdc, initStep)
	if !start.Valid {
		return Paths{}
	}
	// Logged travel and final position.
	var travel float64
	end := start
	prev := start
	for t := initStep + 1; t < log.NumSteps; t++ {
		st := log.At(sdc, t)
		if !st.Valid {
			continue
		}
		travel += math.Hypot(float64(st.X-prev.X), float64(st.Y-prev.Y))
		prev, end = st, st
	}
	length := max(travel+cfg.ExtraLength, 50)
	byID := make(map[int64]int, len(lanes))
	for i, l := range lanes {
		byID[l.ID] = i
	}
	sx, sy, syaw := float64(start.X), float64(start.Y), float64(start.Yaw)
	type seq struct {
		lanes []int
		seg   int     // segment of the first lane holding the projection
		frac  float64 // position within that segment
	}
	var starts []seq
	for i, l := range lanes {
		seg, frac, d, heading := projectPolyline(l.Points, sx, sy)
		if seg < 0 || d > cfg.StartRadius {
			continue
		}
		if math.Abs(float64(WrapAngle(float32(heading-syaw)))) > cfg.StartHeading {
			continue
		}
		starts = append(starts, seq{lanes: []int{i}, seg: seg, frac: frac})
	}
	var out [][][2]float64
	var outIDs [][]int64
	for _, st := range starts {
		// Depth-first enumeration of lane sequences long enough to cover the length.
		var walk func(path []int, have float64)
		walk = func(path []int, have float64) {
			if len(out) >= cfg.MaxPaths {
				return
			}
			last := lanes[path[len(path)-1]]
			if have >= length || len(last.Exits) == 0 || len(path) > 64 {
				pts, ids := samplePath(lanes, path, st.seg, st.frac, length, cfg.Spacing)
				out = append(out, pts)
				outIDs = append(outIDs, ids)
				return
			}
			extended := false
			for _, e := range last.Exits {
				j, ok := byID[e]
				if !ok || containsInt(path, j) {
					continue
				}
				extended = true
				walk(append(path[:len(path):len(path)], j), have+polylineLength(lanes[j].Points, 0))
			}
			if !extended {
				pts, ids := samplePath(lanes, path, st.seg, st.frac, length, cfg.Spacing)
				out = append(out, pts)
				outIDs = append(outIDs, ids)
			}
		}
		first := lanes[st.lanes[0]].Points
		rest := polylineLength(first, st.seg) - st.frac*segLen(first, st.seg)
		walk(st.lanes, rest)
	}
	if len(out) == 0 {
		return Paths{}
	}
	K := 0
	for _, p := range out {
		K = max(K, len(p))
	}
	P := len(out)
	paths := Paths{NumPaths: P, PointsPerPath: K,
		X: make([]float32, P*K), Y: make([]float32, P*K), Z: make([]float32, P*K),
		ArcLength: make([]float32, P*K), IDs: make([]int32, P*K), Valid: make([]bool, P*K), OnRoute: make([]bool, P)}
	ex, ey := float64(end.X), float64(end.Y)
	bestQ, bestD := -1, math.Inf(1)
	for q, p := range out {
		d := math.Inf(1)
		for k, pt := range p {
			i := q*K + k
			paths.X[i], paths.Y[i] = float32(pt[0]), float32(pt[1])
			paths.ArcLength[i] = float32(float64(k) * cfg.Spacing)
			paths.IDs[i] = int32(outIDs[q][k])
			paths.Valid[i] = true
			d = min(d, math.Hypot(pt[0]-ex, pt[1]-ey))
		}
		paths.OnRoute[q] = d <= cfg.OnRouteTolerance
		if d < bestD {
			bestD, bestQ = d, q
		}
	}
	if !containsBool(paths.OnRoute) && bestQ >= 0 {
		paths.OnRoute[bestQ] = true
	}
	return paths
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func containsBool(s []bool) bool {
	for _, x := range s {
		if x {
			return true
		}
	}
	return false
}

func segLen(p [][2]float64, k int) float64 {
	return math.Hypot(p[k+1][0]-p[k][0], p[k+1][1]-p[k][1])
}

// polylineLength returns the length of p from vertex k to the end.
func polylineLength(p [][2]float64, k int) float64 {
	var l float64
	for i := k; i+1 < len(p); i++ {
		l += segLen(p, i)
	}
	return l
}

// projectPolyline returns the segment and fraction of the point of p nearest to (x, y), the
// distance to it and the segment's heading; seg is −1 for polylines of fewer than 2 points.
func projectPolyline(p [][2]float64, x, y float64) (seg int, frac, dist, heading float64) {
	seg, dist = -1, math.Inf(1)
	for k := 0; k+1 < len(p); k++ {
		ax, ay := p[k][0], p[k][1]
		ex, ey := p[k+1][0]-ax, p[k+1][1]-ay
		l2 := ex*ex + ey*ey
		if l2 == 0 {
			continue
		}
		f := min(max(((x-ax)*ex+(y-ay)*ey)/l2, 0), 1)
		if d := math.Hypot(ax+f*ex-x, ay+f*ey-y); d < dist {
			seg, frac, dist, heading = k, f, d, math.Atan2(ey, ex)
		}
	}
	return
}

// samplePath walks the lane sequence from the projection (segment seg, fraction frac of the
// first lane) and samples a point every spacing metres up to length metres.
func samplePath(lanes []Lane, seq []int, seg int, frac, length, spacing float64) ([][2]float64, []int64) {
	var pts [][2]float64
	var ids []int64
	next := 0.0 // arc length of the next sample
	arc := 0.0
	for li, l := range seq {
		p := lanes[l].Points
		k0 := 0
		if li == 0 {
			k0 = seg
		}
		for k := k0; k+1 < len(p); k++ {
			ax, ay := p[k][0], p[k][1]
			ex, ey := p[k+1][0]-ax, p[k+1][1]-ay
			sl := math.Hypot(ex, ey)
			f0 := 0.0
			if li == 0 && k == seg {
				f0 = frac
			}
			avail := sl * (1 - f0)
			for next <= arc+avail && next <= length {
				f := f0 + (next-arc)/max(sl, 1e-9)
				pts = append(pts, [2]float64{ax + f*ex, ay + f*ey})
				ids = append(ids, lanes[l].ID)
				next += spacing
			}
			arc += avail
		}
	}
	return pts, ids
}
