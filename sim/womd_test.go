package sim

import (
	"math"
	"testing"

	"github.com/tenet-ml/tenet/sim/womd"
)

func line(x0, y0, x1, y1 float64, n int) []womd.MapPoint {
	pts := make([]womd.MapPoint, n)
	for k := range n {
		f := float64(k) / float64(n-1)
		pts[k] = womd.MapPoint{X: x0 + f*(x1-x0), Y: y0 + f*(y1-y0)}
	}
	return pts
}

// forkScenario: lane 1 runs from (0, 0) to (100, 0) and exits to lane 2 (straight on to
// (200, 0)) and lane 3 (turning left to (150, 60)). The SDC drives straight at 10 m/s from
// x = 10; a second car is parked; one signal controls lane 1.
func forkScenario() *womd.Scenario {
	const T = 91
	ws := &womd.Scenario{ScenarioID: "fork", CurrentTimeIndex: 10, SDCTrackIndex: 0}
	for t := range T {
		ws.TimestampsSeconds = append(ws.TimestampsSeconds, 0.1*float64(t))
	}
	sdc := womd.Track{ID: 7, ObjectType: womd.TypeVehicle}
	car := womd.Track{ID: 8, ObjectType: womd.TypeVehicle}
	for t := range T {
		x := 10 + 1.5*float64(t)
		sdc.States = append(sdc.States, womd.ObjectState{CenterX: x, Length: 4.5, Width: 2, Height: 1.5, VelocityX: 15, Valid: true})
		car.States = append(car.States, womd.ObjectState{CenterX: 50, CenterY: 3.5, Length: 4.5, Width: 2, Height: 1.5, Valid: t > 3})
	}
	ws.Tracks = []womd.Track{sdc, car}
	ws.TracksToPredict = []womd.RequiredPrediction{{TrackIndex: 1}}
	ws.ObjectsOfInterest = []int32{8}
	ws.MapFeatures = []womd.MapFeature{
		{ID: 1, Lane: &womd.LaneCenter{Type: womd.LaneSurfaceStreet, Polyline: line(0, 0, 100, 0, 201), ExitLanes: []int64{2, 3}}},
		{ID: 2, Lane: &womd.LaneCenter{Type: womd.LaneSurfaceStreet, Polyline: line(100, 0, 200, 0, 201)}},
		{ID: 3, Lane: &womd.LaneCenter{Type: womd.LaneSurfaceStreet, Polyline: line(100, 0, 150, 60, 157)}},
		{ID: 4, RoadEdge: &womd.RoadEdge{Type: womd.RoadEdgeBoundary, Polyline: line(0, -2, 200, -2, 401)}},
		{ID: 5, RoadLine: &womd.RoadLine{Type: womd.RoadLineSolidDoubleYellow, Polyline: line(0, 1.75, 200, 1.75, 401)}},
		{ID: 6, StopSign: &womd.StopSign{Lanes: []int64{1}, Position: womd.MapPoint{X: 99, Y: -3}}},
	}
	for t := range T {
		st := womd.SignalGo
		if t > 50 {
			st = womd.SignalStop
		}
		ws.DynamicMapStates = append(ws.DynamicMapStates, womd.DynamicMapState{LaneStates: []womd.TrafficSignalLaneState{{Lane: 1, State: st, StopPoint: womd.MapPoint{X: 100}}}})
	}
	return ws
}

func TestFromScenario(t *testing.T) {
	// Through the wire format, as files are read.
	ws, err := womd.Unmarshal(womd.Marshal(forkScenario()))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := FromScenario(ws, ConvertConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if sc.SDC != 0 || sc.InitStep != 10 || sc.Log.NumObjects != 2 || sc.Log.NumSteps != 91 || abs32(sc.Dt-0.1) > 1e-6 {
		t.Fatalf("shape: sdc %d init %d objects %d steps %d dt %v", sc.SDC, sc.InitStep, sc.Log.NumObjects, sc.Log.NumSteps, sc.Dt)
	}
	if !sc.Meta.IsModeled[1] || sc.Meta.IsModeled[0] || !sc.Meta.ObjectsOfInterest[1] || sc.Meta.IDs[1] != 8 || sc.Meta.Types[0] != ObjectVehicle {
		t.Fatalf("metadata %+v", sc.Meta)
	}
	if sc.Log.Valid[1*91+2] || !sc.Log.Valid[1*91+4] || sc.Log.Timestamp[5] != 500000 {
		t.Fatal("validity or timestamps not carried over")
	}
	// Roadgraph: 201+201+157+401+401+1 points, types and directions.
	rg := &sc.Roadgraph
	if rg.Len() != 201+201+157+401+401+1 {
		t.Fatalf("%d roadgraph points", rg.Len())
	}
	counts := map[RoadType]int{}
	for i := range rg.Types {
		counts[rg.Types[i]]++
	}
	if counts[RoadLaneSurface] != 559 || counts[RoadEdgeBoundary] != 401 || counts[RoadLineSolidDoubleYellow] != 401 || counts[RoadStopSign] != 1 {
		t.Fatalf("type counts %v", counts)
	}
	if rg.DirX[0] != 1 || rg.DirY[0] != 0 {
		t.Fatalf("direction %v %v", rg.DirX[0], rg.DirY[0])
	}
	// Off road above? The edge at y = −2 runs +x: below it is off road.
	if d := SignedDistanceToRoadEdge(sc, 50, -3, 0); d <= 0 {
		t.Fatalf("below the edge: %v", d)
	}
	// Traffic light.
	if sc.Lights.NumLights != 1 || sc.Lights.State[20] != LightGo || sc.Lights.State[60] != LightStop || sc.Lights.LaneID[0] != 1 {
		t.Fatalf("lights %+v", sc.Lights.State[:3])
	}
	// Route paths: straight on (on route) and the left turn (off route).
	p := &sc.Paths
	if p.NumPaths != 2 {
		t.Fatalf("%d paths", p.NumPaths)
	}
	on := 0
	for q := range p.NumPaths {
		if p.OnRoute[q] {
			on++
			last := -1
			for k := range p.PointsPerPath {
				if p.Valid[q*p.PointsPerPath+k] {
					last = q*p.PointsPerPath + k
				}
			}
			if p.Y[last] != 0 || p.X[last] < 120 {
				t.Fatalf("on-route path ends at (%v, %v)", p.X[last], p.Y[last])
			}
		}
	}
	if on != 1 {
		t.Fatalf("%d on-route paths", on)
	}
	if p.X[0] != 25 || p.ArcLength[1] != 1 {
		t.Fatalf("path starts at %v, arc %v", p.X[0], p.ArcLength[1])
	}
	// The expert's progression reaches 1.
	sm := NewSimulator(sc, Group{Objects: []int{0}, Actor: Expert{}, Dynamics: DeltaGlobal{}})
	for !sm.State.Done() {
		sm.Step()
	}
	v, ok := make([]float32, 2), make([]bool, 2)
	Progression(sm.State, v, ok)
	if !ok[0] || math.Abs(float64(v[0]-1)) > 0.02 {
		t.Fatalf("expert progression %v", v[0])
	}
}

func TestFromScenarioErrors(t *testing.T) {
	if _, err := FromScenario(&womd.Scenario{}, ConvertConfig{}); err == nil {
		t.Fatal("empty scenario accepted")
	}
	ws := forkScenario()
	ws.SDCTrackIndex = 5
	if _, err := FromScenario(ws, ConvertConfig{}); err == nil {
		t.Fatal("bad SDC index accepted")
	}
	ws = forkScenario()
	ws.Tracks[1].States = ws.Tracks[1].States[:50]
	if _, err := FromScenario(ws, ConvertConfig{}); err == nil {
		t.Fatal("ragged tracks accepted")
	}
	ws = forkScenario()
	sc, err := FromScenario(ws, ConvertConfig{MaxObjects: 1, MaxRoadgraphPoints: 100})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Log.NumObjects != 1 || sc.SDC != 0 || sc.Roadgraph.Len() != 100 {
		t.Fatalf("caps: %d objects, %d points", sc.Log.NumObjects, sc.Roadgraph.Len())
	}
}
