package sim

import "fmt"

// SimulatorState is a simulation in progress: the scenario it started from, the simulated
// trajectory and the current time step. Sim holds the log up to the step at which simulation
// started and the simulated states after it; entries after Timestep are stale until the
// simulation reaches them. Meta is a copy of the scenario's metadata whose IsControlled flags
// an environment may change.
//
// A SimulatorState is not safe for concurrent use; it keeps scratch buffers so that stepping
// and metrics do not allocate.
type SimulatorState struct {
	Scenario *Scenario
	Sim      Trajectory
	Meta     ObjectMetadata
	Timestep int

	boxes []Box
}

// NewSimulatorState returns a state reset to sc's initial step.
func NewSimulatorState(sc *Scenario) *SimulatorState {
	s := &SimulatorState{}
	s.Reset(sc)
	return s
}

// Reset restarts the simulation from sc at sc.InitStep, reusing s's storage.
func (s *SimulatorState) Reset(sc *Scenario) {
	if sc == nil || sc.Log == nil {
		panic("sim.SimulatorState.Reset: nil scenario or log")
	}
	s.Scenario = sc
	s.Sim.CopyFrom(sc.Log)
	n := sc.Log.NumObjects
	copyMeta(&s.Meta, &sc.Meta, n)
	s.Timestep = sc.InitStep
	if cap(s.boxes) < n {
		s.boxes = make([]Box, n)
	}
	s.boxes = s.boxes[:n]
}

func copyMeta(dst, src *ObjectMetadata, n int) {
	growB := func(b []bool) []bool {
		if cap(b) < n {
			return make([]bool, n)
		}
		return b[:n]
	}
	if cap(dst.IDs) < n {
		dst.IDs = make([]int32, n)
	}
	dst.IDs = dst.IDs[:n]
	if cap(dst.Types) < n {
		dst.Types = make([]ObjectType, n)
	}
	dst.Types = dst.Types[:n]
	dst.IsSDC, dst.IsModeled = growB(dst.IsSDC), growB(dst.IsModeled)
	dst.ObjectsOfInterest, dst.IsControlled = growB(dst.ObjectsOfInterest), growB(dst.IsControlled)
	copy(dst.IDs, src.IDs)
	copy(dst.Types, src.Types)
	copy(dst.IsSDC, src.IsSDC)
	copy(dst.IsModeled, src.IsModeled)
	copy(dst.ObjectsOfInterest, src.ObjectsOfInterest)
	copy(dst.IsControlled, src.IsControlled)
}

// Log returns the logged trajectory.
func (s *SimulatorState) Log() *Trajectory { return s.Scenario.Log }

// NumObjects returns the number of objects.
func (s *SimulatorState) NumObjects() int { return s.Sim.NumObjects }

// Current returns the simulated state of object i at the current step.
func (s *SimulatorState) Current(i int) ObjectState { return s.Sim.At(i, s.Timestep) }

// Done reports whether the simulation has reached the last logged step.
func (s *SimulatorState) Done() bool { return s.Timestep >= s.Sim.NumSteps-1 }

// RemainingSteps returns the number of steps left before the last logged step.
func (s *SimulatorState) RemainingSteps() int { return s.Sim.NumSteps - 1 - s.Timestep }

// Dt returns the step duration in seconds.
func (s *SimulatorState) Dt() float32 { return s.Scenario.Dt }

// currentBoxes prepares the boxes of every object at the current step (valid or not).
func (s *SimulatorState) currentBoxes() []Box {
	tr := &s.Sim
	T, t := tr.NumSteps, s.Timestep
	for i := range s.boxes {
		k := i*T + t
		s.boxes[i] = MakeBox(tr.X[k], tr.Y[k], tr.Length[k], tr.Width[k], tr.Yaw[k])
	}
	return s.boxes
}

// Advance writes next as the state of object i at step Timestep+1. It panics at the last step.
func (s *SimulatorState) setNext(i int, next ObjectState) {
	if s.Timestep+1 >= s.Sim.NumSteps {
		panic(fmt.Sprintf("sim: step past the last logged step %d", s.Sim.NumSteps-1))
	}
	s.Sim.Set(i, s.Timestep+1, next)
}
