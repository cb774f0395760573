package sim

import (
	"fmt"
	"math"
)

// Trajectory holds the states of NumObjects objects over NumSteps time steps as a structure of
// arrays. Every field slice has NumObjects×NumSteps entries, object-major: the state of object i
// at step t is at index i*NumSteps + t, so one object's history is contiguous.
//
// Positions are metres in the scenario's global frame, velocities metres per second, Yaw the
// heading in radians (counter-clockwise from +x), and Length, Width, Height the box size in
// metres. Timestamp is in microseconds. An entry whose Valid flag is false carries no meaning.
type Trajectory struct {
	NumObjects, NumSteps int

	X, Y, Z    []float32
	VelX, VelY []float32
	Yaw        []float32
	Length     []float32
	Width      []float32
	Height     []float32
	Valid      []bool
	Timestamp  []int64
}

// NewTrajectory returns a trajectory of n objects over t steps with every entry invalid.
func NewTrajectory(n, t int) *Trajectory {
	if n < 0 || t < 0 {
		panic(fmt.Sprintf("sim.NewTrajectory: negative shape (%d, %d)", n, t))
	}
	tr := &Trajectory{}
	tr.resize(n, t)
	return tr
}

func (tr *Trajectory) resize(n, t int) {
	m := n * t
	tr.NumObjects, tr.NumSteps = n, t
	grow := func(s []float32) []float32 {
		if cap(s) >= m {
			return s[:m]
		}
		return make([]float32, m)
	}
	tr.X, tr.Y, tr.Z = grow(tr.X), grow(tr.Y), grow(tr.Z)
	tr.VelX, tr.VelY, tr.Yaw = grow(tr.VelX), grow(tr.VelY), grow(tr.Yaw)
	tr.Length, tr.Width, tr.Height = grow(tr.Length), grow(tr.Width), grow(tr.Height)
	if cap(tr.Valid) >= m {
		tr.Valid = tr.Valid[:m]
	} else {
		tr.Valid = make([]bool, m)
	}
	if cap(tr.Timestamp) >= m {
		tr.Timestamp = tr.Timestamp[:m]
	} else {
		tr.Timestamp = make([]int64, m)
	}
}

// CopyFrom makes tr an exact copy of src, reusing tr's storage when it is large enough.
func (tr *Trajectory) CopyFrom(src *Trajectory) {
	tr.resize(src.NumObjects, src.NumSteps)
	copy(tr.X, src.X)
	copy(tr.Y, src.Y)
	copy(tr.Z, src.Z)
	copy(tr.VelX, src.VelX)
	copy(tr.VelY, src.VelY)
	copy(tr.Yaw, src.Yaw)
	copy(tr.Length, src.Length)
	copy(tr.Width, src.Width)
	copy(tr.Height, src.Height)
	copy(tr.Valid, src.Valid)
	copy(tr.Timestamp, src.Timestamp)
}

// Index returns the flat index of object i at step t. It panics when either is out of range.
func (tr *Trajectory) Index(i, t int) int {
	if uint(i) >= uint(tr.NumObjects) || uint(t) >= uint(tr.NumSteps) {
		panic(fmt.Sprintf("sim.Trajectory.Index: (%d, %d) out of range for (%d objects, %d steps)", i, t, tr.NumObjects, tr.NumSteps))
	}
	return i*tr.NumSteps + t
}

// At returns the state of object i at step t.
func (tr *Trajectory) At(i, t int) ObjectState {
	k := tr.Index(i, t)
	return ObjectState{
		X: tr.X[k], Y: tr.Y[k], Z: tr.Z[k],
		VelX: tr.VelX[k], VelY: tr.VelY[k], Yaw: tr.Yaw[k],
		Length: tr.Length[k], Width: tr.Width[k], Height: tr.Height[k],
		Valid: tr.Valid[k],
	}
}

// Set writes the state of object i at step t (the timestamp is left unchanged).
func (tr *Trajectory) Set(i, t int, s ObjectState) {
	k := tr.Index(i, t)
	tr.X[k], tr.Y[k], tr.Z[k] = s.X, s.Y, s.Z
	tr.VelX[k], tr.VelY[k], tr.Yaw[k] = s.VelX, s.VelY, s.Yaw
	tr.Length[k], tr.Width[k], tr.Height[k] = s.Length, s.Width, s.Height
	tr.Valid[k] = s.Valid
}

// ObjectState is the state of one object at one time step: a row of a Trajectory.
type ObjectState struct {
	X, Y, Z               float32
	VelX, VelY            float32
	Yaw                   float32
	Length, Width, Height float32
	Valid                 bool
}

// Speed returns the magnitude of the velocity.
func (s ObjectState) Speed() float32 {
	return float32(math.Hypot(float64(s.VelX), float64(s.VelY)))
}

// Corners returns the four corners of the object's box (x, y pairs) in counter-clockwise
// order starting from the front-left corner.
func (s ObjectState) Corners() [4][2]float32 {
	return boxCorners(s.X, s.Y, s.Length, s.Width, s.Yaw)
}

// ObjectMetadata describes the objects of a scenario; every slice has one entry per object.
type ObjectMetadata struct {
	// IDs are the track ids of the source data.
	IDs []int32
	// Types are the object classes.
	Types []ObjectType
	// IsSDC marks the self-driving car (exactly one object in a WOMD scenario).
	IsSDC []bool
	// IsModeled marks the objects whose behaviour a model is asked to predict (WOMD's
	// tracks_to_predict).
	IsModeled []bool
	// ObjectsOfInterest marks WOMD's objects_of_interest.
	ObjectsOfInterest []bool
	// IsControlled marks the objects an environment hands to the agent being evaluated; the
	// rest follow sim agents or the log.
	IsControlled []bool
}

// NewObjectMetadata returns metadata for n objects with every flag false and type unset.
func NewObjectMetadata(n int) ObjectMetadata {
	return ObjectMetadata{
		IDs:               make([]int32, n),
		Types:             make([]ObjectType, n),
		IsSDC:             make([]bool, n),
		IsModeled:         make([]bool, n),
		ObjectsOfInterest: make([]bool, n),
		IsControlled:      make([]bool, n),
	}
}

// Clone returns a deep copy.
func (m ObjectMetadata) Clone() ObjectMetadata {
	return ObjectMetadata{
		IDs:               append([]int32(nil), m.IDs...),
		Types:             append([]ObjectType(nil), m.Types...),
		IsSDC:             append([]bool(nil), m.IsSDC...),
		IsModeled:         append([]bool(nil), m.IsModeled...),
		ObjectsOfInterest: append([]bool(nil), m.ObjectsOfInterest...),
		IsControlled:      append([]bool(nil), m.IsControlled...),
	}
}
