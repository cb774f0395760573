package synth_test

import (
	"fmt"
	"os"

	"github.com/tenet-ml/tenet/sim/synth"
	"github.com/tenet-ml/tenet/sim/womd"
)

// Generate one scenario and look at its SDC.
func ExampleGenerate() {
	s := synth.Generate(synth.Options{Seed: 1, Layouts: []synth.Layout{synth.Intersection}})
	sdc := s.Tracks[s.SDCTrackIndex]
	fmt.Println(len(s.TimestampsSeconds), s.CurrentTimeIndex, sdc.ObjectType, len(s.DynamicMapStates[0].LaneStates) > 0)
	// Output: 91 10 vehicle true
}

// Write a small data set as TFRecord shards and read it back.
func ExampleWriteShards() {
	dir, _ := os.MkdirTemp("", "synth")
	defer os.RemoveAll(dir)
	paths, err := synth.WriteShards(dir, 4, synth.Options{Seed: 9, MaxObjects: 24})
	if err != nil {
		fmt.Println(err)
		return
	}
	n := 0
	for s, err := range womd.Scenarios(paths...) {
		if err != nil {
			fmt.Println(err)
			continue
		}
		n++
		_ = s
	}
	fmt.Println(len(paths), "shard,", n, "scenarios")
	// Output: 1 shard, 4 scenarios
}
