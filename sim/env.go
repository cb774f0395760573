package sim

import (
	"fmt"
	"math/rand/v2"

	tenet "github.com/tenet-ml/tenet"
)

// EnvConfig configures the environments. Zero fields take the defaults noted.
type EnvConfig struct {
	// Scenarios to draw episodes from (uniformly, with the Reset rng). Required.
	Scenarios []*Scenario
	// Dynamics of the agent-controlled objects (default Bicycle{}).
	Dynamics Dynamics
	// SimAgent drives the objects the agent does not control (nil: log playback), under
	// SimAgentDynamics (default StateDynamics{}).
	SimAgent         Actor
	SimAgentDynamics Dynamics
	// Controlled picks the agent's objects in a multi-agent episode (default: every object
	// valid at the initial step). The planning environment always controls the SDC.
	Controlled func(sc *Scenario) []int
	// Reward weights registered metrics: the reward of an object is Σ weight·value over the
	// metrics valid for it (default overlap −1, offroad −1).
	Reward map[string]float32
	// Observation sizes the ego-centric features (see Observer).
	Observation ObservationConfig
}

func (c *EnvConfig) defaults() error {
	if len(c.Scenarios) == 0 {
		return fmt.Errorf("sim: environment needs at least one scenario")
	}
	if c.Dynamics == nil {
		c.Dynamics = Bicycle{}
	}
	if c.SimAgentDynamics == nil {
		c.SimAgentDynamics = StateDynamics{}
	}
	if c.Reward == nil {
		c.Reward = map[string]float32{MetricOverlap: -1, MetricOffRoad: -1}
	}
	for name := range c.Reward {
		if _, ok := LookupMetric(name); !ok {
			return fmt.Errorf("sim: reward names unknown metric %q", name)
		}
	}
	return nil
}

// envCore is the machinery both environments share.
type envCore struct {
	cfg      EnvConfig
	sm       *Simulator
	metrics  *MetricSet
	weights  []float32
	observer *Observer
	names    []string
}

func (e *envCore) reset(rng *rand.Rand, controlled []int, sc *Scenario) {
	n := sc.Log.NumObjects
	owned := make([]bool, n)
	for _, i := range controlled {
		owned[i] = true
	}
	groups := []Group{{Objects: controlled, Actor: Expert{}, Dynamics: e.cfg.Dynamics}}
	if e.cfg.SimAgent != nil {
		var others []int
		for i := range n {
			if !owned[i] {
				others = append(others, i)
			}
		}
		groups = append(groups, Group{Objects: others, Actor: e.cfg.SimAgent, Dynamics: e.cfg.SimAgentDynamics})
	}
	if e.sm == nil || e.sm.State.NumObjects() != n {
		e.sm = &Simulator{State: NewSimulatorState(sc)}
		e.metrics = nil
	} else {
		e.sm.State.Reset(sc)
	}
	e.sm.SetGroups(groups...)
	for i := range e.sm.State.Meta.IsControlled {
		e.sm.State.Meta.IsControlled[i] = owned[i]
	}
	if e.metrics == nil {
		e.names = e.names[:0]
		e.weights = e.weights[:0]
		for _, name := range MetricNames() {
			if w, ok := e.cfg.Reward[name]; ok {
				e.names = append(e.names, name)
				e.weights = append(e.weights, w)
			}
		}
		e.metrics, _ = NewMetricSet(n, e.names...)
	}
}

// rewardOf returns object i's weighted metric sum at the current step (metrics computed).
func (e *envCore) rewardOf(i int) float32 {
	var r float32
	for m, w := range e.weights {
		if e.metrics.Valid[m][i] {
			r += w * e.metrics.Value[m][i]
		}
	}
	return r
}

// PlanningObs is the observation of the planning environment: the SDC's ego-centric feature
// vector (see Observer for its layout) and, for planners that want more, the simulator state
// itself (read-only, valid until the next Step or Reset).
type PlanningObs struct {
	Features []float32
	State    *SimulatorState
}

// PlanningEnv is the planning-agent environment: the agent drives the SDC through
// EnvConfig.Dynamics from the scenario's initial step to the end of the log; the other
// objects follow EnvConfig.SimAgent (or the log). The reward of a step is the SDC's weighted
// metric sum; episodes end Truncated at the last logged step (a time limit, not a terminal
// state). It implements tenet.Environment[PlanningObs, Action] and is not safe for
// concurrent use.
type PlanningEnv struct {
	envCore
	act [1]Action
}

// NewPlanningEnv returns a planning environment, or an error for an invalid configuration.
func NewPlanningEnv(cfg EnvConfig) (*PlanningEnv, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	return &PlanningEnv{envCore: envCore{cfg: cfg, observer: NewObserver(cfg.Observation)}}, nil
}

var _ tenet.Environment[PlanningObs, Action] = (*PlanningEnv)(nil)

// Simulator returns the underlying simulator (nil before the first Reset).
func (e *PlanningEnv) Simulator() *Simulator { return e.sm }

// Reset starts an episode on a scenario drawn with rng.
func (e *PlanningEnv) Reset(rng *rand.Rand) PlanningObs {
	sc := e.cfg.Scenarios[rng.IntN(len(e.cfg.Scenarios))]
	if sc.SDC < 0 {
		panic(fmt.Sprintf("sim.PlanningEnv.Reset: scenario %q has no SDC", sc.ID))
	}
	e.reset(rng, []int{sc.SDC}, sc)
	return e.obs()
}

func (e *PlanningEnv) obs() PlanningObs {
	s := e.sm.State
	return PlanningObs{Features: e.observer.Observe(s, s.Scenario.SDC, nil), State: s}
}

// Step applies the SDC's action.
func (e *PlanningEnv) Step(a Action) tenet.Step[PlanningObs] {
	e.act[0] = a
	e.sm.StepActions(0, e.act[:])
	e.metrics.Compute(e.sm.State)
	r := e.rewardOf(e.sm.State.Scenario.SDC)
	return tenet.Step[PlanningObs]{Obs: e.obs(), Reward: r, Truncated: e.sm.State.Done()}
}

// MultiObs is the observation of the multi-agent environment: the controlled objects, their
// ego-centric features (row k of Features, Dim wide, describes Objects[k]), the per-object
// rewards and done flags of the last step (an object is done once it is invalid or the log
// ends), and the simulator state (read-only, valid until the next Step or Reset).
type MultiObs struct {
	Objects  []int
	Features []float32
	Dim      int
	Rewards  []float32
	Done     []bool
	State    *SimulatorState
}

// MultiAgentEnv is the multi-agent environment: the agent drives every controlled object
// (EnvConfig.Controlled) through EnvConfig.Dynamics with one action per object, the rest
// follow EnvConfig.SimAgent or the log. The scalar reward of a step is the sum of the
// controlled objects' rewards; per-object rewards and dones are in the observation. It
// implements tenet.Environment[MultiObs, []Action] and is not safe for concurrent use.
type MultiAgentEnv struct {
	envCore
	objs []int
	obs  MultiObs
}

// NewMultiAgentEnv returns a multi-agent environment, or an error for an invalid
// configuration.
func NewMultiAgentEnv(cfg EnvConfig) (*MultiAgentEnv, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if cfg.Controlled == nil {
		cfg.Controlled = func(sc *Scenario) []int {
			var o []int
			for i := range sc.Log.NumObjects {
				if sc.Log.Valid[sc.Log.Index(i, sc.InitStep)] {
					o = append(o, i)
				}
			}
			return o
		}
	}
	return &MultiAgentEnv{envCore: envCore{cfg: cfg, observer: NewObserver(cfg.Observation)}}, nil
}

var _ tenet.Environment[MultiObs, []Action] = (*MultiAgentEnv)(nil)

// Simulator returns the underlying simulator (nil before the first Reset).
func (e *MultiAgentEnv) Simulator() *Simulator { return e.sm }

// Reset starts an episode on a scenario drawn with rng.
func (e *MultiAgentEnv) Reset(rng *rand.Rand) MultiObs {
	sc := e.cfg.Scenarios[rng.IntN(len(e.cfg.Scenarios))]
	e.objs = e.cfg.Controlled(sc)
	e.reset(rng, e.objs, sc)
	k := len(e.objs)
	d := e.observer.Dim()
	e.obs = MultiObs{Objects: e.objs, Dim: d, Features: make([]float32, k*d), Rewards: make([]float32, k), Done: make([]bool, k), State: e.sm.State}
	e.fill()
	return e.obs
}

func (e *MultiAgentEnv) fill() {
	s := e.sm.State
	d := e.obs.Dim
	for k, i := range e.objs {
		e.observer.Observe(s, i, e.obs.Features[k*d:(k+1)*d])
		e.obs.Done[k] = !s.Current(i).Valid || s.Done()
	}
}

// Step applies one action per controlled object (in the order of MultiObs.Objects). It
// panics when the number of actions is wrong.
func (e *MultiAgentEnv) Step(actions []Action) tenet.Step[MultiObs] {
	if len(actions) != len(e.objs) {
		panic(fmt.Sprintf("sim.MultiAgentEnv.Step: %d actions for %d controlled objects", len(actions), len(e.objs)))
	}
	e.sm.StepActions(0, actions)
	e.metrics.Compute(e.sm.State)
	var total float32
	for k, i := range e.objs {
		e.obs.Rewards[k] = e.rewardOf(i)
		total += e.obs.Rewards[k]
	}
	e.fill()
	return tenet.Step[MultiObs]{Obs: e.obs, Reward: total, Truncated: e.sm.State.Done()}
}
