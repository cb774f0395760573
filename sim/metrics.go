package sim

import (
	"fmt"
	"math"
	"sort"
	"sync"
)

// MetricFunc computes a metric of the state at its current step: value[i] and valid[i] for
// every object i (both slices have one entry per object). Metrics about the SDC alone fill the
// SDC's entry and mark every other entry invalid. A MetricFunc must not allocate in steady
// state and must not modify the state other than its scratch buffers.
type MetricFunc func(s *SimulatorState, value []float32, valid []bool)

// Thresholds of the built-in metrics, Waymax's values.
const (
	// InfeasibleAccel bounds |acceleration| (m/s²) of a kinematically feasible step.
	InfeasibleAccel = 10.4
	// InfeasibleCurvature bounds |curvature| (1/m) of a kinematically feasible step.
	InfeasibleCurvature = 0.3
	// WrongWayDistance is the distance (m) to the nearest route path beyond which the SDC is
	// driving the wrong way.
	WrongWayDistance = 3.5
	// OffRouteDistance is the distance (m) to the nearest on-route path beyond which the SDC is
	// off route.
	OffRouteDistance = 5
	// OffRouteRelativeDistance is how much farther (m) the nearest on-route path may be than
	// the nearest off-route path before the SDC counts as off route.
	OffRouteRelativeDistance = 2
	// roadEdgeZStretch scales height differences when matching points to road edges.
	roadEdgeZStretch = 2
	// Tolerances absorbing float32 rounding when the bicycle inverse is recomputed from states
	// that the bicycle model itself produced at its bounds.
	infeasibleAccelTol     = 1e-2
	infeasibleCurvatureTol = 1e-3
)

// Overlap sets value[i] to 1 when object i's box intersects the box of another valid object
// at the current step (separating-axis test), 0 otherwise; valid[i] is the object's validity.
func Overlap(s *SimulatorState, value []float32, valid []bool) {
	n := s.NumObjects()
	checkMetricShape("Overlap", n, value, valid)
	boxes := s.currentBoxes()
	T, t := s.Sim.NumSteps, s.Timestep
	for i := range n {
		value[i] = 0
		valid[i] = s.Sim.Valid[i*T+t]
	}
	for i := range n {
		if !valid[i] {
			continue
		}
		bi := &boxes[i]
		for j := i + 1; j < n; j++ {
			if !valid[j] {
				continue
			}
			if bi.Overlaps(&boxes[j]) {
				value[i], value[j] = 1, 1
			}
		}
	}
}

// OffRoad sets value[i] to 1 when any corner of object i's box lies off the road at the
// current step: its signed distance to the nearest road edge (SignedDistanceToRoadEdge) is
// positive. valid[i] is the object's validity; with no road edges nothing is off road.
func OffRoad(s *SimulatorState, value []float32, valid []bool) {
	n := s.NumObjects()
	checkMetricShape("OffRoad", n, value, valid)
	sc := s.Scenario
	g := sc.EdgeIndex()
	tr := &s.Sim
	T, t := tr.NumSteps, s.Timestep
	for i := range n {
		k := i*T + t
		value[i] = 0
		valid[i] = tr.Valid[k]
		if !valid[i] || g.Len() == 0 {
			continue
		}
		c := boxCorners(tr.X[k], tr.Y[k], tr.Length[k], tr.Width[k], tr.Yaw[k])
		for _, p := range c {
			if signedDistance(sc, g, p[0], p[1], tr.Z[k]) > 0 {
				value[i] = 1
				break
			}
		}
	}
}

// SignedDistanceToRoadEdge returns the signed planar distance from (x, y, z) to the nearest
// road-edge point (boundary or median; height differences count double in choosing it):
// negative on the drivable side, positive off the road. The side comes from the cross product
// of the offset from the edge point with the edge direction, as in Waymax: road edges run
// with the drivable surface on their left. At a polyline vertex the smaller of the cross
// products with the incoming and outgoing directions decides, which handles convex and
// concave corners. It returns −Inf when the scenario has no road edges.
func SignedDistanceToRoadEdge(sc *Scenario, x, y, z float32) float32 {
	return signedDistance(sc, sc.EdgeIndex(), x, y, z)
}

func signedDistance(sc *Scenario, g *Grid, x, y, z float32) float32 {
	nearest, _ := g.Nearest(x, y, z, roadEdgeZStretch)
	if nearest < 0 {
		return float32(math.Inf(-1))
	}
	rg := &sc.Roadgraph
	px, py := x-rg.X[nearest], y-rg.Y[nearest]
	cross := px*rg.DirY[nearest] - py*rg.DirX[nearest]
	if prior := nearest - 1; prior >= 0 && rg.IDs[prior] == rg.IDs[nearest] && rg.Valid[prior] {
		cp := px*rg.DirY[prior] - py*rg.DirX[prior]
		if cp < cross {
			cross = cp
		}
	}
	d := hypot32(px, py)
	switch {
	case cross > 0:
		return d
	case cross < 0:
		return -d
	}
	return 0
}

// LogDivergence sets value[i] to the planar distance between object i's simulated and logged
// positions at the current step, valid where both are valid. Averaged over a rollout it is the
// average displacement error (ADE).
func LogDivergence(s *SimulatorState, value []float32, valid []bool) {
	n := s.NumObjects()
	checkMetricShape("LogDivergence", n, value, valid)
	sim, log := &s.Sim, s.Log()
	T, t := sim.NumSteps, s.Timestep
	for i := range n {
		k := i*T + t
		valid[i] = sim.Valid[k] && log.Valid[k]
		value[i] = 0
		if valid[i] {
			value[i] = hypot32(sim.X[k]-log.X[k], sim.Y[k]-log.Y[k])
		}
	}
}

// KinematicInfeasibility sets value[i] to 1 when the bicycle inverse of object i's last
// simulated transition (previous step → current step) needs |acceleration| above
// InfeasibleAccel or |curvature| above InfeasibleCurvature, valid where both states are valid
// and the current step is not the first.
func KinematicInfeasibility(s *SimulatorState, value []float32, valid []bool) {
	n := s.NumObjects()
	checkMetricShape("KinematicInfeasibility", n, value, valid)
	t := s.Timestep
	for i := range n {
		value[i], valid[i] = 0, false
		if t == 0 {
			continue
		}
		a, b := s.Sim.At(i, t-1), s.Sim.At(i, t)
		if !a.Valid || !b.Valid {
			continue
		}
		valid[i] = true
		acc, k := BicycleInverse(a, b, s.Dt())
		if abs32(acc) > InfeasibleAccel+infeasibleAccelTol || abs32(k) > InfeasibleCurvature+infeasibleCurvatureTol {
			value[i] = 1
		}
	}
}

// sdcPathDistances returns the SDC's current position and its smallest distances to valid
// on-route and off-route path points (+Inf when there are none), and whether the SDC is valid.
func sdcPathDistances(s *SimulatorState) (onRoute, offRoute float32, ok bool) {
	sc := s.Scenario
	inf := float32(math.Inf(1))
	if sc.SDC < 0 {
		return inf, inf, false
	}
	cur := s.Current(sc.SDC)
	if !cur.Valid {
		return inf, inf, false
	}
	p := &sc.Paths
	onRoute, offRoute = inf, inf
	for q := range p.NumPaths {
		best := inf
		for k := q * p.PointsPerPath; k < (q+1)*p.PointsPerPath; k++ {
			if !p.Valid[k] {
				continue
			}
			dx, dy := p.X[k]-cur.X, p.Y[k]-cur.Y
			best = min(best, dx*dx+dy*dy)
		}
		if p.OnRoute[q] {
			onRoute = min(onRoute, best)
		} else {
			offRoute = min(offRoute, best)
		}
	}
	return float32(math.Sqrt(float64(onRoute))), float32(math.Sqrt(float64(offRoute))), true
}

func sdcOnly(s *SimulatorState, value []float32, valid []bool) int {
	for i := range value {
		value[i], valid[i] = 0, false
	}
	return s.Scenario.SDC
}

// WrongWay fills the SDC's entry with its distance to the nearest point of any route path when
// that exceeds WrongWayDistance, and 0 otherwise (Waymax's wrong-way metric); valid when the
// SDC and at least one path point are valid.
func WrongWay(s *SimulatorState, value []float32, valid []bool) {
	checkMetricShape("WrongWay", s.NumObjects(), value, valid)
	sdc := sdcOnly(s, value, valid)
	on, off, ok := sdcPathDistances(s)
	d := min(on, off)
	if !ok || math.IsInf(float64(d), 1) {
		return
	}
	valid[sdc] = true
	if d >= WrongWayDistance {
		value[sdc] = d
	}
}

// OffRoute fills the SDC's entry with its distance to the nearest on-route path when it is off
// route — farther than OffRouteDistance from every on-route path, or more than
// OffRouteRelativeDistance farther from the on-route paths than from an off-route one — and 0
// otherwise; valid when the SDC and an on-route path point are valid.
func OffRoute(s *SimulatorState, value []float32, valid []bool) {
	checkMetricShape("OffRoute", s.NumObjects(), value, valid)
	sdc := sdcOnly(s, value, valid)
	on, off, ok := sdcPathDistances(s)
	if !ok || math.IsInf(float64(on), 1) {
		return
	}
	valid[sdc] = true
	if on > OffRouteDistance || on-off > OffRouteRelativeDistance {
		value[sdc] = on
	}
}

// Progression fills the SDC's entry with its progress along the route: on the on-route path
// nearest to the SDC, the arc length at the SDC's current position minus that at its logged
// position at the initial step, divided by the same difference for its last valid logged
// position (1 when the log does not move along the path). The expert therefore reaches 1 at
// the last step. Valid when the SDC and an on-route path are valid.
func Progression(s *SimulatorState, value []float32, valid []bool) {
	checkMetricShape("Progression", s.NumObjects(), value, valid)
	sdc := sdcOnly(s, value, valid)
	sc := s.Scenario
	if sdc < 0 {
		return
	}
	cur := s.Current(sdc)
	if !cur.Valid {
		return
	}
	p := &sc.Paths
	log := sc.Log
	start := log.At(sdc, sc.InitStep)
	end := start
	for t := log.NumSteps - 1; t >= sc.InitStep; t-- {
		if st := log.At(sdc, t); st.Valid {
			end = st
			break
		}
	}
	bestPath, bestD := -1, float32(math.Inf(1))
	for q := range p.NumPaths {
		if !p.OnRoute[q] {
			continue
		}
		_, d := nearestOnPath(p, q, cur.X, cur.Y)
		if d < bestD {
			bestD, bestPath = d, q
		}
	}
	if bestPath < 0 {
		return
	}
	a0, _ := nearestOnPath(p, bestPath, start.X, start.Y)
	a1, _ := nearestOnPath(p, bestPath, end.X, end.Y)
	ac, _ := nearestOnPath(p, bestPath, cur.X, cur.Y)
	valid[sdc] = true
	if a1 == a0 {
		value[sdc] = 1
		return
	}
	value[sdc] = (ac - a0) / (a1 - a0)
}

// nearestOnPath returns the arc length of the valid point of path q nearest to (x, y) and
// the squared distance to it.
func nearestOnPath(p *Paths, q int, x, y float32) (arc, d2 float32) {
	d2 = float32(math.Inf(1))
	for k := q * p.PointsPerPath; k < (q+1)*p.PointsPerPath; k++ {
		if !p.Valid[k] {
			continue
		}
		dx, dy := p.X[k]-x, p.Y[k]-y
		if d := dx*dx + dy*dy; d < d2 {
			d2, arc = d, p.ArcLength[k]
		}
	}
	return arc, d2
}

func checkMetricShape(op string, n int, value []float32, valid []bool) {
	if len(value) != n || len(valid) != n {
		panic(fmt.Sprintf("sim.%s: value has %d and valid %d entries for %d objects", op, len(value), len(valid), n))
	}
}

// Names of the built-in metrics in the registry.
const (
	MetricOverlap                = "overlap"
	MetricOffRoad                = "offroad"
	MetricLogDivergence          = "log_divergence"
	MetricKinematicInfeasibility = "kinematic_infeasibility"
	MetricWrongWay               = "wrong_way"
	MetricOffRoute               = "off_route"
	MetricProgression            = "sdc_progression"
)

var registry = struct {
	sync.RWMutex
	m map[string]MetricFunc
}{m: map[string]MetricFunc{
	MetricOverlap:                Overlap,
	MetricOffRoad:                OffRoad,
	MetricLogDivergence:          LogDivergence,
	MetricKinematicInfeasibility: KinematicInfeasibility,
	MetricWrongWay:               WrongWay,
	MetricOffRoute:               OffRoute,
	MetricProgression:            Progression,
}}

// RegisterMetric adds a user metric to the registry under name, so that environments and
// evaluations can refer to it by name. It returns an error when the name is empty or taken.
// It is safe for concurrent use.
func RegisterMetric(name string, f MetricFunc) error {
	if name == "" || f == nil {
		return fmt.Errorf("sim: RegisterMetric needs a name and a function")
	}
	registry.Lock()
	defer registry.Unlock()
	if _, ok := registry.m[name]; ok {
		return fmt.Errorf("sim: metric %q already registered", name)
	}
	registry.m[name] = f
	return nil
}

// LookupMetric returns the registered metric called name.
func LookupMetric(name string) (MetricFunc, bool) {
	registry.RLock()
	defer registry.RUnlock()
	f, ok := registry.m[name]
	return f, ok
}

// MetricNames returns the names of the registered metrics in sorted order.
func MetricNames() []string {
	registry.RLock()
	defer registry.RUnlock()
	names := make([]string, 0, len(registry.m))
	for k := range registry.m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
