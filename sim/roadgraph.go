package sim

import (
	"fmt"
	"math"
	"sort"
)

// RoadgraphPoints is the static map of a scenario as a flat list of points, the representation
// Waymax uses: each map polyline contributes its points in order, each point carrying the unit
// direction to the next point of the same polyline, the polyline's type code and its map
// feature id. All slices have the same length.
type RoadgraphPoints struct {
	X, Y, Z          []float32
	DirX, DirY, DirZ []float32
	Types            []RoadType
	IDs              []int32
	Valid            []bool
}

// Len returns the number of points.
func (r *RoadgraphPoints) Len() int { return len(r.X) }

// Polyline is one map feature: an ordered list of points with a type and an id.
type Polyline struct {
	ID     int32
	Type   RoadType
	Points [][3]float32
}

// RoadgraphFromPolylines converts map polylines into roadgraph points as Waymax does: every
// polyline point becomes a roadgraph point whose direction is the unit vector to the next point
// of the same polyline. The last point of a polyline repeats the direction of the segment
// before it (Waymax's data leaves it undefined; repeating it keeps the off-road sign test
// meaningful at polyline ends); a single-point feature such as a stop sign has direction zero.
//
// When the polylines hold more than maxPoints points (maxPoints > 0), the points nearest to
// (cx, cy) are kept, in their original order, as Waymax keeps the roadgraph points nearest the
// SDC.
func RoadgraphFromPolylines(lines []Polyline, maxPoints int, cx, cy float32) RoadgraphPoints {
	n := 0
	for _, l := range lines {
		n += len(l.Points)
	}
	var rg RoadgraphPoints
	rg.X = make([]float32, 0, n)
	rg.Y = make([]float32, 0, n)
	rg.Z = make([]float32, 0, n)
	rg.DirX = make([]float32, 0, n)
	rg.DirY = make([]float32, 0, n)
	rg.DirZ = make([]float32, 0, n)
	rg.Types = make([]RoadType, 0, n)
	rg.IDs = make([]int32, 0, n)
	rg.Valid = make([]bool, 0, n)
	for _, l := range lines {
		var dx, dy, dz float32
		for k, p := range l.Points {
			if k+1 < len(l.Points) {
				q := l.Points[k+1]
				ex, ey, ez := q[0]-p[0], q[1]-p[1], q[2]-p[2]
				norm := float32(math.Sqrt(float64(ex*ex + ey*ey + ez*ez)))
				if norm > 1e-6 {
					dx, dy, dz = ex/norm, ey/norm, ez/norm
				}
			}
			rg.X = append(rg.X, p[0])
			rg.Y = append(rg.Y, p[1])
			rg.Z = append(rg.Z, p[2])
			rg.DirX = append(rg.DirX, dx)
			rg.DirY = append(rg.DirY, dy)
			rg.DirZ = append(rg.DirZ, dz)
			rg.Types = append(rg.Types, l.Type)
			rg.IDs = append(rg.IDs, l.ID)
			rg.Valid = append(rg.Valid, true)
		}
	}
	if maxPoints > 0 && n > maxPoints {
		idx := make([]int, n)
		d := make([]float32, n)
		for i := range idx {
			idx[i] = i
			ex, ey := rg.X[i]-cx, rg.Y[i]-cy
			d[i] = ex*ex + ey*ey
		}
		sort.SliceStable(idx, func(a, b int) bool { return d[idx[a]] < d[idx[b]] })
		keep := idx[:maxPoints]
		sort.Ints(keep)
		rg = rg.subset(keep)
	}
	return rg
}

func (r RoadgraphPoints) subset(keep []int) RoadgraphPoints {
	var o RoadgraphPoints
	for _, i := range keep {
		o.X = append(o.X, r.X[i])
		o.Y = append(o.Y, r.Y[i])
		o.Z = append(o.Z, r.Z[i])
		o.DirX = append(o.DirX, r.DirX[i])
		o.DirY = append(o.DirY, r.DirY[i])
		o.DirZ = append(o.DirZ, r.DirZ[i])
		o.Types = append(o.Types, r.Types[i])
		o.IDs = append(o.IDs, r.IDs[i])
		o.Valid = append(o.Valid, r.Valid[i])
	}
	return o
}

// TrafficLights holds the states of NumLights signals over NumSteps steps, object-major like
// Trajectory (light j at step t is at index j*NumSteps + t). X, Y, Z is the stop point on the
// controlled lane, LaneID the id of that lane.
type TrafficLights struct {
	NumLights, NumSteps int

	X, Y, Z []float32
	State   []LightState
	LaneID  []int32
	Valid   []bool
}

// NewTrafficLights returns n lights over t steps, all invalid.
func NewTrafficLights(n, t int) TrafficLights {
	m := n * t
	return TrafficLights{
		NumLights: n, NumSteps: t,
		X: make([]float32, m), Y: make([]float32, m), Z: make([]float32, m),
		State: make([]LightState, m), LaneID: make([]int32, m), Valid: make([]bool, m),
	}
}

// Paths is a set of NumPaths candidate routes for the SDC, each sampled at up to
// PointsPerPath points (path p, point k at index p*PointsPerPath + k). ArcLength is the
// distance along the path from its first point; OnRoute marks, per path, the paths that
// follow the SDC's logged route (the others are legal alternatives branching off it).
type Paths struct {
	NumPaths, PointsPerPath int

	X, Y, Z   []float32
	ArcLength []float32
	IDs       []int32 // lane id each point came from
	Valid     []bool
	OnRoute   []bool // one per path
}

// Scenario is the logged data of one driving scene: object trajectories and metadata, the
// roadgraph, traffic lights over time and the SDC's route paths. A Scenario is immutable
// once built and safe for concurrent use by many simulations.
type Scenario struct {
	// ID is the scenario id of the source data.
	ID string
	// Log is the logged trajectory of every object.
	Log *Trajectory
	// Meta describes the objects.
	Meta ObjectMetadata
	// Roadgraph is the static map.
	Roadgraph RoadgraphPoints
	// Lights holds the traffic-light states over time.
	Lights TrafficLights
	// Paths holds the SDC's route paths (NumPaths zero when unknown).
	Paths Paths
	// SDC is the index of the self-driving car, or −1.
	SDC int
	// InitStep is the step at which simulation starts (DefaultInitStep for WOMD).
	InitStep int
	// Dt is the duration of a step in seconds.
	Dt float32

	edgeOnce gridOnce
	allOnce  gridOnce
}

// Validate checks that the scenario's arrays agree in shape and returns an error describing
// the first inconsistency. Scenarios built from external data are validated before use.
func (sc *Scenario) Validate() error {
	if sc.Log == nil {
		return fmt.Errorf("sim: scenario %q has no log trajectory", sc.ID)
	}
	n, t := sc.Log.NumObjects, sc.Log.NumSteps
	m := n * t
	for name, l := range map[string]int{"x": len(sc.Log.X), "y": len(sc.Log.Y), "z": len(sc.Log.Z),
		"vel_x": len(sc.Log.VelX), "vel_y": len(sc.Log.VelY), "yaw": len(sc.Log.Yaw), "length": len(sc.Log.Length),
		"width": len(sc.Log.Width), "height": len(sc.Log.Height), "valid": len(sc.Log.Valid), "timestamp": len(sc.Log.Timestamp)} {
		if l != m {
			return fmt.Errorf("sim: scenario %q: log %s has %d entries, want %d×%d", sc.ID, name, l, n, t)
		}
	}
	md := sc.Meta
	for name, l := range map[string]int{"ids": len(md.IDs), "types": len(md.Types), "is_sdc": len(md.IsSDC),
		"is_modeled": len(md.IsModeled), "objects_of_interest": len(md.ObjectsOfInterest), "is_controlled": len(md.IsControlled)} {
		if l != n {
			return fmt.Errorf("sim: scenario %q: metadata %s has %d entries, want %d", sc.ID, name, l, n)
		}
	}
	if sc.SDC >= n || sc.SDC < -1 {
		return fmt.Errorf("sim: scenario %q: SDC index %d out of range [−1, %d)", sc.ID, sc.SDC, n)
	}
	if sc.InitStep < 0 || sc.InitStep >= t {
		return fmt.Errorf("sim: scenario %q: init step %d out of range [0, %d)", sc.ID, sc.InitStep, t)
	}
	rg := &sc.Roadgraph
	np := len(rg.X)
	for name, l := range map[string]int{"y": len(rg.Y), "z": len(rg.Z), "dir_x": len(rg.DirX), "dir_y": len(rg.DirY),
		"dir_z": len(rg.DirZ), "types": len(rg.Types), "ids": len(rg.IDs), "valid": len(rg.Valid)} {
		if l != np {
			return fmt.Errorf("sim: scenario %q: roadgraph %s has %d entries, want %d", sc.ID, name, l, np)
		}
	}
	tl := &sc.Lights
	ml := tl.NumLights * tl.NumSteps
	if len(tl.X) != ml || len(tl.Y) != ml || len(tl.Z) != ml || len(tl.State) != ml || len(tl.LaneID) != ml || len(tl.Valid) != ml {
		return fmt.Errorf("sim: scenario %q: traffic light arrays do not match %d lights × %d steps", sc.ID, tl.NumLights, tl.NumSteps)
	}
	if tl.NumLights > 0 && tl.NumSteps != t {
		return fmt.Errorf("sim: scenario %q: traffic lights have %d steps, log has %d", sc.ID, tl.NumSteps, t)
	}
	p := &sc.Paths
	mp := p.NumPaths * p.PointsPerPath
	if len(p.X) != mp || len(p.Y) != mp || len(p.Z) != mp || len(p.ArcLength) != mp || len(p.IDs) != mp || len(p.Valid) != mp || len(p.OnRoute) != p.NumPaths {
		return fmt.Errorf("sim: scenario %q: path arrays do not match %d paths × %d points", sc.ID, p.NumPaths, p.PointsPerPath)
	}
	if sc.Dt <= 0 {
		return fmt.Errorf("sim: scenario %q: non-positive step duration %g", sc.ID, sc.Dt)
	}
	return nil
}
