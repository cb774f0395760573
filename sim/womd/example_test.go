package womd_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tenet-ml/tenet/sim/womd"
)

// Write two scenarios to a TFRecord shard and stream them back.
func Example() {
	dir, _ := os.MkdirTemp("", "womd")
	defer os.RemoveAll(dir)

	s := &womd.Scenario{
		ScenarioID:        "demo",
		TimestampsSeconds: []float64{0, 0.1},
		Tracks: []womd.Track{{ID: 7, ObjectType: womd.TypeVehicle, States: []womd.ObjectState{
			{CenterX: 1, Length: 4.5, Width: 2, Height: 1.5, VelocityX: 10, Valid: true},
			{CenterX: 2, Length: 4.5, Width: 2, Height: 1.5, VelocityX: 10, Valid: true},
		}}},
		MapFeatures: []womd.MapFeature{{ID: 1, RoadEdge: &womd.RoadEdge{
			Type:     womd.RoadEdgeBoundary,
			Polyline: []womd.MapPoint{{X: 0, Y: -5}, {X: 50, Y: -5}},
		}}},
	}
	path := filepath.Join(dir, "train.tfrecord-00000")
	if err := womd.WriteFile(path, s, s); err != nil {
		fmt.Println(err)
		return
	}

	paths, _ := womd.ExpandPaths(filepath.Join(dir, "train.tfrecord-*"))
	for sc, err := range womd.Scenarios(paths...) {
		if err != nil {
			fmt.Println("skipped:", err)
			continue
		}
		rg := womd.AppendRoadgraphPoints(nil, sc.MapFeatures, 0)
		fmt.Println(sc.ScenarioID, len(sc.Tracks[0].States), sc.Tracks[0].ObjectType, len(rg), rg[0].Type, rg[0].DirX)
	}
	// Output:
	// demo 2 vehicle 2 15 1
	// demo 2 vehicle 2 15 1
}
