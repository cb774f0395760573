package sim

import "fmt"

// Actor chooses actions for a set of objects: the sim agents (log playback, constant
// velocity, IDM, a learned policy) and anything else that drives objects.
type Actor interface {
	// Name identifies the actor.
	Name() string
	// Act writes into out[k] the action for object objs[k] at s's current step, in the action
	// space of dyn. It must not modify s other than its scratch buffers.
	Act(s *SimulatorState, objs []int, dyn Dynamics, out []Action)
}

// Group assigns a set of objects to an actor and the dynamics model its actions drive.
type Group struct {
	Objects  []int
	Actor    Actor
	Dynamics Dynamics
}

// Simulator steps a SimulatorState forward under a per-object composition of actors and
// dynamics models: every object belongs to at most one Group, and objects in no group follow
// the log. All groups act on the same state before any update is applied, so the order of
// groups does not matter.
//
// A Simulator is not safe for concurrent use; simulators sharing a Scenario may run on
// separate goroutines.
type Simulator struct {
	State  *SimulatorState
	Groups []Group

	actions [][]Action
	owner   []int // group index per object, −1 for log playback
}

// NewSimulator returns a simulator at sc's initial step. It panics when an object index is out
// of range or appears in two groups.
func NewSimulator(sc *Scenario, groups ...Group) *Simulator {
	sm := &Simulator{State: NewSimulatorState(sc)}
	sm.SetGroups(groups...)
	return sm
}

// SetGroups replaces the composition of actors. It panics when an object index is out of
// range or appears in two groups, or a group lacks an actor or dynamics.
func (sm *Simulator) SetGroups(groups ...Group) {
	n := sm.State.NumObjects()
	if cap(sm.owner) < n {
		sm.owner = make([]int, n)
	}
	sm.owner = sm.owner[:n]
	for i := range sm.owner {
		sm.owner[i] = -1
	}
	sm.Groups = groups
	if cap(sm.actions) < len(groups) {
		sm.actions = make([][]Action, len(groups))
	}
	sm.actions = sm.actions[:len(groups)]
	for g, gr := range groups {
		if gr.Actor == nil || gr.Dynamics == nil {
			panic(fmt.Sprintf("sim.Simulator.SetGroups: group %d has no actor or dynamics", g))
		}
		for _, i := range gr.Objects {
			if i < 0 || i >= n {
				panic(fmt.Sprintf("sim.Simulator.SetGroups: object %d out of range [0, %d)", i, n))
			}
			if sm.owner[i] >= 0 {
				panic(fmt.Sprintf("sim.Simulator.SetGroups: object %d in groups %d and %d", i, sm.owner[i], g))
			}
			sm.owner[i] = g
		}
		if cap(sm.actions[g]) < len(gr.Objects) {
			sm.actions[g] = make([]Action, len(gr.Objects))
		}
		sm.actions[g] = sm.actions[g][:len(gr.Objects)]
	}
}

// Reset restarts from sc at its initial step, keeping the groups (which must still fit the
// number of objects).
func (sm *Simulator) Reset(sc *Scenario) {
	sm.State.Reset(sc)
	sm.SetGroups(sm.Groups...)
}

// Step advances the simulation by one step. It panics at the last logged step.
func (sm *Simulator) Step() {
	s := sm.State
	if s.Done() {
		panic(fmt.Sprintf("sim.Simulator.Step: already at the last logged step %d", s.Timestep))
	}
	for g, gr := range sm.Groups {
		gr.Actor.Act(s, gr.Objects, gr.Dynamics, sm.actions[g])
	}
	sm.apply()
}

func (sm *Simulator) apply() {
	s := sm.State
	t := s.Timestep
	log := s.Log()
	T := s.Sim.NumSteps
	for i, g := range sm.owner {
		if g >= 0 {
			continue
		}
		// Log playback for objects nobody controls.
		k1 := i*T + t + 1
		s.Sim.X[k1], s.Sim.Y[k1], s.Sim.Z[k1] = log.X[k1], log.Y[k1], log.Z[k1]
		s.Sim.VelX[k1], s.Sim.VelY[k1], s.Sim.Yaw[k1] = log.VelX[k1], log.VelY[k1], log.Yaw[k1]
		s.Sim.Length[k1], s.Sim.Width[k1], s.Sim.Height[k1] = log.Length[k1], log.Width[k1], log.Height[k1]
		s.Sim.Valid[k1] = log.Valid[k1]
	}
	for g, gr := range sm.Groups {
		acts := sm.actions[g]
		for k, i := range gr.Objects {
			cur := s.Sim.At(i, t)
			next := gr.Dynamics.Forward(cur, acts[k])
			s.setNext(i, next)
		}
	}
	s.Timestep++
}

// StepActions advances one step with the given actions for the objects of group g instead of
// asking that group's actor (the other groups still act). Environments use it to apply the
// agent's actions. It panics when the number of actions differs from the group's size.
func (sm *Simulator) StepActions(g int, actions []Action) {
	s := sm.State
	if s.Done() {
		panic(fmt.Sprintf("sim.Simulator.StepActions: already at the last logged step %d", s.Timestep))
	}
	if g < 0 || g >= len(sm.Groups) || len(actions) != len(sm.Groups[g].Objects) {
		panic(fmt.Sprintf("sim.Simulator.StepActions: %d actions for group %d", len(actions), g))
	}
	for h, gr := range sm.Groups {
		if h == g {
			copy(sm.actions[h], actions)
			continue
		}
		gr.Actor.Act(s, gr.Objects, gr.Dynamics, sm.actions[h])
	}
	sm.apply()
}
