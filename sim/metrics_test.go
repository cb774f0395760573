package sim

import (
	"math"
	"testing"
)

func edgeScene(lines []Polyline) *Scenario {
	sc := testScene(1)
	sc.Roadgraph = RoadgraphFromPolylines(lines, 0, 0, 0)
	return sc
}

func TestSignedDistanceStraightRoad(t *testing.T) {
	sc := testScene(1)
	for _, c := range []struct{ x, y, want float32 }{
		{10, 0, -2}, {10, -1.5, -0.5}, {10, -2.5, 0.5}, {11, 5, -0.5}, {11, 6.5, 1}, {50, 1.75, -3.75},
	} {
		got := SignedDistanceToRoadEdge(sc, c.x, c.y, 0)
		if abs32(got-c.want) > 1e-3 {
			t.Errorf("(%v, %v): signed distance %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

func TestSignedDistanceCircleAndSquare(t *testing.T) {
	// A circular road: the boundary runs counter-clockwise, so the drivable side (left) is the
	// inside of the circle. Points every 0.5 m.
	const r = 50.0
	n := 628
	circle := Polyline{ID: 1, Type: RoadEdgeBoundary}
	for k := 0; k <= n; k++ {
		a := 2 * math.Pi * float64(k) / float64(n)
		circle.Points = append(circle.Points, [3]float32{float32(r * math.Cos(a)), float32(r * math.Sin(a)), 0})
	}
	sc := edgeScene([]Polyline{circle})
	for _, c := range []struct{ x, y float32 }{{0, 0}, {30, 10}, {-45, 0}, {0, 49}, {55, 3}, {-40, -40}, {0, -70}} {
		want := hypot32(c.x, c.y) - r
		got := SignedDistanceToRoadEdge(sc, c.x, c.y, 0)
		// The distance is to the nearest sampled point, so allow the sampling error.
		if abs32(got-want) > 0.05 || (want > 0.1) != (got > 0) {
			t.Errorf("(%v, %v): %v, want %v", c.x, c.y, got, want)
		}
	}
	// A square block road [0, 100]² traced counter-clockwise: convex corners.
	sq := Polyline{ID: 2, Type: RoadEdgeMedian}
	corners := [][2]float32{{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}}
	for e := range 4 {
		a, b := corners[e], corners[e+1]
		for k := range 200 {
			f := float32(k) / 200
			sq.Points = append(sq.Points, [3]float32{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1]), 0})
		}
	}
	sq.Points = append(sq.Points, [3]float32{0, 0, 0})
	sc = edgeScene([]Polyline{sq})
	for _, c := range []struct {
		x, y float32
		off  bool
	}{{50, 50, false}, {99, 99, false}, {1, 1, false}, {101, 101, true}, {-1, 50, true}, {103, -2, true}, {50, 99.5, false}, {50, 100.5, true}} {
		got := SignedDistanceToRoadEdge(sc, c.x, c.y, 0)
		if (got > 0) != c.off {
			t.Errorf("square (%v, %v): signed distance %v, off road %v", c.x, c.y, got, c.off)
		}
	}
	// Unknown road edges and lanes are ignored: no edges means −Inf.
	sc = edgeScene([]Polyline{{ID: 3, Type: RoadEdgeUnknown, Points: [][3]float32{{0, 0, 0}, {1, 0, 0}}}})
	if d := SignedDistanceToRoadEdge(sc, 5, 5, 0); !math.IsInf(float64(d), -1) {
		t.Errorf("no boundary edges: %v", d)
	}
}

func TestMetricsOnTestScene(t *testing.T) {
	sc := testScene(12)
	s := NewSimulatorState(sc)
	n := s.NumObjects()
	v, ok := make([]float32, n), make([]bool, n)
	OffRoad(s, v, ok)
	for i := range n {
		want := float32(0)
		if i == 3 {
			want = 1 // the parked car beyond the edge
		}
		if i >= 4 && i%7 == 0 {
			want = 1 // pedestrians on the verge
		}
		if v[i] != want || !ok[i] {
			t.Errorf("offroad[%d] = %v (valid %v), want %v", i, v[i], ok[i], want)
		}
	}
	Overlap(s, v, ok)
	for i := range n {
		if v[i] != 0 {
			t.Errorf("overlap[%d] = %v in a scene without collisions", i, v[i])
		}
	}
	// Move object 1 onto the SDC: both overlap.
	k := s.Sim.Index(1, s.Timestep)
	s.Sim.X[k] = s.Sim.X[s.Sim.Index(0, s.Timestep)] + 3
	Overlap(s, v, ok)
	if v[0] != 1 || v[1] != 1 || v[2] != 0 {
		t.Errorf("overlap after collision: %v", v[:3])
	}
	// Route metrics at the start: on route, not wrong way, progress 0.
	WrongWay(s, v, ok)
	if !ok[0] || v[0] != 0 || ok[1] {
		t.Errorf("wrong way %v %v", v[0], ok[:2])
	}
	OffRoute(s, v, ok)
	if !ok[0] || v[0] != 0 {
		t.Errorf("off route %v", v[0])
	}
	Progression(s, v, ok)
	if !ok[0] || abs32(v[0]) > 0.05 {
		t.Errorf("progression at start %v", v[0])
	}
	// Put the SDC in the oncoming lane: off route (the off-route path is 2+ m nearer), not
	// wrong way (a route path is within 3.5 m); far away: wrong way.
	k0 := s.Sim.Index(0, s.Timestep)
	s.Sim.Y[k0] = 3.5
	OffRoute(s, v, ok)
	if v[0] != 3.5 {
		t.Errorf("off route in the other lane: %v", v[0])
	}
	s.Sim.Y[k0] = 20
	WrongWay(s, v, ok)
	if abs32(v[0]-16.5) > 1e-3 {
		t.Errorf("wrong way 16.5 m from the paths: %v", v[0])
	}
}

func TestExpertPlaybackDeltaHasZeroADE(t *testing.T) {
	sc := testScene(20)
	for i := range sc.Log.Yaw {
		sc.Log.Yaw[i] += 0.01 * float32(math.Sin(float64(i))) // yaw noise, still exact under delta
	}
	all := make([]int, 20)
	for i := range all {
		all[i] = i
	}
	sm := NewSimulator(sc, Group{Objects: all, Actor: Expert{}, Dynamics: DeltaGlobal{}})
	v, ok := make([]float32, 20), make([]bool, 20)
	var sum float64
	steps := 0
	for !sm.State.Done() {
		sm.Step()
		steps++
		LogDivergence(sm.State, v, ok)
		for i := range v {
			if ok[i] {
				sum += float64(v[i])
			}
		}
		KinematicInfeasibility(sm.State, v, ok)
		if v[0] != 0 {
			t.Fatalf("step %d: constant-velocity SDC infeasible", sm.State.Timestep)
		}
	}
	if steps != 80 || sum != 0 {
		t.Fatalf("%d steps, total displacement %v; want 80 and exactly 0", steps, sum)
	}
	Progression(sm.State, v, ok)
	if abs32(v[0]-1) > 1e-3 {
		t.Fatalf("expert progression %v at the last step", v[0])
	}
}

func TestKinematicInfeasibility(t *testing.T) {
	sc := testScene(2)
	s := NewSimulatorState(sc)
	v, ok := make([]float32, 2), make([]bool, 2)
	// A jump in speed from 10 to 12 m/s in one step: 20 m/s² > 10.4.
	k := s.Sim.Index(0, s.Timestep)
	s.Sim.VelX[k] = 12
	KinematicInfeasibility(s, v, ok)
	if v[0] != 1 || v[1] != 0 || !ok[0] {
		t.Fatalf("infeasibility %v %v", v, ok)
	}
}

func TestMetricRegistry(t *testing.T) {
	for _, name := range []string{MetricOverlap, MetricOffRoad, MetricLogDivergence, MetricKinematicInfeasibility, MetricWrongWay, MetricOffRoute, MetricProgression} {
		if _, ok := LookupMetric(name); !ok {
			t.Errorf("built-in metric %q missing", name)
		}
	}
	speed := func(s *SimulatorState, value []float32, valid []bool) {
		for i := range value {
			st := s.Current(i)
			value[i], valid[i] = st.Speed(), st.Valid
		}
	}
	if err := RegisterMetric("test_speed", speed); err != nil {
		t.Fatal(err)
	}
	if err := RegisterMetric("test_speed", speed); err == nil {
		t.Fatal("duplicate registration accepted")
	}
	f, ok := LookupMetric("test_speed")
	if !ok {
		t.Fatal("user metric not found")
	}
	s := NewSimulatorState(testScene(3))
	v, val := make([]float32, 3), make([]bool, 3)
	f(s, v, val)
	if v[0] != 10 || !val[0] {
		t.Fatalf("user metric %v", v)
	}
}
