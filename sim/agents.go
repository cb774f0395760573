package sim

import "math"

// Expert is log playback in any action space: the action for each object is the inverse of
// its dynamics model from the current simulated state to the next logged state, as Waymax's
// expert infers it. Under DeltaGlobal it reproduces the log exactly; under the bicycle model
// it follows the log as closely as the bounded actions allow.
type Expert struct{}

// Name returns "expert".
func (Expert) Name() string { return "expert" }

// Act infers the expert actions.
func (Expert) Act(s *SimulatorState, objs []int, dyn Dynamics, out []Action) {
	log := s.Log()
	t := s.Timestep
	for k, i := range objs {
		out[k] = dyn.Inverse(s.Sim.At(i, t), log.At(i, t+1))
	}
}

// ConstantVelocity keeps each object's speed and heading: the next state advances by
// speed·dt along the current yaw, expressed in the object's action space by the inverse of
// its dynamics model.
type ConstantVelocity struct{}

// Name returns "constant_velocity".
func (ConstantVelocity) Name() string { return "constant_velocity" }

// Act returns the actions that keep speed and heading.
func (ConstantVelocity) Act(s *SimulatorState, objs []int, dyn Dynamics, out []Action) {
	dt := s.Dt()
	t := s.Timestep
	for k, i := range objs {
		cur := s.Sim.At(i, t)
		v := cur.Speed()
		sn, c := sincos32(cur.Yaw)
		next := cur
		next.VelX, next.VelY = v*c, v*sn
		next.X, next.Y = cur.X+v*c*dt, cur.Y+v*sn*dt
		out[k] = dyn.Inverse(cur, next)
	}
}

// IDM is the intelligent driver model following each object's logged path (Waymax's
// IDMRoutePolicy). Speed follows
//
//	s* = s0 + max(0, v·T + v·(v − v_lead)/(2·√(a·b)))
//	dv/dt = a·(1 − (v/v0)^δ − (s*/s)²)
//
// where the interaction term is dropped when no leader is found. The leader is the nearest
// object whose current box overlaps the object's own box placed at LookAheadPoints+1 evenly
// spaced positions from its current position to LookAhead metres ahead along its path, s is
// the path distance to that position (at least 0.1 m) and v_lead the leader's speed. The
// object then moves along its logged path (extended straight past the last logged point) by
// the distance its mean speed covers in the step, with the path's heading. Objects whose
// logged path is shorter than StaticPath metres are parked and hold still.
//
// The zero value is not usable; NewIDM returns Waymax's defaults.
type IDM struct {
	DesiredSpeed    float32 // v0, m/s
	MinGap          float32 // s0, m
	TimeHeadway     float32 // T, s
	MaxAccel        float32 // a, m/s²
	ComfortDecel    float32 // b, m/s²
	Delta           float32 // δ
	LookAhead       float32 // metres of path checked for leaders
	LookAheadPoints int     // boxes placed along LookAhead (plus the current one)
	StaticPath      float32 // metres of logged motion below which an object is parked
}

// NewIDM returns an IDM with Waymax's parameters: v0 30 m/s, s0 2 m, T 2 s, a 2 m/s²,
// b 4 m/s², δ 4, and a look-ahead of 10 points over 10 m. The short look-ahead is Waymax's
// default and misses leaders that are stopped farther ahead than 10 m plus the braking
// distance IDM needs: raise LookAhead (for example to 30–50 m) for safer following.
func NewIDM() *IDM {
	return &IDM{DesiredSpeed: 30, MinGap: 2, TimeHeadway: 2, MaxAccel: 2, ComfortDecel: 4, Delta: 4,
		LookAhead: 10, LookAheadPoints: 10, StaticPath: 1}
}

// Name returns "idm".
func (m *IDM) Name() string { return "idm" }

// Act returns the IDM actions in the action space of dyn.
func (m *IDM) Act(s *SimulatorState, objs []int, dyn Dynamics, out []Action) {
	boxes := s.currentBoxes()
	log := s.Log()
	T, t := log.NumSteps, s.Timestep
	dt := s.Dt()
	sim := &s.Sim
	for k, i := range objs {
		cur := sim.At(i, t)
		if !cur.Valid {
			out[k] = Action{}
			continue
		}
		base := i * T
		// The logged path: valid points of the object, and its length.
		var total float32
		first, last := -1, -1
		for u := 0; u < T; u++ {
			if !log.Valid[base+u] {
				continue
			}
			if last >= 0 {
				total += hypot32(log.X[base+u]-log.X[base+last], log.Y[base+u]-log.Y[base+last])
			} else {
				first = u
			}
			last = u
		}
		if first < 0 || total < m.StaticPath {
			next := cur
			next.VelX, next.VelY = 0, 0
			out[k] = dyn.Inverse(cur, next)
			continue
		}
		// Project the current position on the path: arc length of the projection.
		arc0 := projectOnLog(log, base, first, last, cur.X, cur.Y)
		v := cur.Speed()
		// Leader search along the path.
		leadDist, leadVel := float32(-1), float32(0)
		np := max(m.LookAheadPoints, 0)
		for j := 0; j <= np && leadDist < 0; j++ {
			d := float32(0)
			if np > 0 {
				d = m.LookAhead * float32(j) / float32(np)
			}
			px, py, yaw := poseAtArc(log, base, first, last, arc0+d)
			probe := MakeBox(px, py, cur.Length, cur.Width, yaw)
			best := float32(math.Inf(1))
			for o := range boxes {
				if o == i || !sim.Valid[o*T+t] {
					continue
				}
				if probe.Overlaps(&boxes[o]) {
					q := o*T + t
					best = min(best, hypot32(sim.VelX[q], sim.VelY[q]))
				}
			}
			if !math.IsInf(float64(best), 1) {
				leadDist, leadVel = max(d, 0.1), best
			}
		}
		acc := m.MaxAccel * (1 - float32(math.Pow(float64(v/m.DesiredSpeed), float64(m.Delta))))
		if leadDist > 0 {
			sStar := m.MinGap + max(0, v*m.TimeHeadway+v*(v-leadVel)/(2*float32(math.Sqrt(float64(m.MaxAccel*m.ComfortDecel)))))
			r := sStar / leadDist
			acc -= m.MaxAccel * r * r
		}
		nv := max(v+acc*dt, 0)
		travel := (nv + v) / 2 * dt
		nx, ny, yaw := poseAtArc(log, base, first, last, arc0+travel)
		// Keep the lateral offset from the path small: move to the path point itself.
		sn, c := sincos32(yaw)
		next := cur
		next.X, next.Y, next.Yaw = nx, ny, yaw
		next.VelX, next.VelY = nv*c, nv*sn
		out[k] = dyn.Inverse(cur, next)
	}
}

// projectOnLog returns the arc length along the valid logged points (first..last) of the
// object at base of the point nearest to (x, y), projecting onto segments.
func projectOnLog(log *Trajectory, base, first, last int, x, y float32) float32 {
	bestD := float32(math.Inf(1))
	var bestArc, arc float32
	prev := first
	for u := first + 1; u <= last; u++ {
		if !log.Valid[base+u] {
			continue
		}
		ax, ay := log.X[base+prev], log.Y[base+prev]
		bx, by := log.X[base+u], log.Y[base+u]
		ex, ey := bx-ax, by-ay
		l2 := ex*ex + ey*ey
		f := float32(0)
		if l2 > 0 {
			f = clip(((x-ax)*ex+(y-ay)*ey)/l2, 0, 1)
		}
		qx, qy := ax+f*ex, ay+f*ey
		if d := (qx-x)*(qx-x) + (qy-y)*(qy-y); d < bestD {
			bestD, bestArc = d, arc+f*float32(math.Sqrt(float64(l2)))
		}
		arc += float32(math.Sqrt(float64(l2)))
		prev = u
	}
	return bestArc
}

// poseAtArc returns the position and heading at arc length a along the valid logged points,
// extending straight along the last segment past the end. Zero-length segments are skipped;
// the heading is that of the segment containing the point.
func poseAtArc(log *Trajectory, base, first, last int, a float32) (x, y, yaw float32) {
	var arc float32
	prev := first
	lastDir := log.Yaw[base+first]
	for u := first + 1; u <= last; u++ {
		if !log.Valid[base+u] {
			continue
		}
		ax, ay := log.X[base+prev], log.Y[base+prev]
		ex, ey := log.X[base+u]-ax, log.Y[base+u]-ay
		l := hypot32(ex, ey)
		if l < 1e-4 {
			prev = u
			continue
		}
		lastDir = float32(math.Atan2(float64(ey), float64(ex)))
		if arc+l >= a {
			f := (a - arc) / l
			return ax + f*ex, ay + f*ey, lastDir
		}
		arc += l
		prev = u
	}
	s, c := sincos32(lastDir)
	ex := a - arc
	return log.X[base+last] + c*ex, log.Y[base+last] + s*ex, lastDir
}

// ReplayResidual replays the log of every object of sc from its initial step under dyn with
// expert actions (the inverse of dyn toward the next logged state) and returns the mean and
// largest distance between the replayed and logged positions over steps valid in both. It
// measures how well a dynamics model can express logged motion: 0 for DeltaGlobal within its
// bounds, small but not zero for the bicycle model on real logs.
func ReplayResidual(sc *Scenario, dyn Dynamics) (mean, worst float32) {
	n := sc.Log.NumObjects
	objs := make([]int, n)
	for i := range objs {
		objs[i] = i
	}
	sm := NewSimulator(sc, Group{Objects: objs, Actor: Expert{}, Dynamics: dyn})
	value, valid := make([]float32, n), make([]bool, n)
	var sum float64
	var cnt int
	for !sm.State.Done() {
		sm.Step()
		LogDivergence(sm.State, value, valid)
		for i := range n {
			if valid[i] {
				sum += float64(value[i])
				cnt++
				worst = max(worst, value[i])
			}
		}
	}
	if cnt > 0 {
		mean = float32(sum / float64(cnt))
	}
	return mean, worst
}
