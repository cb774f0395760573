package synth

import (
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/sim/womd"
)

// The ground-truth driver law. Longitudinal control is Gipps' (1981) car-following model,
// not IDM: after a reaction time τ the driver wants the smaller of
//
//	v_acc  = v + 2.5 a τ (1 − v/V) √(0.025 + v/V)
//	v_safe = −bτ + √(b²τ² + b(2g − vτ + v_l²/b̂))
//
// where V is the desired speed, a the maximum acceleration, b the driver's braking rate,
// b̂ the braking rate assumed of the leader, g the gap to the leader (bumper to bumper,
// minus a standstill distance s0) and v_l its speed; stop lines, red signals and blocked
// conflict zones are stationary leaders. The speed relaxes to that target with time
// constant τ, the acceleration is clamped to [−maxBrake, a], and free driving adds an
// Ornstein–Uhlenbeck acceleration noise. Laterally the driver keeps the lane with a
// smooth random offset (a second-order process in distance travelled, bounded by
// maxOffset) so the heading wanders a little around the lane direction.

const (
	dt        = 0.1 // s
	maxBrake  = 6.0 // m/s², hard limit of every driver
	lookAhead = 150.0
)

// driver holds the parameters of one object's ground-truth driver.
type driver struct {
	vDes, aMax, b, bHat, tau, s0 float64
	noiseSigma                   float64
	maxOffset                    float64
}

// agent is one simulated object.
type agent struct {
	kind                  womd.ObjectType
	length, width, height float64
	drv                   driver
	route                 []int     // lane indices
	off                   []float64 // arc length at the start of each route lane
	total                 float64
	ci                    int // current route index
	s, v, acc             float64
	e, slope              float64 // lateral offset and its rate per metre
	noise                 float64
	held                  []int // route indices of reserved zone lanes
	active                bool
	removed               bool
	// record, one entry per recorded step
	xs, ys, hs, vs []float64
	valid          []bool
}

func newDriver(r *rand.Rand, kind womd.ObjectType, limit float64) driver {
	switch kind {
	case womd.TypePedestrian:
		return driver{vDes: 1.0 + 0.6*r.Float64(), aMax: 0.6, b: 1.0, bHat: 1.5, tau: 0.5, s0: 0.6, noiseSigma: 0.05, maxOffset: 0.3}
	case womd.TypeCyclist:
		return driver{vDes: 4 + 3*r.Float64(), aMax: 1.0, b: 2.0, bHat: 3.0, tau: 0.6, s0: 1.5, noiseSigma: 0.1, maxOffset: 0.15}
	}
	return driver{
		vDes:       limit * clamp(1+0.07*r.NormFloat64(), 0.8, 1.15),
		aMax:       1.5 + r.Float64(),
		b:          3.0 + r.Float64(),
		bHat:       4.5,
		tau:        0.5 + 0.3*r.Float64(),
		s0:         1.5 + 1.5*r.Float64(),
		noiseSigma: 0.15,
		maxOffset:  0.2,
	}
}

// vAcc is Gipps' free-road target speed.
func (d *driver) vAcc(v float64) float64 {
	x := v / d.vDes
	return v + 2.5*d.aMax*d.tau*(1-x)*math.Sqrt(math.Max(0.025+x, 0))
}

// vSafe is Gipps' safe speed behind a leader at gap g (already net of s0) moving at vl.
func (d *driver) vSafe(v, g, vl float64) float64 {
	if g <= 0 {
		return 0
	}
	bt := d.b * d.tau
	arg := bt*bt + d.b*(2*g-v*d.tau+vl*vl/d.bHat)
	if arg <= 0 {
		return 0
	}
	return math.Max(0, -bt+math.Sqrt(arg))
}

// laneAt returns the route index of arc length s along the agent's route.
func (a *agent) laneAt(s float64) int {
	i := 0
	for i+1 < len(a.off) && s >= a.off[i+1] {
		i++
	}
	return i
}

// holds reports whether the agent holds a reservation on route index k.
func (a *agent) holds(k int) bool {
	for _, h := range a.held {
		if h == k {
			return true
		}
	}
	return false
}
