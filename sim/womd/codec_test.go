package womd

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// richScenario builds a scenario that sets every field the package knows, with negative
// integers, -0.0 and extreme floats, from a seed.
func richScenario(seed uint64, nTracks, nSteps int) *Scenario {
	r := rand.New(rand.NewPCG(seed, 7))
	s := &Scenario{
		ScenarioID:       "scn-" + strings.Repeat("x", r.IntN(5)),
		CurrentTimeIndex: 10,
		SDCTrackIndex:    int32(r.IntN(nTracks + 1)),
	}
	for t := 0; t < nSteps; t++ {
		s.TimestampsSeconds = append(s.TimestampsSeconds, 0.1*float64(t))
	}
	for i := 0; i < nTracks; i++ {
		tr := Track{ID: int32(i*3 - 1), ObjectType: ObjectType(r.IntN(5))}
		for t := 0; t < nSteps; t++ {
			tr.States = append(tr.States, ObjectState{
				CenterX: r.NormFloat64() * 1e3, CenterY: r.NormFloat64() * 1e3, CenterZ: r.Float64(),
				Length: 4.5, Width: 2, Height: float32(r.Float64()),
				Heading: float32(r.Float64()*2*math.Pi - math.Pi), VelocityX: float32(r.NormFloat64()),
				VelocityY: float32(math.Copysign(0, -1)), Valid: r.IntN(4) != 0,
			})
		}
		s.Tracks = append(s.Tracks, tr)
	}
	for t := 0; t < nSteps; t++ {
		d := DynamicMapState{}
		for k := 0; k < 2; k++ {
			d.LaneStates = append(d.LaneStates, TrafficSignalLaneState{Lane: int64(100 + k), State: SignalState(r.IntN(9)), StopPoint: MapPoint{X: 1, Y: -2, Z: 0.5}})
		}
		s.DynamicMapStates = append(s.DynamicMapStates, d)
	}
	poly := func(n int) []MapPoint {
		var p []MapPoint
		for i := 0; i < n; i++ {
			p = append(p, MapPoint{X: float64(i) * 0.5, Y: r.NormFloat64(), Z: 0})
		}
		return p
	}
	s.MapFeatures = []MapFeature{
		{ID: 100, Lane: &LaneCenter{SpeedLimitMph: 35, Type: LaneSurfaceStreet, Interpolating: true, Polyline: poly(7),
			EntryLanes: []int64{1, 2, 1 << 40}, ExitLanes: []int64{-5},
			LeftBoundaries:  []BoundarySegment{{LaneStartIndex: 0, LaneEndIndex: 6, BoundaryFeatureID: 200, BoundaryType: RoadLineSolidDoubleYellow}},
			RightBoundaries: []BoundarySegment{{LaneStartIndex: 1, LaneEndIndex: -1, BoundaryFeatureID: 300}},
			LeftNeighbors:   []LaneNeighbor{{FeatureID: 101, SelfStartIndex: 1, SelfEndIndex: 5, NeighborStartIndex: 2, NeighborEndIndex: 6, Boundaries: []BoundarySegment{{LaneEndIndex: 3, BoundaryFeatureID: 201, BoundaryType: RoadLineBrokenSingleWhite}}}},
			RightNeighbors:  []LaneNeighbor{{FeatureID: 102}}}},
		{ID: 101, Lane: &LaneCenter{}},
		{ID: 200, RoadLine: &RoadLine{Type: RoadLineSolidDoubleYellow, Polyline: poly(3)}},
		{ID: 300, RoadEdge: &RoadEdge{Type: RoadEdgeBoundary, Polyline: poly(4)}},
		{ID: 301, RoadEdge: &RoadEdge{Type: RoadEdgeMedian, Polyline: poly(2)}},
		{ID: 400, StopSign: &StopSign{Lanes: []int64{100, 101}, Position: MapPoint{X: 3, Y: 4}}},
		{ID: 500, Crosswalk: &Polygon{Points: poly(4)}},
		{ID: 600, SpeedBump: &Polygon{Points: poly(4)}},
		{ID: 700, Driveway: &Polygon{Points: poly(4)}},
		{ID: 800},
	}
	s.ObjectsOfInterest = []int32{-1, 2}
	s.TracksToPredict = []RequiredPrediction{{TrackIndex: 0, Difficulty: Level2}, {TrackIndex: 1}}
	return s
}

func TestRoundTrip(t *testing.T) {
	for seed := uint64(0); seed < 5; seed++ {
		s := richScenario(seed, 4, 11)
		b := Marshal(s)
		got, err := Unmarshal(b)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !reflect.DeepEqual(s, got) {
			t.Fatalf("seed %d: round trip differs\nwant %+v\ngot  %+v", seed, s, got)
		}
		if !bytes.Equal(Marshal(got), b) {
			t.Fatalf("seed %d: re-encoding differs", seed)
		}
		if len(b) != s.size() {
			t.Fatalf("size %d, encoded %d", s.size(), len(b))
		}
	}
	// Negative zero survives.
	s := &Scenario{Tracks: []Track{{States: []ObjectState{{CenterX: math.Copysign(0, -1)}}}}}
	got, err := Unmarshal(Marshal(s))
	if err != nil || !math.Signbit(got.Tracks[0].States[0].CenterX) {
		t.Fatalf("-0 lost: %v %+v", err, got)
	}
}

func TestEmpty(t *testing.T) {
	s, err := Unmarshal(nil)
	if err != nil || !reflect.DeepEqual(s, &Scenario{}) {
		t.Fatalf("empty: %v %+v", err, s)
	}
	if b := Marshal(&Scenario{}); len(b) != 0 {
		t.Fatalf("empty scenario encodes to %d bytes", len(b))
	}
}

// TestPackedAndUnpacked checks that every repeated scalar is accepted in both encodings and
// that occurrences concatenate.
func TestPackedAndUnpacked(t *testing.T) {
	var b []byte
	// timestamps: one unpacked, then a packed run.
	b = protowire.AppendTag(b, 1, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, math.Float64bits(0.5))
	var packed []byte
	packed = protowire.AppendFixed64(packed, math.Float64bits(0.6))
	packed = protowire.AppendFixed64(packed, math.Float64bits(0.7))
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendBytes(b, packed)
	// objects_of_interest: packed then unpacked (with a negative value).
	var ints []byte
	ints = protowire.AppendVarint(ints, 3)
	minus4 := int64(-4)
	ints = protowire.AppendVarint(ints, uint64(minus4))
	b = protowire.AppendTag(b, 4, protowire.BytesType)
	b = protowire.AppendBytes(b, ints)
	b = protowire.AppendTag(b, 4, protowire.VarintType)
	b = protowire.AppendVarint(b, 9)
	// a lane with unpacked entry_lanes and packed exit_lanes, a stop sign with packed lanes.
	var lane []byte
	lane = protowire.AppendTag(lane, 9, protowire.VarintType)
	lane = protowire.AppendVarint(lane, 11)
	lane = protowire.AppendTag(lane, 9, protowire.VarintType)
	lane = protowire.AppendVarint(lane, 12)
	lane = protowire.AppendTag(lane, 10, protowire.BytesType)
	lane = protowire.AppendBytes(lane, protowire.AppendVarint(protowire.AppendVarint(nil, 13), 14))
	var feat []byte
	feat = protowire.AppendTag(feat, 1, protowire.VarintType)
	feat = protowire.AppendVarint(feat, 1)
	feat = protowire.AppendTag(feat, 3, protowire.BytesType)
	feat = protowire.AppendBytes(feat, lane)
	b = protowire.AppendTag(b, 8, protowire.BytesType)
	b = protowire.AppendBytes(b, feat)
	var stop []byte
	stop = protowire.AppendTag(stop, 1, protowire.BytesType)
	stop = protowire.AppendBytes(stop, protowire.AppendVarint(protowire.AppendVarint(nil, 1), 2))
	feat = protowire.AppendTag(nil, 7, protowire.BytesType)
	feat = protowire.AppendBytes(feat, stop)
	b = protowire.AppendTag(b, 8, protowire.BytesType)
	b = protowire.AppendBytes(b, feat)

	s, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.TimestampsSeconds, []float64{0.5, 0.6, 0.7}) {
		t.Errorf("timestamps %v", s.TimestampsSeconds)
	}
	if !reflect.DeepEqual(s.ObjectsOfInterest, []int32{3, -4, 9}) {
		t.Errorf("objects_of_interest %v", s.ObjectsOfInterest)
	}
	l := s.MapFeatures[0].Lane
	if !reflect.DeepEqual(l.EntryLanes, []int64{11, 12}) || !reflect.DeepEqual(l.ExitLanes, []int64{13, 14}) {
		t.Errorf("entry %v exit %v", l.EntryLanes, l.ExitLanes)
	}
	if !reflect.DeepEqual(s.MapFeatures[1].StopSign.Lanes, []int64{1, 2}) {
		t.Errorf("stop sign lanes %v", s.MapFeatures[1].StopSign.Lanes)
	}
}

// TestUnknownFields checks that unknown fields of every wire type, and known fields with
// the wrong wire type, are skipped.
func TestUnknownFields(t *testing.T) {
	want := richScenario(1, 2, 3)
	b := Marshal(want)
	var extra []byte
	extra = protowire.AppendTag(extra, 12, protowire.BytesType) // compressed_frame_laser_data
	extra = protowire.AppendBytes(extra, []byte{1, 2, 3})
	extra = protowire.AppendTag(extra, 99, protowire.VarintType)
	extra = protowire.AppendVarint(extra, 1<<60)
	extra = protowire.AppendTag(extra, 98, protowire.Fixed32Type)
	extra = protowire.AppendFixed32(extra, 7)
	extra = protowire.AppendTag(extra, 97, protowire.StartGroupType)
	extra = protowire.AppendTag(extra, 1, protowire.VarintType)
	extra = protowire.AppendVarint(extra, 5)
	extra = protowire.AppendTag(extra, 97, protowire.EndGroupType)
	extra = protowire.AppendTag(extra, 5, protowire.VarintType) // scenario_id with wrong type
	extra = protowire.AppendVarint(extra, 3)
	got, err := Unmarshal(append(extra, b...))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatal("unknown fields changed the result")
	}
	// An unknown field inside an object state.
	var st []byte
	st = protowire.AppendTag(st, 50, protowire.BytesType)
	st = protowire.AppendBytes(st, []byte("zz"))
	st = protowire.AppendTag(st, 2, protowire.Fixed64Type)
	st = protowire.AppendFixed64(st, math.Float64bits(4.25))
	tr := protowire.AppendTag(nil, 3, protowire.BytesType)
	tr = protowire.AppendBytes(tr, st)
	sc := protowire.AppendTag(nil, 2, protowire.BytesType)
	sc = protowire.AppendBytes(sc, tr)
	got, err = Unmarshal(sc)
	if err != nil || got.Tracks[0].States[0].CenterX != 4.25 {
		t.Fatalf("state with unknown field: %v %+v", err, got)
	}
}

func TestOneofLastWins(t *testing.T) {
	f := MapFeature{ID: 5, RoadEdge: &RoadEdge{Type: RoadEdgeMedian}}
	b := Marshal(&Scenario{MapFeatures: []MapFeature{f}})
	// Append a road line member to the same feature: decode the feature bytes, add a member.
	var feat []byte
	feat = protowire.AppendTag(feat, 5, protowire.BytesType)
	feat = protowire.AppendBytes(feat, protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 2))
	feat = protowire.AppendTag(feat, 4, protowire.BytesType)
	feat = protowire.AppendBytes(feat, protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 3))
	sc := protowire.AppendTag(nil, 8, protowire.BytesType)
	sc = protowire.AppendBytes(sc, feat)
	got, err := Unmarshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	g := got.MapFeatures[0]
	if g.Kind() != KindRoadLine || g.RoadEdge != nil || g.RoadLine.Type != RoadLineSolidDoubleWhite {
		t.Fatalf("oneof: %+v", g)
	}
	if _, err := Unmarshal(b); err != nil {
		t.Fatal(err)
	}
}

func TestMalformed(t *testing.T) {
	b := Marshal(richScenario(2, 3, 5))
	for cut := 1; cut < len(b); cut += 7 {
		s, err := Unmarshal(b[:cut])
		_ = s
		_ = err // must not panic; truncation inside a message is an error
	}
	// Truncated inside a length-delimited field must fail.
	if _, err := Unmarshal(b[:len(b)-1]); err == nil {
		t.Fatal("truncated message decoded without error")
	}
	if _, err := Unmarshal([]byte{0x00}); err == nil {
		t.Fatal("field number 0 accepted")
	}
	// Packed doubles with a bad length.
	bad := protowire.AppendTag(nil, 1, protowire.BytesType)
	bad = protowire.AppendBytes(bad, []byte{1, 2, 3})
	if _, err := Unmarshal(bad); err == nil {
		t.Fatal("packed doubles of length 3 accepted")
	}
}
