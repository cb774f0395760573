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
// where the interaction term is dropped when no leader is found, and dv/dt is then clipped
// below at −MaxBrake. The path is the object's valid logged positions smoothed by a centred
// moving average over ±SmoothPoints points (the window shrinks at the ends, which stay
// fixed), with the heading at each vertex taken from the chord between the vertices
// SmoothPoints before and after it (fewer at the ends) and interpolated linearly along each
// segment, so the heading changes continuously with arc length. The leader is the nearest object whose current box overlaps the object's own box
// placed at LookAheadPoints+1 evenly spaced positions from its current position to
// LookAhead metres ahead along its path, s is the path distance to that position (at least
// 0.1 m) and v_lead the leader's speed. The object then moves along the path (extended
// straight along its end heading) by the distance its mean speed covers in the step, with velocity
// along its new heading; the heading turns toward the path heading there by at most
// 0.95·InfeasibleCurvature per metre travelled, so every step has bounded acceleration and
// curvature under the inverse bicycle model. Objects whose logged path is shorter than
// StaticPath metres are parked and hold still.
//
// The zero value is not usable; NewIDM returns Waymax's defaults.
type IDM struct {
	DesiredSpeed    float32 // v0, m/s
	MinGap          float32 // s0, m
	TimeHeadway     float32 // T, s
	MaxAccel        float32 // a, m/s²
	ComfortDecel    float32 // b, m/s²
	Delta           float32 // δ
	MaxBrake        float32 // bound on deceleration, m/s² (0 means unbounded)
	LookAhead       float32 // metres of path checked for leaders
	LookAheadPoints int     // boxes placed along LookAhead (plus the current one)
	StaticPath      float32 // metres of logged motion below which an object is parked
	SmoothPoints    int     // half-width of the moving average over logged points (0: none)
}

// NewIDM returns an IDM with Waymax's parameters: v0 30 m/s, s0 2 m, T 2 s, a 2 m/s²,
// b 4 m/s², δ 4, and a look-ahead of 10 points over 10 m. Waymax does not bound braking;
// here it is bounded at 10 m/s², just inside the kinematic-infeasibility limit
// (InfeasibleAccel), and the path is smoothed over ±4 logged points (0.9 s at 10 Hz). The short look-ahead is
// Waymax's default and misses leaders that are stopped farther ahead than 10 m plus the
// braking distance IDM needs: raise LookAhead (for example to 30–50 m) for safer following.
func NewIDM() *IDM {
	return &IDM{DesiredSpeed: 30, MinGap: 2, TimeHeadway: 2, MaxAccel: 2, ComfortDecel: 4, Delta: 4,
		MaxBrake: 10, LookAhead: 10, LookAheadPoints: 10, StaticPath: 1, SmoothPoints: 4}
}

// Name returns "idm".
func (m *IDM) Name() string { return "idm" }

// idmTurnRate is the largest heading change per metre travelled that IDM applies, just below
// the kinematic-infeasibility bound.
const idmTurnRate = 0.95 * InfeasibleCurvature

// Act returns the IDM actions in the action space of dyn.
func (m *IDM) Act(s *SimulatorState, objs []int, dyn Dynamics, out []Action) {
	boxes := s.currentBoxes()
	log := s.Log()
	T, t := log.NumSteps, s.Timestep
	dt := s.Dt()
	sim := &s.Sim
	var p smoothPath
	for k, i := range objs {
		cur := sim.At(i, t)
		if !cur.Valid {
			out[k] = Action{}
			continue
		}
		if !p.build(log, i*T, T, m.SmoothPoints, m.StaticPath) {
			next := cur
			next.VelX, next.VelY = 0, 0
			out[k] = dyn.Inverse(cur, next)
			continue
		}
		// Project the current position on the path: arc length of the projection.
		arc0 := p.project(cur.X, cur.Y)
		v := cur.Speed()
		// Leader search along the path.
		leadDist, leadVel := float32(-1), float32(0)
		np := max(m.LookAheadPoints, 0)
		for j := 0; j <= np && leadDist < 0; j++ {
			d := float32(0)
			if np > 0 {
				d = m.LookAhead * float32(j) / float32(np)
			}
			px, py, yaw := p.poseAt(arc0 + d)
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
		if m.MaxBrake > 0 {
			acc = max(acc, -m.MaxBrake)
		}
		nv := max(v+acc*dt, 0)
		travel := (nv + v) / 2 * dt
		nx, ny, pathYaw := p.poseAt(arc0 + travel)
		// Move to the path point itself; turn toward the path heading at a bounded rate.
		turn := idmTurnRate * travel
		yaw := WrapAngle(cur.Yaw + clip(WrapAngle(pathYaw-cur.Yaw), -turn, turn))
		sn, c := sincos32(yaw)
		next := cur
		next.X, next.Y, next.Yaw = nx, ny, yaw
		next.VelX, next.VelY = nv*c, nv*sn
		out[k] = dyn.Inverse(cur, next)
	}
}

// smoothPath is an object's smoothed logged path: vertices, cumulative arc length and the
// unwrapped heading at each vertex. Its buffers are reused across objects.
type smoothPath struct {
	rx, ry         []float32 // valid logged points
	x, y, arc, yaw []float32
}

// build smooths the valid logged points of the object at base (T steps) with a centred
// moving average of half-width half and reports whether the path is usable: false when the
// raw logged path is shorter than static metres or the smoothed one has no length.
// Consecutive smoothed vertices closer than 1 mm are merged.
func (p *smoothPath) build(log *Trajectory, base, T, half int, static float32) bool {
	p.rx, p.ry = p.rx[:0], p.ry[:0]
	var total float32
	for u := range T {
		if !log.Valid[base+u] {
			continue
		}
		x, y := log.X[base+u], log.Y[base+u]
		if n := len(p.rx); n > 0 {
			total += hypot32(x-p.rx[n-1], y-p.ry[n-1])
		}
		p.rx, p.ry = append(p.rx, x), append(p.ry, y)
	}
	if len(p.rx) == 0 || total < static {
		return false
	}
	n := len(p.rx)
	p.x, p.y, p.arc, p.yaw = p.x[:0], p.y[:0], p.arc[:0], p.yaw[:0]
	half = max(half, 0)
	for j := range n {
		w := min(half, j, n-1-j)
		var sx, sy float32
		for u := j - w; u <= j+w; u++ {
			sx += p.rx[u]
			sy += p.ry[u]
		}
		x, y := sx/float32(2*w+1), sy/float32(2*w+1)
		if l := len(p.x); l > 0 {
			d := hypot32(x-p.x[l-1], y-p.y[l-1])
			if d < 1e-3 {
				continue
			}
			p.arc = append(p.arc, p.arc[l-1]+d)
		} else {
			p.arc = append(p.arc, 0)
		}
		p.x, p.y = append(p.x, x), append(p.y, y)
	}
	l := len(p.x)
	if l < 2 {
		return false
	}
	h := max(half, 1)
	for j := range l {
		a, b := max(j-h, 0), min(j+h, l-1)
		d := float32(math.Atan2(float64(p.y[b]-p.y[a]), float64(p.x[b]-p.x[a])))
		if j > 0 {
			d = p.yaw[j-1] + WrapAngle(d-p.yaw[j-1])
		}
		p.yaw = append(p.yaw, d)
	}
	return true
}

// project returns the arc length of the point of the path nearest to (x, y), projecting
// onto segments.
func (p *smoothPath) project(x, y float32) float32 {
	bestD := float32(math.Inf(1))
	var bestArc float32
	for j := 1; j < len(p.x); j++ {
		ax, ay := p.x[j-1], p.y[j-1]
		ex, ey := p.x[j]-ax, p.y[j]-ay
		l2 := ex*ex + ey*ey
		f := clip(((x-ax)*ex+(y-ay)*ey)/l2, 0, 1)
		qx, qy := ax+f*ex, ay+f*ey
		if d := (qx-x)*(qx-x) + (qy-y)*(qy-y); d < bestD {
			bestD, bestArc = d, p.arc[j-1]+f*(p.arc[j]-p.arc[j-1])
		}
	}
	return bestArc
}

// poseAt returns the position and heading at arc length a along the path (clamped at 0),
// extending straight along the end heading past the end. The heading is interpolated
// linearly between the vertex headings of the segment containing the point.
func (p *smoothPath) poseAt(a float32) (x, y, yaw float32) {
	a = max(a, 0)
	l := len(p.x)
	if a >= p.arc[l-1] {
		sn, c := sincos32(p.yaw[l-1])
		e := a - p.arc[l-1]
		return p.x[l-1] + c*e, p.y[l-1] + sn*e, WrapAngle(p.yaw[l-1])
	}
	j := 1
	for p.arc[j] < a {
		j++
	}
	f := (a - p.arc[j-1]) / (p.arc[j] - p.arc[j-1])
	x = p.x[j-1] + f*(p.x[j]-p.x[j-1])
	y = p.y[j-1] + f*(p.y[j]-p.y[j-1])
	return x, y, WrapAngle(p.yaw[j-1] + f*(p.yaw[j]-p.yaw[j-1]))
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
