package stem

import (
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet"
)

// State is the symbolic observation of the beam-placement problem: where the silicon is, its
// three neighbours (counter-clockwise), the goal site and the time elapsed.
type State struct {
	Si         Vec
	Neighbours [3]Vec
	Goal       Vec
	// Time is the microscope time used so far in the episode, in seconds.
	Time float64
}

// Action places the beam: the probe position (material frame, ångström) and the dwell time in
// seconds. Current and voltage are fixed by the environment.
type Action struct {
	Beam  Vec
	Dwell float64
}

// EnvConfig configures an Env; zero fields take the defaults.
type EnvConfig struct {
	// Truth is the rate model that moves the silicon (required).
	Truth RateModel
	// GoalMin and GoalMax bound the distance from the silicon to the goal site, drawn
	// uniformly (defaults 5 and 30 Å).
	GoalMin, GoalMax float64
	// Current (pA) and Voltage (kV) of every dwell (defaults RefCurrent, RefVoltage).
	Current, Voltage float64
	// Gamma discounts the reward per second of microscope time (default 0.9967, the
	// reference implementation's).
	Gamma float64
	// GoalTol is how close to the goal the silicon must come (default 0.71 Å).
	GoalTol float64
	// MaxTime truncates an episode once this much time has passed (0 means never).
	MaxTime float64
	// Overhead is added to the time of every step (imaging, beam moves), in seconds.
	Overhead float64
}

func (c EnvConfig) withDefaults() EnvConfig {
	if c.GoalMin == 0 && c.GoalMax == 0 {
		c.GoalMin, c.GoalMax = 5, 30
	}
	if c.Current == 0 {
		c.Current = RefCurrent
	}
	if c.Voltage == 0 {
		c.Voltage = RefVoltage
	}
	if c.Gamma == 0 {
		c.Gamma = 0.9967
	}
	if c.GoalTol == 0 {
		c.GoalTol = 0.71
	}
	return c
}

// Env is the beam-placement problem as a tenet.Environment: steer the silicon to a goal site by
// choosing where the beam dwells. Each step runs one dwell of kinetic Monte Carlo under the true
// rates. The reward is γ^T when the silicon reaches the goal at time T (seconds) and zero
// otherwise, so faster is better; the episode terminates at the goal and is truncated at
// MaxTime or when the silicon reaches the rim of the simulated patch.
//
// Reset keeps the generator it is given and draws the dwells of the episode from it. An Env is
// not safe for concurrent use.
type Env struct {
	cfg  EnvConfig
	lat  *Lattice
	goal int
	time float64
	rng  *rand.Rand
	hops []Hop
}

var _ tenet.Environment[State, Action] = (*Env)(nil)

// NewEnv returns an environment with the given configuration.
func NewEnv(cfg EnvConfig) *Env { return &Env{cfg: cfg.withDefaults()} }

// Lattice returns the current episode's lattice (for display); the silicon is l.Si.
func (e *Env) Lattice() *Lattice { return e.lat }

// Reset draws a new lattice and a goal site at a distance between GoalMin and GoalMax.
func (e *Env) Reset(rng *rand.Rand) State {
	e.rng = rng
	e.lat = NewLattice(e.cfg.GoalMax+12, rng)
	si := e.lat.Pos[e.lat.Si]
	d := e.cfg.GoalMin + (e.cfg.GoalMax-e.cfg.GoalMin)*rng.Float64()
	e.goal = e.lat.Nearest(si.Add(Vec{d, 0}.Rotate(2 * math.Pi * rng.Float64())))
	e.time = 0
	return e.state()
}

func (e *Env) state() State {
	s := State{Si: e.lat.Pos[e.lat.Si], Goal: e.lat.Pos[e.goal], Time: e.time}
	nb, n := e.lat.Neighbours(e.lat.Si)
	for k := range n {
		s.Neighbours[k] = e.lat.Pos[nb[k]]
	}
	return s
}

// Step dwells the beam as a says and reports the outcome.
func (e *Env) Step(a Action) tenet.Step[State] {
	dwell := a.Dwell
	if !(dwell > 0) || math.IsInf(dwell, 0) {
		dwell = 0
	}
	e.hops = SimulateDwell(e.lat, e.cfg.Truth, Beam{Pos: a.Beam, Dwell: dwell, Current: e.cfg.Current, Voltage: e.cfg.Voltage}, e.rng, e.hops[:0])
	e.time += dwell + e.cfg.Overhead
	s := tenet.Step[State]{Obs: e.state()}
	if s.Obs.Si.Sub(s.Obs.Goal).Norm() <= e.cfg.GoalTol {
		s.Terminated = true
		s.Reward = float32(math.Pow(e.cfg.Gamma, e.time))
		return s
	}
	if _, ok := e.lat.SiNeighbours(); !ok || (e.cfg.MaxTime > 0 && e.time >= e.cfg.MaxTime) {
		s.Truncated = true
	}
	return s
}
