package sim

import (
	"fmt"
	"math"
)

// ObservationConfig sizes the ego-centric observation. Zero fields take the defaults noted.
type ObservationConfig struct {
	// Objects is the number of nearest other objects described (default 16).
	Objects int
	// RoadPoints is the number of nearest roadgraph points described (default 64), searched
	// within RoadRadius metres (default 40).
	RoadPoints int
	RoadRadius float32
	// RoutePoints is the number of route points ahead (default 10), RouteSpacing metres apart
	// (default 5), taken from the on-route path nearest to the ego object.
	RoutePoints  int
	RouteSpacing float32
}

func (c ObservationConfig) withDefaults() ObservationConfig {
	if c.Objects <= 0 {
		c.Objects = 16
	}
	if c.RoadPoints <= 0 {
		c.RoadPoints = 64
	}
	if c.RoadRadius <= 0 {
		c.RoadRadius = 40
	}
	if c.RoutePoints <= 0 {
		c.RoutePoints = 10
	}
	if c.RouteSpacing <= 0 {
		c.RouteSpacing = 5
	}
	return c
}

// Feature sizes of the observation blocks.
const (
	egoFeatures    = 7
	objectFeatures = 9
	roadFeatures   = 9
	routeFeatures  = 3
	lightFeatures  = 6
	posScale       = 20 // metres per unit
	velScale       = 10 // m/s per unit
)

// Observer turns a simulator state into the flat, ego-centric feature vector that learned
// policies read. Everything is expressed in the ego object's frame (x forward, y left),
// positions divided by 20 m and velocities by 10 m/s:
//
//	ego (7):               speed, local vel_x, vel_y, length, width, yaw rate, acceleration
//	                       (the last two by finite differences from the previous step)
//	objects (9 each):      nearest valid others by distance — x, y, cos Δyaw, sin Δyaw,
//	                       vel_x, vel_y, length, width, present flag
//	roadgraph (9 each):    nearest valid points within RoadRadius — x, y, dir_x, dir_y,
//	                       is road edge, is lane, is road line, is other, present flag
//	route (3 each):        points every RouteSpacing metres ahead along the nearest on-route
//	                       path — x, y, present flag
//	traffic light (6):     nearest valid signal within 60 m — x, y, stop, caution, go,
//	                       present flag
//
// Absent entries are zero. An Observer keeps scratch buffers and is not safe for concurrent
// use.
type Observer struct {
	Config ObservationConfig
	near   []int32
	dist   []float32
	objIdx []int
	objD   []float32
}

// NewObserver returns an observer with cfg's sizes (zero fields take the defaults).
func NewObserver(cfg ObservationConfig) *Observer {
	return &Observer{Config: cfg.withDefaults()}
}

// Dim returns the length of the feature vector.
func (o *Observer) Dim() int {
	c := o.Config
	return egoFeatures + c.Objects*objectFeatures + c.RoadPoints*roadFeatures + c.RoutePoints*routeFeatures + lightFeatures
}

// Observe writes the features of object ego at s's current step into dst (length Dim) and
// returns it; a nil dst is allocated. It panics when dst has the wrong length.
func (o *Observer) Observe(s *SimulatorState, ego int, dst []float32) []float32 {
	d := o.Dim()
	if dst == nil {
		dst = make([]float32, d)
	}
	if len(dst) != d {
		panic(fmt.Sprintf("sim.Observer.Observe: dst has %d entries, want %d", len(dst), d))
	}
	for i := range dst {
		dst[i] = 0
	}
	c := o.Config
	tr := &s.Sim
	T, t := tr.NumSteps, s.Timestep
	e := tr.At(ego, t)
	if !e.Valid {
		return dst
	}
	sn, cs := sincos32(e.Yaw)
	local := func(x, y float32) (float32, float32) { // rotate a global vector into the ego frame
		return cs*x + sn*y, -sn*x + cs*y
	}
	// Ego block.
	f := dst[:egoFeatures]
	vx, vy := local(e.VelX, e.VelY)
	f[0], f[1], f[2] = e.Speed()/velScale, vx/velScale, vy/velScale
	f[3], f[4] = e.Length/5, e.Width/2
	if t > 0 {
		if p := tr.At(ego, t-1); p.Valid {
			dt := s.Dt()
			f[5] = WrapAngle(e.Yaw-p.Yaw) / dt
			f[6] = (e.Speed() - p.Speed()) / dt / 5
		}
	}
	off := egoFeatures
	// Objects: the nearest valid others.
	o.objIdx, o.objD = o.objIdx[:0], o.objD[:0]
	for j := range tr.NumObjects {
		k := j*T + t
		if j == ego || !tr.Valid[k] {
			continue
		}
		dx, dy := tr.X[k]-e.X, tr.Y[k]-e.Y
		o.objIdx = append(o.objIdx, j)
		o.objD = append(o.objD, dx*dx+dy*dy)
	}
	m := selectNearest(o.objIdx, o.objD, c.Objects)
	for r := range m {
		j := o.objIdx[r]
		k := j*T + t
		g := dst[off+r*objectFeatures : off+(r+1)*objectFeatures]
		x, y := local(tr.X[k]-e.X, tr.Y[k]-e.Y)
		ds, dc := sincos32(tr.Yaw[k] - e.Yaw)
		ovx, ovy := local(tr.VelX[k], tr.VelY[k])
		g[0], g[1], g[2], g[3] = x/posScale, y/posScale, dc, ds
		g[4], g[5], g[6], g[7], g[8] = ovx/velScale, ovy/velScale, tr.Length[k]/5, tr.Width[k]/2, 1
	}
	off += c.Objects * objectFeatures
	// Roadgraph: nearest points within the radius.
	sc := s.Scenario
	rg := &sc.Roadgraph
	o.near = sc.PointIndex().Within(o.near[:0], e.X, e.Y, c.RoadRadius)
	o.dist = o.dist[:0]
	for _, p := range o.near {
		dx, dy := rg.X[p]-e.X, rg.Y[p]-e.Y
		o.dist = append(o.dist, dx*dx+dy*dy)
	}
	m = selectNearest32(o.near, o.dist, c.RoadPoints)
	for r := range m {
		p := o.near[r]
		g := dst[off+r*roadFeatures : off+(r+1)*roadFeatures]
		x, y := local(rg.X[p]-e.X, rg.Y[p]-e.Y)
		dx, dy := local(rg.DirX[p], rg.DirY[p])
		g[0], g[1], g[2], g[3] = x/posScale, y/posScale, dx, dy
		switch ty := rg.Types[p]; {
		case ty.IsRoadEdge() || ty == RoadEdgeUnknown:
			g[4] = 1
		case ty.IsLane():
			g[5] = 1
		case ty.IsRoadLine():
			g[6] = 1
		default:
			g[7] = 1
		}
		g[8] = 1
	}
	off += c.RoadPoints * roadFeatures
	// Route: points ahead on the nearest on-route path.
	pa := &sc.Paths
	best, bestD := -1, float32(math.Inf(1))
	var bestArc float32
	for q := range pa.NumPaths {
		if !pa.OnRoute[q] {
			continue
		}
		arc, d2 := nearestOnPath(pa, q, e.X, e.Y)
		if d2 < bestD {
			best, bestD, bestArc = q, d2, arc
		}
	}
	if best >= 0 {
		K := pa.PointsPerPath
		k := best * K
		for r := range c.RoutePoints {
			want := bestArc + float32(r+1)*c.RouteSpacing
			for k+1 < (best+1)*K && pa.Valid[k+1] && pa.ArcLength[k] < want {
				k++
			}
			if !pa.Valid[k] || pa.ArcLength[k] < want-c.RouteSpacing {
				break
			}
			g := dst[off+r*routeFeatures : off+(r+1)*routeFeatures]
			x, y := local(pa.X[k]-e.X, pa.Y[k]-e.Y)
			g[0], g[1], g[2] = x/posScale, y/posScale, 1
		}
	}
	off += c.RoutePoints * routeFeatures
	// Nearest traffic light.
	tl := &sc.Lights
	lb, lbd := -1, float32(60*60)
	for j := range tl.NumLights {
		k := j*tl.NumSteps + t
		if t >= tl.NumSteps || !tl.Valid[k] {
			continue
		}
		dx, dy := tl.X[k]-e.X, tl.Y[k]-e.Y
		if d2 := dx*dx + dy*dy; d2 < lbd {
			lb, lbd = k, d2
		}
	}
	if lb >= 0 {
		g := dst[off : off+lightFeatures]
		x, y := local(tl.X[lb]-e.X, tl.Y[lb]-e.Y)
		g[0], g[1] = x/posScale, y/posScale
		st := tl.State[lb]
		if st.IsStop() {
			g[2] = 1
		} else if st.IsCaution() {
			g[3] = 1
		} else if st.IsGo() {
			g[4] = 1
		}
		g[5] = 1
	}
	return dst
}

// selectNearest partially sorts idx by d so that its first min(k, len) entries are the k
// smallest in increasing order, and returns that count.
func selectNearest(idx []int, d []float32, k int) int {
	k = min(k, len(idx))
	for a := range k {
		m := a
		for b := a + 1; b < len(idx); b++ {
			if d[b] < d[m] {
				m = b
			}
		}
		idx[a], idx[m] = idx[m], idx[a]
		d[a], d[m] = d[m], d[a]
	}
	return k
}

func selectNearest32(idx []int32, d []float32, k int) int {
	k = min(k, len(idx))
	for a := range k {
		m := a
		for b := a + 1; b < len(idx); b++ {
			if d[b] < d[m] {
				m = b
			}
		}
		idx[a], idx[m] = idx[m], idx[a]
		d[a], d[m] = d[m], d[a]
	}
	return k
}
