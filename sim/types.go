package sim

// Default sizes of the Waymo Open Motion Dataset layout that Waymax uses.
const (
	// DefaultNumSteps is the number of logged time steps in a scenario: 10 past, 1 current and
	// 80 future steps at 10 Hz.
	DefaultNumSteps = 91
	// DefaultInitStep is the index of the current time step at which simulation starts
	// (the 11th step, after 10 steps of history).
	DefaultInitStep = 10
	// DefaultMaxObjects is the largest number of objects a scenario carries.
	DefaultMaxObjects = 128
	// DefaultMaxRoadgraphPoints is the largest number of roadgraph points a scenario carries.
	DefaultMaxRoadgraphPoints = 30000
	// DefaultMaxTrafficLights is the largest number of traffic lights a scenario carries.
	DefaultMaxTrafficLights = 16
	// DefaultDt is the duration of one time step in seconds (10 Hz).
	DefaultDt = 0.1
)

// ObjectType is the class of a tracked object, with WOMD's codes.
type ObjectType int8

// Object types.
const (
	ObjectUnset      ObjectType = 0
	ObjectVehicle    ObjectType = 1
	ObjectPedestrian ObjectType = 2
	ObjectCyclist    ObjectType = 3
	ObjectOther      ObjectType = 4
)

// String returns the lower-case name of the type.
func (t ObjectType) String() string {
	switch t {
	case ObjectVehicle:
		return "vehicle"
	case ObjectPedestrian:
		return "pedestrian"
	case ObjectCyclist:
		return "cyclist"
	case ObjectOther:
		return "other"
	}
	return "unset"
}

// RoadType is the type code of a roadgraph point, as in Waymax (and the WOMD tf.Example
// format): lane centres 0–3, road lines 5–13, road edges 14–16, stop signs 17, crosswalks 18,
// speed bumps 19.
type RoadType int8

// Roadgraph point types.
const (
	RoadLaneUndefined RoadType = 0
	RoadLaneFreeway   RoadType = 1
	RoadLaneSurface   RoadType = 2
	RoadLaneBike      RoadType = 3

	RoadLineUnknown             RoadType = 5
	RoadLineBrokenSingleWhite   RoadType = 6
	RoadLineSolidSingleWhite    RoadType = 7
	RoadLineSolidDoubleWhite    RoadType = 8
	RoadLineBrokenSingleYellow  RoadType = 9
	RoadLineBrokenDoubleYellow  RoadType = 10
	RoadLineSolidSingleYellow   RoadType = 11
	RoadLineSolidDoubleYellow   RoadType = 12
	RoadLinePassingDoubleYellow RoadType = 13

	RoadEdgeUnknown  RoadType = 14
	RoadEdgeBoundary RoadType = 15
	RoadEdgeMedian   RoadType = 16

	RoadStopSign  RoadType = 17
	RoadCrosswalk RoadType = 18
	RoadSpeedBump RoadType = 19
)

// IsLane reports whether t is a lane-centre type (0–3).
func (t RoadType) IsLane() bool { return t >= RoadLaneUndefined && t <= RoadLaneBike }

// IsRoadLine reports whether t is a painted road-line type (5–13).
func (t RoadType) IsRoadLine() bool { return t >= RoadLineUnknown && t <= RoadLinePassingDoubleYellow }

// IsRoadEdge reports whether t is a road edge that bounds the drivable surface: boundary or
// median, the two types the off-road metric uses (as Waymax does; unknown edges are ignored).
func (t RoadType) IsRoadEdge() bool { return t == RoadEdgeBoundary || t == RoadEdgeMedian }

// LightState is the state of a traffic signal controlling a lane, with WOMD's codes.
type LightState int8

// Traffic light states.
const (
	LightUnknown         LightState = 0
	LightArrowStop       LightState = 1
	LightArrowCaution    LightState = 2
	LightArrowGo         LightState = 3
	LightStop            LightState = 4
	LightCaution         LightState = 5
	LightGo              LightState = 6
	LightFlashingStop    LightState = 7
	LightFlashingCaution LightState = 8
)

// IsStop reports whether the state forbids entering the intersection (stop, arrow stop,
// flashing stop).
func (s LightState) IsStop() bool {
	return s == LightStop || s == LightArrowStop || s == LightFlashingStop
}

// IsCaution reports whether the state is a caution (yellow) state.
func (s LightState) IsCaution() bool {
	return s == LightCaution || s == LightArrowCaution || s == LightFlashingCaution
}

// IsGo reports whether the state is a go (green) state.
func (s LightState) IsGo() bool { return s == LightGo || s == LightArrowGo }
