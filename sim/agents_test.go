package sim

import (
	"context"
	"math/rand/v2"
	"testing"

	tenet "github.com/tenet-ml/tenet"
)

// stoppedLeaderScene: the SDC's log drives straight at 10 m/s; a car stands still 60 m ahead
// in the same lane (the log passes through it, as a log of a lane change would).
func stoppedLeaderScene() *Scenario {
	sc := testScene(2)
	T := sc.Log.NumSteps
	for t := range T {
		k := 1*T + t
		sc.Log.X[k], sc.Log.VelX[k] = 70, 0
	}
	return sc
}

func rolloutOverlap(sm *Simulator) (collided bool) {
	n := sm.State.NumObjects()
	v, ok := make([]float32, n), make([]bool, n)
	for !sm.State.Done() {
		sm.Step()
		Overlap(sm.State, v, ok)
		if v[0] > 0 {
			collided = true
		}
	}
	return collided
}

func TestIDMStopsBehindStoppedLeader(t *testing.T) {
	idm := NewIDM()
	idm.LookAhead = 50
	sm := NewSimulator(stoppedLeaderScene(), Group{Objects: []int{0}, Actor: idm, Dynamics: StateDynamics{}})
	if rolloutOverlap(sm) {
		t.Fatal("IDM with a 50 m look-ahead hit the stopped car")
	}
	sdc := sm.State.Current(0)
	if sdc.Speed() > 2 || sdc.X > 70-4.5 || sdc.X < 40 {
		t.Fatalf("SDC ends at x %v with speed %v", sdc.X, sdc.Speed())
	}
	// With Waymax's default 10 m look-ahead the leader is seen late; report the outcome.
	sm = NewSimulator(stoppedLeaderScene(), Group{Objects: []int{0}, Actor: NewIDM(), Dynamics: StateDynamics{}})
	t.Logf("10 m look-ahead collides: %v", rolloutOverlap(sm))
}

func TestIDMFreeRoadAccelerates(t *testing.T) {
	sc := testScene(1)
	sm := NewSimulator(sc, Group{Objects: []int{0}, Actor: NewIDM(), Dynamics: Bicycle{}})
	for range 30 {
		sm.Step()
	}
	cur := sm.State.Current(0)
	if cur.Speed() <= 10.5 || abs32(cur.Y) > 0.05 {
		t.Fatalf("free-road IDM: speed %v, y %v", cur.Speed(), cur.Y)
	}
}

func TestConstantVelocityAndComposition(t *testing.T) {
	sc := testScene(6)
	sm := NewSimulator(sc,
		Group{Objects: []int{0}, Actor: ConstantVelocity{}, Dynamics: Bicycle{}},
		Group{Objects: []int{1, 2}, Actor: Expert{}, Dynamics: DeltaLocal{}},
		Group{Objects: []int{4}, Actor: NewIDM(), Dynamics: StateDynamics{}},
	)
	for !sm.State.Done() {
		sm.Step()
	}
	s := sm.State
	if got := s.Current(0).X; abs32(got-(10*9)) > 1e-2 {
		t.Fatalf("constant velocity ends at %v, want 90", got)
	}
	log := sc.Log
	for _, i := range []int{1, 2, 3, 5} { // expert and log playback reproduce the log
		if d := hypot32(s.Current(i).X-log.At(i, 90).X, s.Current(i).Y-log.At(i, 90).Y); d > 1e-3 {
			t.Fatalf("object %d off the log by %v", i, d)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for an object in two groups")
		}
	}()
	sm.SetGroups(Group{Objects: []int{0}, Actor: Expert{}, Dynamics: Bicycle{}}, Group{Objects: []int{0}, Actor: Expert{}, Dynamics: Bicycle{}})
}

func TestPlanningEnv(t *testing.T) {
	env, err := NewPlanningEnv(EnvConfig{Scenarios: []*Scenario{testScene(8)}, Dynamics: DeltaGlobal{}, SimAgent: NewIDM()})
	if err != nil {
		t.Fatal(err)
	}
	expert := tenet.PolicyFunc[PlanningObs, Action](func(o PlanningObs, _ *rand.Rand) Action {
		s := o.State
		return DeltaGlobal{}.Inverse(s.Current(s.Scenario.SDC), s.Log().At(s.Scenario.SDC, s.Timestep+1))
	})
	steps := tenet.Rollout[PlanningObs, Action](env, expert, 1000, rand.New(rand.NewPCG(1, 1)))
	if len(steps) != 80 || !steps[79].Truncated || steps[79].Terminated {
		t.Fatalf("%d steps, last %+v", len(steps), steps[len(steps)-1].Truncated)
	}
	for _, s := range steps {
		if s.Reward != 0 {
			t.Fatalf("expert collided or went off road: reward %v", s.Reward)
		}
	}
	if len(steps[0].Obs.Features) != NewObserver(ObservationConfig{}).Dim() {
		t.Fatal("observation size")
	}
	if _, err := NewPlanningEnv(EnvConfig{Scenarios: []*Scenario{testScene(2)}, Reward: map[string]float32{"nope": 1}}); err == nil {
		t.Fatal("unknown reward metric accepted")
	}
}

func TestMultiAgentEnv(t *testing.T) {
	env, err := NewMultiAgentEnv(EnvConfig{Scenarios: []*Scenario{testScene(8)}, Dynamics: Bicycle{}})
	if err != nil {
		t.Fatal(err)
	}
	obs := env.Reset(rand.New(rand.NewPCG(2, 2)))
	if len(obs.Objects) != 8 || len(obs.Features) != 8*obs.Dim {
		t.Fatalf("%d objects, %d features", len(obs.Objects), len(obs.Features))
	}
	acts := make([]Action, 8)
	for k := range acts {
		acts[k] = Action{Valid: true} // coast: zero acceleration and curvature
	}
	var st tenet.Step[MultiObs]
	for n := 0; n < 80; n++ {
		st = env.Step(acts)
	}
	if !st.Truncated || !st.Obs.Done[0] {
		t.Fatal("episode did not end after 80 steps")
	}
	// The parked car beyond the edge (object 3) is penalised for being off road.
	if st.Obs.Rewards[3] != -1 {
		t.Fatalf("rewards %v", st.Obs.Rewards)
	}
}

func TestObserverLayout(t *testing.T) {
	sc := testScene(6)
	s := NewSimulatorState(sc)
	o := NewObserver(ObservationConfig{Objects: 3, RoadPoints: 4, RoutePoints: 2})
	f := o.Observe(s, 0, nil)
	if len(f) != o.Dim() || o.Dim() != 7+3*9+4*9+2*3+6 {
		t.Fatalf("dim %d", len(f))
	}
	if abs32(f[0]-1) > 1e-6 { // 10 m/s / 10
		t.Fatalf("speed feature %v", f[0])
	}
	// Nearest object: the leader 28 m ahead at the initial step (1.4 units).
	if abs32(f[7]-1.4) > 1e-5 || f[7+8] != 1 {
		t.Fatalf("first object features %v", f[7:16])
	}
	// Route points ahead at 5 and 10 m.
	r := 7 + 27 + 36
	if abs32(f[r]-0.25) > 0.06 || f[r+2] != 1 || abs32(f[r+3]-0.5) > 0.06 {
		t.Fatalf("route features %v", f[r:r+6])
	}
}

func TestTrainBC(t *testing.T) {
	var scs []*Scenario
	for k := range 4 {
		sc := testScene(6)
		for i := range sc.Log.Y { // vary the lateral motion a little
			sc.Log.Y[i] += 0.2 * float32(k)
		}
		scs = append(scs, sc)
	}
	var losses []float64
	p, err := TrainBC(context.Background(), scs, Bicycle{}, BCConfig{Hidden: []int{32}, Epochs: 8, BatchSize: 64, Seed: 1}, func(_ int, l float64) { losses = append(losses, l) })
	if err != nil {
		t.Fatal(err)
	}
	if len(losses) != 8 || losses[7] >= losses[0] {
		t.Fatalf("losses %v", losses)
	}
	sm := NewSimulator(scs[0], Group{Objects: []int{0}, Actor: p, Dynamics: Bicycle{}})
	for !sm.State.Done() {
		sm.Step()
	}
	if !sm.State.Current(0).Valid {
		t.Fatal("BC rollout invalidated the SDC")
	}
	// A delta-space policy driving a bicycle group goes through the inverse.
	pd, err := TrainBC(context.Background(), scs[:1], DeltaLocal{}, BCConfig{Hidden: []int{16}, Epochs: 2, Seed: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]Action, 1)
	pd.Act(NewSimulatorState(scs[0]), []int{0}, Bicycle{}, out)
	if !out[0].Valid {
		t.Fatal("invalid converted action")
	}
	if _, err := TrainBC(context.Background(), nil, Bicycle{}, BCConfig{}, nil); err == nil {
		t.Fatal("no data accepted")
	}
}

// noisyLogScene replaces the SDC's log of testScene(1) with motion at speed v along a
// straight line (radius 0) or a left-turning circle of the given radius, with uniform
// position noise of ±noise metres and yaw noise of ±noise radians on every logged point.
func noisyLogScene(v, radius, noise float32, seed uint64) *Scenario {
	sc := testScene(1)
	T := sc.Log.NumSteps
	rng := rand.New(rand.NewPCG(seed, 1))
	u := func() float32 { return (2*rng.Float32() - 1) * noise }
	for t := range T {
		s := v * float32(t) * DefaultDt
		x, y, yaw := s, float32(0), float32(0)
		if radius > 0 {
			yaw = s / radius
			sn, c := sincos32(yaw)
			x, y = radius*sn, radius*(1-c)
		}
		sn, c := sincos32(yaw)
		sc.Log.X[t], sc.Log.Y[t] = x+u(), y+u()
		sc.Log.Yaw[t] = yaw + u()
		sc.Log.VelX[t], sc.Log.VelY[t] = v*c, v*sn
	}
	return sc
}

// checkIDMFeasible rolls the simulator out and fails on any step of object 0 whose inverse
// bicycle needs |a| above InfeasibleAccel or |κ| above InfeasibleCurvature, or which the
// kinematic-infeasibility metric flags. It returns the largest |a| and |κ| seen.
func checkIDMFeasible(t *testing.T, sm *Simulator) (maxA, maxK float32) {
	t.Helper()
	n := sm.State.NumObjects()
	value, valid := make([]float32, n), make([]bool, n)
	for !sm.State.Done() {
		prev := sm.State.Current(0)
		sm.Step()
		cur := sm.State.Current(0)
		a, k := BicycleInverse(prev, cur, sm.State.Dt())
		maxA, maxK = max(maxA, abs32(a)), max(maxK, abs32(k))
		if abs32(a) > InfeasibleAccel || abs32(k) > InfeasibleCurvature {
			t.Fatalf("step %d: a %v m/s², κ %v 1/m", sm.State.Timestep, a, k)
		}
		KinematicInfeasibility(sm.State, value, valid)
		if valid[0] && value[0] != 0 {
			t.Fatalf("step %d flagged kinematically infeasible", sm.State.Timestep)
		}
	}
	return maxA, maxK
}

func TestIDMNoisyLogFeasible(t *testing.T) {
	for _, tc := range []struct {
		name             string
		v, radius, noise float32
	}{
		{"straight", 10, 0, 0.3},
		{"straight-slow", 2, 0, 0.1},
		{"curve-40m", 8, 40, 0.3},
		{"curve-12m", 5, 12, 0.2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for seed := range uint64(5) {
				sc := noisyLogScene(tc.v, tc.radius, tc.noise, seed)
				for _, dyn := range []Dynamics{StateDynamics{}, Bicycle{}} {
					sm := NewSimulator(sc, Group{Objects: []int{0}, Actor: NewIDM(), Dynamics: dyn})
					maxA, maxK := checkIDMFeasible(t, sm)
					// Placed on the path, the object stays near the noise-free one (the
					// bicycle model only follows the path heading and may drift sideways).
					cur := sm.State.Current(0)
					off := abs32(cur.Y)
					if tc.radius > 0 {
						off = abs32(hypot32(cur.X, cur.Y-tc.radius) - tc.radius)
					}
					if _, ok := dyn.(StateDynamics); ok && off > 1 {
						t.Fatalf("seed %d %s: %v m off the noise-free path", seed, dyn.Name(), off)
					}
					if seed == 0 {
						t.Logf("%s: max |a| %.2f m/s², max |κ| %.3f 1/m, final offset %.2f m", dyn.Name(), maxA, maxK, off)
					}
				}
			}
		})
	}
}

func TestIDMBrakingBounded(t *testing.T) {
	// With the 10 m look-ahead the stopped leader is seen late and IDM brakes as hard as it
	// may; the deceleration stays within MaxBrake.
	sm := NewSimulator(stoppedLeaderScene(), Group{Objects: []int{0}, Actor: NewIDM(), Dynamics: StateDynamics{}})
	maxA, _ := checkIDMFeasible(t, sm)
	if maxA > NewIDM().MaxBrake+1e-3 {
		t.Fatalf("largest |a| %v above MaxBrake", maxA)
	}
	t.Logf("largest |a| %.2f m/s²", maxA)
}
