package womd

// ObjectType is the kind of a tracked object (Track.ObjectType in scenario.proto).
type ObjectType int32

// Object types of the Waymo Open Motion Dataset.
const (
	TypeUnset      ObjectType = 0 // invalid: a dataset error
	TypeVehicle    ObjectType = 1
	TypePedestrian ObjectType = 2
	TypeCyclist    ObjectType = 3
	TypeOther      ObjectType = 4
)

// String returns the short lower-case name of the type ("vehicle", ...).
func (t ObjectType) String() string {
	switch t {
	case TypeUnset:
		return "unset"
	case TypeVehicle:
		return "vehicle"
	case TypePedestrian:
		return "pedestrian"
	case TypeCyclist:
		return "cyclist"
	case TypeOther:
		return "other"
	}
	return "unknown"
}

// Scenario is one WOMD scene: object tracks on a common time grid, the static map and the
// traffic-signal states over time. Field names follow scenario.proto; a proto2 optional field
// that is absent decodes as the zero value.
type Scenario struct {
	// ScenarioID is the unique identifier of the scene (field 5).
	ScenarioID string
	// TimestampsSeconds holds the time of every step (field 1); len equals the number of
	// states of every track and of DynamicMapStates.
	TimestampsSeconds []float64
	// CurrentTimeIndex is the index of the "current" step (field 10): earlier steps are
	// history, later ones the future to predict. 10 in WOMD.
	CurrentTimeIndex int32
	// Tracks holds every object's states (field 2).
	Tracks []Track
	// DynamicMapStates holds the traffic-signal states, one entry per step (field 7).
	DynamicMapStates []DynamicMapState
	// MapFeatures is the static map (field 8).
	MapFeatures []MapFeature
	// SDCTrackIndex is the index into Tracks of the autonomous vehicle (field 6).
	SDCTrackIndex int32
	// ObjectsOfInterest lists track IDs (not indices) with interactive behaviour (field 4).
	ObjectsOfInterest []int32
	// TracksToPredict lists the tracks to be predicted (field 11).
	TracksToPredict []RequiredPrediction
}

// Track is the sequence of states of one object (message Track).
type Track struct {
	// ID is the object's identifier, unique within the scenario (field 1).
	ID int32
	// ObjectType is the kind of object (field 2).
	ObjectType ObjectType
	// States holds one state per timestamp (field 3).
	States []ObjectState
}

// ObjectState is an object's box and velocity at one step (message ObjectState).
type ObjectState struct {
	// CenterX, CenterY, CenterZ locate the box centre in metres (fields 2–4).
	CenterX, CenterY, CenterZ float64
	// Length, Width, Height are the box dimensions in metres (fields 5–7).
	Length, Width, Height float32
	// Heading is the yaw of the box's forward direction in radians, counter-clockwise
	// from +x, normalised to [-π, π) (field 8).
	Heading float32
	// VelocityX, VelocityY are the velocity in m/s (fields 9, 10).
	VelocityX, VelocityY float32
	// Valid is false when the state is missing (field 11).
	Valid bool
}

// DifficultyLevel grades a prediction target (RequiredPrediction.DifficultyLevel).
type DifficultyLevel int32

// Difficulty levels.
const (
	DifficultyNone DifficultyLevel = 0
	Level1         DifficultyLevel = 1
	Level2         DifficultyLevel = 2
)

// RequiredPrediction names a track that must be predicted (message RequiredPrediction).
type RequiredPrediction struct {
	// TrackIndex is an index into Scenario.Tracks (field 1).
	TrackIndex int32
	// Difficulty is the difficulty level (field 2).
	Difficulty DifficultyLevel
}

// DynamicMapState holds the traffic-signal states of one step (message DynamicMapState).
type DynamicMapState struct {
	// LaneStates holds one entry per observed signal (field 1).
	LaneStates []TrafficSignalLaneState
}

// SignalState is the state of a traffic signal (TrafficSignalLaneState.State in map.proto).
type SignalState int32

// Traffic-signal states.
const (
	SignalUnknown         SignalState = 0
	SignalArrowStop       SignalState = 1
	SignalArrowCaution    SignalState = 2
	SignalArrowGo         SignalState = 3
	SignalStop            SignalState = 4
	SignalCaution         SignalState = 5
	SignalGo              SignalState = 6
	SignalFlashingStop    SignalState = 7
	SignalFlashingCaution SignalState = 8
)

// IsStop reports whether the state requires stopping at the stop point (stop, arrow stop,
// flashing stop).
func (s SignalState) IsStop() bool {
	return s == SignalStop || s == SignalArrowStop || s == SignalFlashingStop
}

// IsCaution reports whether the state is a caution (yellow) state, steady or flashing.
func (s SignalState) IsCaution() bool {
	return s == SignalCaution || s == SignalArrowCaution || s == SignalFlashingCaution
}

// IsGo reports whether the state is a go (green) state.
func (s SignalState) IsGo() bool { return s == SignalGo || s == SignalArrowGo }

// TrafficSignalLaneState is the state of the signal controlling one lane at one step
// (message TrafficSignalLaneState).
type TrafficSignalLaneState struct {
	// Lane is the MapFeature ID of the controlled lane (field 1).
	Lane int64
	// State is the signal state (field 2).
	State SignalState
	// StopPoint is where objects must stop when the signal says stop (field 3).
	StopPoint MapPoint
}

// MapPoint is a position in metres in the scenario frame (message MapPoint).
type MapPoint struct {
	X, Y, Z float64 // fields 1, 2, 3
}

// FeatureKind says which member of MapFeature's feature_data oneof is set.
type FeatureKind int8

// Map feature kinds; the values are internal, not field numbers.
const (
	KindNone FeatureKind = iota
	KindLane
	KindRoadLine
	KindRoadEdge
	KindStopSign
	KindCrosswalk
	KindSpeedBump
	KindDriveway
)

// String returns the name of the kind ("lane", "road_line", ...).
func (k FeatureKind) String() string {
	switch k {
	case KindLane:
		return "lane"
	case KindRoadLine:
		return "road_line"
	case KindRoadEdge:
		return "road_edge"
	case KindStopSign:
		return "stop_sign"
	case KindCrosswalk:
		return "crosswalk"
	case KindSpeedBump:
		return "speed_bump"
	case KindDriveway:
		return "driveway"
	}
	return "none"
}

// MapFeature is one static map element (message MapFeature). At most one of the pointer
// fields is non-nil (the proto's oneof); when a record sets several, the last one on the
// wire wins, as protobuf requires.
type MapFeature struct {
	// ID identifies the feature; lanes are referred to by it (field 1).
	ID int64
	// Lane is a lane centre line (field 3).
	Lane *LaneCenter
	// RoadLine is a painted line (field 4).
	RoadLine *RoadLine
	// RoadEdge is a physical road boundary (field 5).
	RoadEdge *RoadEdge
	// StopSign is a stop sign (field 7).
	StopSign *StopSign
	// Crosswalk is a crosswalk polygon (field 8).
	Crosswalk *Polygon
	// SpeedBump is a speed-bump polygon (field 9).
	SpeedBump *Polygon
	// Driveway is a driveway polygon (field 10).
	Driveway *Polygon
}

// Kind reports which member of the oneof is set.
func (f *MapFeature) Kind() FeatureKind {
	switch {
	case f.Lane != nil:
		return KindLane
	case f.RoadLine != nil:
		return KindRoadLine
	case f.RoadEdge != nil:
		return KindRoadEdge
	case f.StopSign != nil:
		return KindStopSign
	case f.Crosswalk != nil:
		return KindCrosswalk
	case f.SpeedBump != nil:
		return KindSpeedBump
	case f.Driveway != nil:
		return KindDriveway
	}
	return KindNone
}

// clearOneof resets every member of the oneof, before a new member is decoded.
func (f *MapFeature) clearOneof() {
	f.Lane, f.RoadLine, f.RoadEdge, f.StopSign = nil, nil, nil, nil
	f.Crosswalk, f.SpeedBump, f.Driveway = nil, nil, nil
}

// LaneType is the type of a lane (LaneCenter.LaneType).
type LaneType int32

// Lane types; they equal the roadgraph type codes 0–3.
const (
	LaneUndefined     LaneType = 0
	LaneFreeway       LaneType = 1
	LaneSurfaceStreet LaneType = 2
	LaneBikeLane      LaneType = 3
)

// LaneCenter is a lane's centre line and connectivity (message LaneCenter).
type LaneCenter struct {
	// SpeedLimitMph is the speed limit in miles per hour (field 1).
	SpeedLimitMph float64
	// Type is the lane type (field 2).
	Type LaneType
	// Interpolating is true when the lane interpolates between two others, e.g. inside an
	// intersection (field 3).
	Interpolating bool
	// Polyline is the centre line, in driving direction (field 8).
	Polyline []MapPoint
	// EntryLanes are the IDs of lanes this lane may be entered from (field 9, packed).
	EntryLanes []int64
	// ExitLanes are the IDs of lanes this lane may exit to (field 10, packed).
	ExitLanes []int64
	// LeftBoundaries and RightBoundaries are the boundary features beside segments of the
	// lane (fields 13, 14).
	LeftBoundaries, RightBoundaries []BoundarySegment
	// LeftNeighbors and RightNeighbors are adjacent same-direction lanes (fields 11, 12).
	LeftNeighbors, RightNeighbors []LaneNeighbor
}

// BoundarySegment is a segment of a lane with a given adjacent boundary
// (message BoundarySegment).
type BoundarySegment struct {
	// LaneStartIndex and LaneEndIndex delimit the segment in the lane's polyline
	// (fields 1, 2).
	LaneStartIndex, LaneEndIndex int32
	// BoundaryFeatureID is the ID of the RoadLine or RoadEdge feature (field 3).
	BoundaryFeatureID int64
	// BoundaryType is the road-line type, or RoadLineUnknown for a road edge (field 4).
	BoundaryType RoadLineType
}

// LaneNeighbor is an adjacent lane into which a lane change is possible
// (message LaneNeighbor).
type LaneNeighbor struct {
	// FeatureID is the neighbour lane's ID (field 1).
	FeatureID int64
	// SelfStartIndex and SelfEndIndex delimit the segment of this lane (fields 2, 3).
	SelfStartIndex, SelfEndIndex int32
	// NeighborStartIndex and NeighborEndIndex delimit the segment of the neighbour
	// (fields 4, 5).
	NeighborStartIndex, NeighborEndIndex int32
	// Boundaries are the boundaries between the two lanes along the segment (field 6).
	Boundaries []BoundarySegment
}

// RoadLineType is the type of a painted line (RoadLine.RoadLineType).
type RoadLineType int32

// Road line types (proto values; the roadgraph type code is the value plus 5).
const (
	RoadLineUnknown             RoadLineType = 0
	RoadLineBrokenSingleWhite   RoadLineType = 1
	RoadLineSolidSingleWhite    RoadLineType = 2
	RoadLineSolidDoubleWhite    RoadLineType = 3
	RoadLineBrokenSingleYellow  RoadLineType = 4
	RoadLineBrokenDoubleYellow  RoadLineType = 5
	RoadLineSolidSingleYellow   RoadLineType = 6
	RoadLineSolidDoubleYellow   RoadLineType = 7
	RoadLinePassingDoubleYellow RoadLineType = 8
)

// RoadLine is a painted line (message RoadLine).
type RoadLine struct {
	// Type is the line type (field 1).
	Type RoadLineType
	// Polyline is the line's geometry (field 2).
	Polyline []MapPoint
}

// RoadEdgeType is the type of a road edge (RoadEdge.RoadEdgeType).
type RoadEdgeType int32

// Road edge types (proto values; the roadgraph type code is the value plus 14).
const (
	RoadEdgeUnknown  RoadEdgeType = 0
	RoadEdgeBoundary RoadEdgeType = 1 // curb or rail with no traffic beyond
	RoadEdgeMedian   RoadEdgeType = 2 // barrier with traffic beyond
)

// RoadEdge is a physical road boundary (message RoadEdge). The metrics of Waymax treat a
// point to the right of the edge's direction as off the road, so edges run with the
// drivable area on their left.
type RoadEdge struct {
	// Type is the edge type (field 1).
	Type RoadEdgeType
	// Polyline is the edge's geometry (field 2).
	Polyline []MapPoint
}

// StopSign is a stop sign (message StopSign).
type StopSign struct {
	// Lanes are the IDs of the lanes the sign controls (field 1, "lane" in the proto).
	Lanes []int64
	// Position is the sign's location (field 2).
	Position MapPoint
}

// Polygon is the closed outline shared by the messages Crosswalk, SpeedBump and Driveway
// (field 1 of each); the last point connects back to the first.
type Polygon struct {
	Points []MapPoint
}

// MphToMps converts miles per hour (LaneCenter.SpeedLimitMph) to metres per second.
const MphToMps = 0.44704
