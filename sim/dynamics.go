package sim

import (
	"fmt"
	"math"
)

// MaxActionDim is the largest action dimension of the built-in dynamics models (the
// full-state model's five numbers).
const MaxActionDim = 5

// Action is the action of one object: Dim numbers whose meaning depends on the dynamics model
// (acceleration and curvature for the bicycle model, displacements for the delta models, …)
// and a validity flag. Applying an invalid action invalidates the object for that step, as in
// Waymax; nothing is filled in silently.
type Action struct {
	Data  [MaxActionDim]float32
	Valid bool
}

// ActionSpec describes a continuous action space: its dimension and per-dimension bounds.
type ActionSpec struct {
	Dim    int
	Lo, Hi [MaxActionDim]float32
}

// Dynamics is a discrete-time motion model of one object: Forward maps a state and an action
// to the next state, and Inverse recovers the action that best explains a transition between
// two states (clipped to the action bounds). Models keep an object's box size and z.
// Implementations are immutable values, safe for concurrent use.
type Dynamics interface {
	// Name identifies the model ("bicycle", "delta_global", …).
	Name() string
	// Spec returns the action space.
	Spec() ActionSpec
	// Forward returns the state after applying a to cur for one step. The result is invalid
	// when cur or a is.
	Forward(cur ObjectState, a Action) ObjectState
	// Inverse returns the action taking cur to next, clipped to the bounds; it is invalid
	// unless both states are valid.
	Inverse(cur, next ObjectState) Action
}

func clip(x, lo, hi float32) float32 { return min(max(x, lo), hi) }

// BicycleSpeedCutoff is the speed (m/s) below which the inverse bicycle model reports zero
// curvature, since headings of nearly stationary objects are dominated by noise (Waymax's
// 0.6 m/s).
const BicycleSpeedCutoff = 0.6

// Bicycle is Waymax's invertible kinematic bicycle model with action (acceleration a in m/s²,
// curvature κ in 1/m). With speed v = |(vel_x, vel_y)| and step t:
//
//	x'   = x + vel_x·t + ½·a·cos(yaw)·t²
//	y'   = y + vel_y·t + ½·a·sin(yaw)·t²
//	yaw' = wrap(yaw + κ·(v·t + ½·a·t²))
//	v'   = v + a·t,  velocity along yaw'
//
// and the inverse, from speeds v0, v1 and the heading of the new velocity:
//
//	a = (v1 − v0)/t,  κ = wrap(atan2(vel_y1, vel_x1) − yaw0) / (v0·t + ½·a·t²)
//
// where κ is set to 0 when v0 or v1 is below BicycleSpeedCutoff, and the new logged yaw
// replaces the velocity heading when v1 is below the cut-off.
type Bicycle struct {
	Dt           float32 // step, seconds (0 means DefaultDt)
	MaxAccel     float32 // bound on |a| (0 means 6 m/s²)
	MaxCurvature float32 // bound on |κ| (0 means 0.3 1/m)
}

func (m Bicycle) params() (dt, ma, mk float32) {
	dt, ma, mk = m.Dt, m.MaxAccel, m.MaxCurvature
	if dt == 0 {
		dt = DefaultDt
	}
	if ma == 0 {
		ma = 6
	}
	if mk == 0 {
		mk = 0.3
	}
	return
}

// Name returns "bicycle".
func (m Bicycle) Name() string { return "bicycle" }

// Spec returns the bounds [−MaxAccel, MaxAccel] × [−MaxCurvature, MaxCurvature].
func (m Bicycle) Spec() ActionSpec {
	_, ma, mk := m.params()
	return ActionSpec{Dim: 2, Lo: [MaxActionDim]float32{-ma, -mk}, Hi: [MaxActionDim]float32{ma, mk}}
}

// Forward applies the clipped action for one step.
func (m Bicycle) Forward(cur ObjectState, a Action) ObjectState {
	dt, ma, mk := m.params()
	acc := clip(a.Data[0], -ma, ma)
	k := clip(a.Data[1], -mk, mk)
	s, c := sincos32(cur.Yaw)
	v := cur.Speed()
	n := cur
	n.X = cur.X + cur.VelX*dt + 0.5*acc*c*dt*dt
	n.Y = cur.Y + cur.VelY*dt + 0.5*acc*s*dt*dt
	n.Yaw = WrapAngle(cur.Yaw + k*(v*dt+0.5*acc*dt*dt))
	nv := v + acc*dt
	s2, c2 := sincos32(n.Yaw)
	n.VelX, n.VelY = nv*c2, nv*s2
	n.Valid = cur.Valid && a.Valid
	return n
}

// Inverse returns the clipped (a, κ) taking cur to next.
func (m Bicycle) Inverse(cur, next ObjectState) Action {
	dt, ma, mk := m.params()
	acc, k := BicycleInverse(cur, next, dt)
	var a Action
	a.Data[0], a.Data[1] = clip(acc, -ma, ma), clip(k, -mk, mk)
	a.Valid = cur.Valid && next.Valid
	if !a.Valid {
		a.Data = [MaxActionDim]float32{}
	}
	return a
}

// BicycleInverse returns the unclipped acceleration and curvature of the inverse bicycle model
// for the transition cur → next over dt seconds (see Bicycle), the quantities the kinematic
// infeasibility metric bounds.
func BicycleInverse(cur, next ObjectState, dt float32) (accel, curvature float32) {
	v0, v1 := cur.Speed(), next.Speed()
	accel = (v1 - v0) / dt
	newYaw := next.Yaw
	if v1 > BicycleSpeedCutoff {
		newYaw = float32(math.Atan2(float64(next.VelY), float64(next.VelX)))
	}
	if v0 < BicycleSpeedCutoff || v1 < BicycleSpeedCutoff {
		return accel, 0
	}
	dyaw := WrapAngle(newYaw - WrapAngle(cur.Yaw))
	den := v0*dt + 0.5*accel*dt*dt
	if den == 0 {
		return accel, 0
	}
	return accel, dyaw / den
}

// DeltaGlobal is the position-delta model with action (dx, dy, dyaw) in the global frame:
// x' = x + dx, y' = y + dy, yaw' = wrap(yaw + dyaw), velocity (dx, dy)/dt. Bounds are
// ±MaxDXY metres and ±π. Its inverse is exact for displacements within the bounds, so log
// playback through it reproduces the log.
type DeltaGlobal struct {
	Dt     float32 // step, seconds (0 means DefaultDt)
	MaxDXY float32 // bound on |dx| and |dy| (0 means 6 m)
}

func (m DeltaGlobal) params() (dt, mx float32) {
	dt, mx = m.Dt, m.MaxDXY
	if dt == 0 {
		dt = DefaultDt
	}
	if mx == 0 {
		mx = 6
	}
	return
}

// Name returns "delta_global".
func (m DeltaGlobal) Name() string { return "delta_global" }

// Spec returns the bounds [−MaxDXY, MaxDXY]² × [−π, π].
func (m DeltaGlobal) Spec() ActionSpec {
	_, mx := m.params()
	return ActionSpec{Dim: 3, Lo: [MaxActionDim]float32{-mx, -mx, -math.Pi}, Hi: [MaxActionDim]float32{mx, mx, math.Pi}}
}

// Forward applies the clipped displacement.
func (m DeltaGlobal) Forward(cur ObjectState, a Action) ObjectState {
	dt, mx := m.params()
	dx, dy := clip(a.Data[0], -mx, mx), clip(a.Data[1], -mx, mx)
	dyaw := clip(a.Data[2], -math.Pi, math.Pi)
	return applyDelta(cur, dx, dy, dyaw, dt, a.Valid)
}

func applyDelta(cur ObjectState, dx, dy, dyaw, dt float32, valid bool) ObjectState {
	n := cur
	n.X, n.Y = cur.X+dx, cur.Y+dy
	n.Yaw = WrapAngle(cur.Yaw + dyaw)
	n.VelX, n.VelY = dx/dt, dy/dt
	n.Valid = cur.Valid && valid
	return n
}

// Inverse returns the clipped displacement from cur to next.
func (m DeltaGlobal) Inverse(cur, next ObjectState) Action {
	_, mx := m.params()
	var a Action
	a.Valid = cur.Valid && next.Valid
	if !a.Valid {
		return a
	}
	a.Data[0] = clip(next.X-cur.X, -mx, mx)
	a.Data[1] = clip(next.Y-cur.Y, -mx, mx)
	a.Data[2] = WrapAngle(next.Yaw - cur.Yaw)
	return a
}

// DeltaLocal is DeltaGlobal with the displacement expressed in the object's own frame
// (x forward, y left): the global displacement is the action rotated by the current yaw.
type DeltaLocal struct {
	Dt     float32 // step, seconds (0 means DefaultDt)
	MaxDXY float32 // bound on |dx| and |dy| (0 means 6 m)
}

// Name returns "delta_local".
func (m DeltaLocal) Name() string { return "delta_local" }

// Spec returns the bounds [−MaxDXY, MaxDXY]² × [−π, π].
func (m DeltaLocal) Spec() ActionSpec { return DeltaGlobal(m).Spec() }

// Forward rotates the clipped local displacement into the global frame and applies it.
func (m DeltaLocal) Forward(cur ObjectState, a Action) ObjectState {
	dt, mx := DeltaGlobal(m).params()
	lx, ly := clip(a.Data[0], -mx, mx), clip(a.Data[1], -mx, mx)
	dyaw := clip(a.Data[2], -math.Pi, math.Pi)
	s, c := sincos32(cur.Yaw)
	return applyDelta(cur, c*lx-s*ly, s*lx+c*ly, dyaw, dt, a.Valid)
}

// Inverse returns the clipped displacement from cur to next in cur's frame.
func (m DeltaLocal) Inverse(cur, next ObjectState) Action {
	_, mx := DeltaGlobal(m).params()
	var a Action
	a.Valid = cur.Valid && next.Valid
	if !a.Valid {
		return a
	}
	dx, dy := next.X-cur.X, next.Y-cur.Y
	s, c := sincos32(cur.Yaw)
	a.Data[0] = clip(c*dx+s*dy, -mx, mx)
	a.Data[1] = clip(-s*dx+c*dy, -mx, mx)
	a.Data[2] = WrapAngle(next.Yaw - cur.Yaw)
	return a
}

// StateDynamics is the full-state model: the action (x, y, yaw, vel_x, vel_y) is the next
// state itself. Sim agents that plan states directly (IDM, constant velocity) use it.
type StateDynamics struct{}

// Name returns "state".
func (StateDynamics) Name() string { return "state" }

// Spec returns an unbounded five-dimensional space.
func (StateDynamics) Spec() ActionSpec {
	inf := float32(math.Inf(1))
	return ActionSpec{Dim: 5, Lo: [MaxActionDim]float32{-inf, -inf, -inf, -inf, -inf}, Hi: [MaxActionDim]float32{inf, inf, inf, inf, inf}}
}

// Forward sets the state from the action.
func (StateDynamics) Forward(cur ObjectState, a Action) ObjectState {
	n := cur
	n.X, n.Y, n.Yaw, n.VelX, n.VelY = a.Data[0], a.Data[1], WrapAngle(a.Data[2]), a.Data[3], a.Data[4]
	n.Valid = cur.Valid && a.Valid
	return n
}

// Inverse returns next as an action.
func (StateDynamics) Inverse(cur, next ObjectState) Action {
	return Action{Data: [MaxActionDim]float32{next.X, next.Y, next.Yaw, next.VelX, next.VelY}, Valid: cur.Valid && next.Valid}
}

// Discretized wraps a bounded continuous model in a discrete action space: dimension d is cut
// into Bins[d] evenly spaced values from its lower to its upper bound (both included), and an
// action is a single index into the row-major product grid, stored in Data[0]. Inverse snaps
// the continuous inverse to the nearest grid value per dimension.
type Discretized struct {
	Base Dynamics
	Bins []int
}

// NewDiscretized returns base discretised with the given bins per action dimension. It panics
// when the number of bin counts differs from the action dimension, a count is below 2, or a
// bound is infinite.
func NewDiscretized(base Dynamics, bins ...int) Discretized {
	sp := base.Spec()
	if len(bins) != sp.Dim {
		panic(fmt.Sprintf("sim.NewDiscretized: %d bin counts for %s with action dimension %d", len(bins), base.Name(), sp.Dim))
	}
	for d, b := range bins {
		if b < 2 {
			panic(fmt.Sprintf("sim.NewDiscretized: %d bins in dimension %d (need at least 2)", b, d))
		}
		if math.IsInf(float64(sp.Lo[d]), 0) || math.IsInf(float64(sp.Hi[d]), 0) {
			panic(fmt.Sprintf("sim.NewDiscretized: %s is unbounded in dimension %d", base.Name(), d))
		}
	}
	return Discretized{Base: base, Bins: append([]int(nil), bins...)}
}

// Name returns "discrete_" followed by the base model's name.
func (m Discretized) Name() string { return "discrete_" + m.Base.Name() }

// NumActions returns the number of discrete actions (the product of the bin counts).
func (m Discretized) NumActions() int {
	n := 1
	for _, b := range m.Bins {
		n *= b
	}
	return n
}

// Spec returns a one-dimensional space [0, NumActions−1].
func (m Discretized) Spec() ActionSpec {
	return ActionSpec{Dim: 1, Hi: [MaxActionDim]float32{float32(m.NumActions() - 1)}}
}

// Decode returns the continuous base action of discrete index k.
func (m Discretized) Decode(k int) Action {
	if k < 0 || k >= m.NumActions() {
		panic(fmt.Sprintf("sim.Discretized.Decode: index %d out of range [0, %d)", k, m.NumActions()))
	}
	sp := m.Base.Spec()
	a := Action{Valid: true}
	for d := len(m.Bins) - 1; d >= 0; d-- {
		b := m.Bins[d]
		j := k % b
		k /= b
		a.Data[d] = sp.Lo[d] + float32(j)*(sp.Hi[d]-sp.Lo[d])/float32(b-1)
	}
	return a
}

// Encode returns the index of the grid point nearest to the continuous base action a.
func (m Discretized) Encode(a Action) int {
	sp := m.Base.Spec()
	k := 0
	for d, b := range m.Bins {
		step := (sp.Hi[d] - sp.Lo[d]) / float32(b-1)
		j := int(math.Round(float64((clip(a.Data[d], sp.Lo[d], sp.Hi[d]) - sp.Lo[d]) / step)))
		k = k*b + min(max(j, 0), b-1)
	}
	return k
}

// Forward decodes the index in a.Data[0] and applies the base model.
func (m Discretized) Forward(cur ObjectState, a Action) ObjectState {
	k := int(a.Data[0])
	k = min(max(k, 0), m.NumActions()-1)
	b := m.Decode(k)
	b.Valid = a.Valid
	return m.Base.Forward(cur, b)
}

// Inverse returns the index of the grid action nearest to the base model's inverse.
func (m Discretized) Inverse(cur, next ObjectState) Action {
	c := m.Base.Inverse(cur, next)
	var a Action
	a.Valid = c.Valid
	if c.Valid {
		a.Data[0] = float32(m.Encode(c))
	}
	return a
}
