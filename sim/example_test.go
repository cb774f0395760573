package sim_test

import (
	"fmt"

	"github.com/tenet-ml/tenet/sim"
	"github.com/tenet-ml/tenet/sim/womd"
)

// straightRoad returns a WOMD scenario of a straight road along +x with road edges at
// y = −2 and y = 5.5, one lane centre, the SDC driving at 10 m/s and a slower car ahead.
func straightRoad() *womd.Scenario {
	ws := &womd.Scenario{ScenarioID: "example", CurrentTimeIndex: 10}
	for t := range 91 {
		ws.TimestampsSeconds = append(ws.TimestampsSeconds, 0.1*float64(t))
	}
	for _, car := range []struct{ x, v float64 }{{0, 10}, {40, 6}} {
		tr := womd.Track{ID: int32(len(ws.Tracks) + 1), ObjectType: womd.TypeVehicle}
		for t := range 91 {
			tr.States = append(tr.States, womd.ObjectState{CenterX: car.x + car.v*0.1*float64(t),
				Length: 4.5, Width: 2, Height: 1.5, VelocityX: float32(car.v), Valid: true})
		}
		ws.Tracks = append(ws.Tracks, tr)
	}
	line := func(x0, y0, x1, y1 float64) []womd.MapPoint {
		var p []womd.MapPoint
		for k := 0; k <= 400; k++ {
			f := float64(k) / 400
			p = append(p, womd.MapPoint{X: x0 + f*(x1-x0), Y: y0 + f*(y1-y0)})
		}
		return p
	}
	ws.MapFeatures = []womd.MapFeature{
		{ID: 1, Lane: &womd.LaneCenter{Type: womd.LaneSurfaceStreet, Polyline: line(-50, 0, 250, 0)}},
		{ID: 2, RoadEdge: &womd.RoadEdge{Type: womd.RoadEdgeBoundary, Polyline: line(-50, -2, 250, -2)}},
		{ID: 3, RoadEdge: &womd.RoadEdge{Type: womd.RoadEdgeBoundary, Polyline: line(250, 5.5, -50, 5.5)}},
	}
	return ws
}

// Load a WOMD scenario (here built in memory; womd.ReadAll or womd.Scenarios read files) and
// convert it to the simulator's state.
func ExampleFromScenario() {
	sc, err := sim.FromScenario(straightRoad(), sim.ConvertConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("objects:", sc.Log.NumObjects, "steps:", sc.Log.NumSteps, "init step:", sc.InitStep)
	fmt.Println("roadgraph points:", sc.Roadgraph.Len(), "route paths:", sc.Paths.NumPaths)
	// Output:
	// objects: 2 steps: 91 init step: 10
	// roadgraph points: 1203 route paths: 1
}

// Drive the SDC with IDM while the other car follows the log, and compute metrics.
func ExampleIDM() {
	sc, _ := sim.FromScenario(straightRoad(), sim.ConvertConfig{})
	idm := sim.NewIDM()
	idm.LookAhead = 40 // see the slower car in time
	sm := sim.NewSimulator(sc, sim.Group{Objects: []int{sc.SDC}, Actor: idm, Dynamics: sim.StateDynamics{}})
	ms, _ := sim.NewMetricSet(sc.Log.NumObjects, sim.MetricOverlap, sim.MetricOffRoad, sim.MetricLogDivergence)
	collided := false
	for !sm.State.Done() {
		sm.Step()
		ms.Compute(sm.State)
		collided = collided || ms.Value[0][sc.SDC] > 0
	}
	sdc := sm.State.Current(sc.SDC)
	fmt.Printf("step %d: SDC at x = %.0f m, %.1f m/s, collided %v, off road %v\n",
		sm.State.Timestep, sdc.X, sdc.Speed(), collided, ms.Value[1][sc.SDC] > 0)
	// Output:
	// step 90: SDC at x = 77 m, 6.7 m/s, collided false, off road false
}

// Compute metrics of a state directly: expert log playback has zero divergence under delta
// dynamics.
func ExampleLogDivergence() {
	sc, _ := sim.FromScenario(straightRoad(), sim.ConvertConfig{})
	sm := sim.NewSimulator(sc, sim.Group{Objects: []int{sc.SDC}, Actor: sim.Expert{}, Dynamics: sim.DeltaGlobal{}})
	value, valid := make([]float32, 2), make([]bool, 2)
	var sum float32
	for !sm.State.Done() {
		sm.Step()
		sim.LogDivergence(sm.State, value, valid)
		sum += value[sc.SDC]
	}
	sim.Progression(sm.State, value, valid)
	fmt.Printf("ADE %.3f m, progression %.2f\n", sum/80, value[sc.SDC])
	// Output:
	// ADE 0.000 m, progression 1.00
}
