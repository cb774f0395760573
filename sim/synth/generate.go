package synth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/sim/womd"
)

// Options configures the generator. The zero value is usable: zero fields take the
// defaults documented on each.
type Options struct {
	// Seed selects the scenario; Generate(o) is a pure function of o.
	Seed uint64
	// MaxObjects caps the number of tracks (default 64, at most 128).
	MaxObjects int
	// Density is the mean number of vehicles per 100 m of lane at placement (default 2).
	Density float64
	// PedestrianDensity is the mean number of pedestrians per 100 m of sidewalk path in the
	// intersection layout (default 1.5; negative for none).
	PedestrianDensity float64
	// CyclistShare is the probability that an object placed on a right-hand lane of the
	// intersection layout is a cyclist (default 0.15; negative for none).
	CyclistShare float64
	// Layouts is the mix of road layouts to draw from, uniformly (default all of
	// Intersection, Merge and MultiLane).
	Layouts []Layout
}

func (o Options) withDefaults() Options {
	if o.MaxObjects <= 0 {
		o.MaxObjects = 64
	}
	if o.MaxObjects > 128 {
		o.MaxObjects = 128
	}
	if o.Density <= 0 {
		o.Density = 2
	}
	if o.PedestrianDensity == 0 {
		o.PedestrianDensity = 1.5
	}
	if o.CyclistShare == 0 {
		o.CyclistShare = 0.15
	}
	if len(o.Layouts) == 0 {
		o.Layouts = []Layout{Intersection, Merge, MultiLane}
	}
	return o
}

// Steps is the number of recorded steps (10 history, 1 current, 80 future at 10 Hz).
const Steps = 91

// CurrentTimeIndex is the index of the current step.
const CurrentTimeIndex = 10

// burnIn is the number of unrecorded steps simulated before the first recorded one, so
// that the recorded scene starts from settled traffic (queues at red lights, gaps).
const burnIn = 30

// Generate returns the scenario selected by o.Seed. Generation is deterministic: the same
// options give the same scenario on every machine.
func Generate(o Options) *womd.Scenario {
	o = o.withDefaults()
	for attempt := uint64(0); ; attempt++ {
		if s, _ := generate(o, attempt); s != nil {
			return s
		}
	}
}

// genStats reports what the safety net of one generation did.
type genStats struct {
	objects, removed int
}

// generate runs one attempt; it returns nil when no object qualifies as the SDC.
func generate(o Options, attempt uint64) (*womd.Scenario, genStats) {
	r := rand.New(rand.NewPCG(o.Seed, 0x5eed^attempt*0x9e3779b97f4a7c15))
	layout := o.Layouts[r.IntN(len(o.Layouts))]
	var w *world
	switch layout {
	case Intersection:
		w = buildIntersection(r)
	case Merge:
		w = buildRoad(r, true)
	default:
		w = buildRoad(r, false)
	}
	agents := place(w, r, o)
	sim := &simulation{w: w, agents: agents, holders: make([]int, len(w.lanes))}
	for i := 0; i < burnIn; i++ {
		sim.step(r, float64(i)*dt, false)
	}
	for i := 0; i < Steps; i++ {
		sim.step(r, float64(burnIn+i)*dt, true)
	}
	st := genStats{objects: len(agents)}
	st.removed = repair(w, agents)
	sdc := chooseSDC(w, agents, r)
	if sdc < 0 {
		return nil, st
	}
	return build(w, agents, sdc, o.Seed, attempt, r), st
}

// place puts objects on the lanes and sidewalks with random gaps and routes.
func place(w *world, r *rand.Rand, o Options) []*agent {
	var agents []*agent
	for li, l := range w.lanes {
		if l.zone {
			continue
		}
		density := o.Density
		if l.walk {
			if o.PedestrianDensity < 0 {
				continue
			}
			density = o.PedestrianDensity
		}
		mean := 100 / density
		pos := l.p.length() - 3*r.Float64()
		var ahead *agent
		for {
			kind := womd.TypeVehicle
			if l.walk {
				kind = womd.TypePedestrian
			} else if l.bike && o.CyclistShare > 0 && r.Float64() < o.CyclistShare {
				kind = womd.TypeCyclist
			}
			a := &agent{kind: kind, active: true}
			switch kind {
			case womd.TypeVehicle:
				a.length = 4.2 + 1.0*r.Float64()
				a.width = 1.8 + 0.3*r.Float64()
				a.height = 1.4 + 0.5*r.Float64()
				if r.IntN(12) == 0 { // a truck or bus
					a.length, a.width, a.height = 8+4*r.Float64(), 2.5, 3.2
				}
			case womd.TypeCyclist:
				a.length, a.width, a.height = 1.8, 0.7, 1.7
			case womd.TypePedestrian:
				a.length, a.width, a.height = 0.5+0.3*r.Float64(), 0.5+0.3*r.Float64(), 1.5+0.4*r.Float64()
			}
			a.drv = newDriver(r, kind, l.limit)
			gap := a.length + a.drv.s0 + r.ExpFloat64()*mean
			if ahead == nil {
				pos -= a.length / 2
			} else {
				pos -= gap
			}
			// Keep bodies on their lane: rear at least 2 m past the start (clear of the
			// intersection box) and front before the end.
			if pos-a.length/2 < 2 {
				break
			}
			if pos+a.length/2 > l.p.length() {
				continue
			}
			a.route = routeFrom(w, li, kind, r)
			a.off = make([]float64, len(a.route))
			for k := 1; k < len(a.route); k++ {
				a.off[k] = a.off[k-1] + w.lanes[a.route[k-1]].p.length()
			}
			a.total = a.off[len(a.off)-1] + w.lanes[a.route[len(a.route)-1]].p.length()
			a.s = pos
			v := a.drv.vDes * (0.5 + 0.5*r.Float64())
			if ahead != nil {
				g := (ahead.s - ahead.length/2) - (pos + a.length/2) - a.drv.s0
				v = math.Min(v, math.Sqrt(2*2.0*math.Max(g, 0))+0.5*ahead.v)
			}
			if l.inward {
				v = math.Min(v, math.Sqrt(2*2.0*math.Max(l.p.length()-pos-a.length/2-1, 0)))
			}
			a.v = v
			a.e = a.drv.maxOffset * (2*r.Float64() - 1) * 0.5
			agents = append(agents, a)
			ahead = a
		}
	}
	// Keep at most MaxObjects, chosen at random but in a stable order.
	if len(agents) > o.MaxObjects {
		r.Shuffle(len(agents), func(i, j int) { agents[i], agents[j] = agents[j], agents[i] })
		agents = agents[:o.MaxObjects]
	}
	return agents
}

// routeFrom draws a route starting on lane li by following random exits.
func routeFrom(w *world, li int, kind womd.ObjectType, r *rand.Rand) []int {
	route := []int{li}
	for len(route) < 8 {
		l := w.lanes[route[len(route)-1]]
		var opts []int
		for _, x := range l.exit {
			// Cyclists keep to the right lanes.
			if kind == womd.TypeCyclist && !w.lanes[x].bike {
				continue
			}
			opts = append(opts, x)
		}
		if len(opts) == 0 {
			break
		}
		route = append(route, opts[r.IntN(len(opts))])
	}
	return route
}

// simulation advances all agents.
type simulation struct {
	w       *world
	agents  []*agent
	holders []int // number of agents holding a reservation on each lane
}

// permitted reports whether zone lane z may be reserved now.
func (sim *simulation) permitted(z int) bool {
	for _, c := range sim.w.lanes[z].conflicts {
		if sim.holders[c] > 0 {
			return false
		}
	}
	return true
}

// leaderGap returns the gap (bumper to bumper) and speed of the nearest object ahead of a
// on its route, or +Inf.
func (sim *simulation) leaderGap(a *agent) (float64, float64) {
	best, bv := math.Inf(1), 0.0
	for _, b := range sim.agents {
		if b == a || !b.active {
			continue
		}
		lo, hi := max(b.ci-1, 0), min(b.ci+1, len(b.route)-1)
		for m := lo; m <= hi; m++ {
			lj := b.route[m]
			start := b.off[m]
			end := start + sim.w.lanes[lj].p.length()
			if b.s+b.length/2 < start || b.s-b.length/2 > end {
				continue
			}
			k := -1
			for q, x := range a.route {
				if x == lj || sim.w.lanes[x].twin == lj {
					k = q
					break
				}
			}
			if k < 0 {
				continue
			}
			pos := a.off[k] + (b.s - start)
			if pos <= a.s {
				break
			}
			if g := pos - a.s - (a.length+b.length)/2; g < best {
				best, bv = g, b.v
			}
			break
		}
	}
	return best, bv
}

// step advances every agent by dt at time t, recording the new states when rec is set.
func (sim *simulation) step(r *rand.Rand, t float64, rec bool) {
	w := sim.w
	for _, a := range sim.agents {
		if !a.active {
			continue
		}
		d := &a.drv
		target := d.vAcc(a.v)
		free := true
		if g, vl := sim.leaderGap(a); !math.IsInf(g, 1) {
			if vs := d.vSafe(a.v, g-d.s0, vl); vs < target {
				target, free = vs, false
			}
		}
		// Signals and conflict zones ahead.
		front := a.s + a.length/2
		for k := a.ci + 1; k < len(a.route); k++ {
			lz := w.lanes[a.route[k]]
			if !lz.zone {
				continue
			}
			dist := a.off[k] - front
			if dist > lookAhead || a.holds(k) {
				break
			}
			blocked := false
			if lz.signal >= 0 {
				st := w.signalState(lz.signal, t)
				if st.IsStop() {
					blocked = true
				} else if st.IsCaution() && a.v*a.v/(2*math.Max(dist, 0.1)) <= 3.5 {
					blocked = true
				}
			}
			if !blocked && dist <= a.v*a.v/(2*d.b)+a.v+5 {
				if sim.permitted(a.route[k]) {
					a.held = append(a.held, k)
					sim.holders[a.route[k]]++
				} else {
					blocked = true
				}
			}
			if blocked {
				if vs := d.vSafe(a.v, dist-0.5, 0); vs < target {
					target, free = vs, false
				}
			}
			break
		}
		acc := (target - a.v) / d.tau
		if free {
			a.noise = 0.9*a.noise + d.noiseSigma*math.Sqrt(1-0.81)*r.NormFloat64()
			acc += a.noise
		} else {
			a.noise *= 0.9
		}
		if a.v < 0.05 && target < 0.2 {
			acc = 0 // stay stopped rather than creep
		}
		a.acc = clamp(acc, -maxBrake, d.aMax)
	}
	for _, a := range sim.agents {
		if !a.active {
			continue
		}
		v1 := a.v + a.acc*dt
		ds := 0.0
		if v1 < 0 {
			if a.acc < 0 {
				ds = a.v * a.v / (-2 * a.acc)
			}
			v1 = 0
		} else {
			ds = (a.v + v1) / 2 * dt
		}
		a.v = v1
		a.s += ds
		// Lateral offset: a damped random walk in distance, bounded.
		if ds > 0 {
			a.slope += (-0.02*a.e-0.15*a.slope)*ds + 0.004*math.Sqrt(ds)*r.NormFloat64()
			a.slope = clamp(a.slope, -0.02, 0.02)
			a.e += a.slope * ds
			if math.Abs(a.e) > a.drv.maxOffset {
				a.e = math.Copysign(a.drv.maxOffset, a.e)
				a.slope = 0
			}
		}
		a.ci = a.laneAt(a.s)
		// Entering a zone without a reservation (only after an impossible stop) takes one.
		for k := a.ci; k >= 0 && k >= a.ci-1; k-- {
			if w.lanes[a.route[k]].zone && !a.holds(k) && a.s+a.length/2 > a.off[k] && a.s-a.length/2 < a.off[k]+w.lanes[a.route[k]].p.length() {
				a.held = append(a.held, k)
				sim.holders[a.route[k]]++
			}
		}
		// Release zones whose end the rear has passed.
		kept := a.held[:0]
		for _, k := range a.held {
			if a.s-a.length/2 > a.off[k]+w.lanes[a.route[k]].p.length()+0.5 {
				sim.holders[a.route[k]]--
			} else {
				kept = append(kept, k)
			}
		}
		a.held = kept
		// Leaving the map ends the track.
		if a.s+a.length/2 > a.total-0.5 {
			a.active = false
			for _, k := range a.held {
				sim.holders[a.route[k]]--
			}
			a.held = nil
		}
	}
	if !rec {
		return
	}
	for _, a := range sim.agents {
		if !a.active {
			a.xs, a.ys, a.hs, a.vs = append(a.xs, 0), append(a.ys, 0), append(a.hs, 0), append(a.vs, 0)
			a.valid = append(a.valid, false)
			continue
		}
		l := w.lanes[a.route[a.ci]]
		p, h := l.p.at(a.s - a.off[a.ci])
		p = p.add(dirOf(h).left().scale(a.e))
		h = wrapAngle(h + math.Atan(a.slope))
		a.xs, a.ys, a.hs, a.vs = append(a.xs, p.X), append(a.ys, p.Y), append(a.hs, h), append(a.vs, a.v)
		a.valid = append(a.valid, true)
	}
}

// edgeIndex holds road edges in chunks with bounding boxes for fast distance queries.
type edgeIndex struct {
	chunks [][]vec
	lo, hi []vec
}

func newEdgeIndex(edges [][]vec) *edgeIndex {
	ix := &edgeIndex{}
	for _, e := range edges {
		for i := 0; i+1 < len(e); i += 8 {
			j := min(i+9, len(e))
			c := e[i:j]
			lo, hi := c[0], c[0]
			for _, p := range c {
				lo = vec{math.Min(lo.X, p.X), math.Min(lo.Y, p.Y)}
				hi = vec{math.Max(hi.X, p.X), math.Max(hi.Y, p.Y)}
			}
			ix.chunks, ix.lo, ix.hi = append(ix.chunks, c), append(ix.lo, lo), append(ix.hi, hi)
		}
	}
	return ix
}

// offRoad reports whether q is on the wrong side of, or within tol of, its nearest edge.
// hint holds the chunk that was nearest for the previous query of the same object; it is
// searched first so that the bounding boxes prune the rest.
func (ix *edgeIndex) offRoad(q vec, tol float64, hint *int) bool {
	best, side := math.Inf(1), 0.0
	if h := *hint; h >= 0 && h < len(ix.chunks) {
		best, side = polylineDist(q, ix.chunks[h])
	}
	for i, c := range ix.chunks {
		dx := max(0, ix.lo[i].X-q.X, q.X-ix.hi[i].X)
		dy := max(0, ix.lo[i].Y-q.Y, q.Y-ix.hi[i].Y)
		if dx >= best || dy >= best || dx*dx+dy*dy >= best*best {
			continue
		}
		if d, s := polylineDist(q, c); d < best {
			best, side = d, s
			*hint = i
		}
	}
	return side > 0 || best < tol
}

// repair is the generator's safety net: it removes every object that overlaps another at
// some recorded step (the later of each pair) and every vehicle or cyclist that leaves the
// road, so the logs are free of both by construction. It returns the number removed.
func repair(w *world, agents []*agent) int {
	removed := 0
	ix := newEdgeIndex(w.edges)
	for _, a := range agents {
		if a.kind == womd.TypePedestrian {
			continue
		}
		hint := -1
		for t := 0; t < Steps && !a.removed; t++ {
			if !a.valid[t] {
				continue
			}
			for _, c := range box(vec{a.xs[t], a.ys[t]}, a.hs[t], a.length, a.width) {
				if ix.offRoad(c, 0.05, &hint) {
					a.removed = true
					removed++
					break
				}
			}
		}
	}
	for t := 0; t < Steps; t++ {
		for i, a := range agents {
			if a.removed || !a.valid[t] {
				continue
			}
			ba := box(vec{a.xs[t], a.ys[t]}, a.hs[t], a.length, a.width)
			ra := math.Hypot(a.length, a.width) / 2
			for _, b := range agents[i+1:] {
				if b.removed || !b.valid[t] {
					continue
				}
				rb := math.Hypot(b.length, b.width) / 2
				if math.Hypot(a.xs[t]-b.xs[t], a.ys[t]-b.ys[t]) > ra+rb {
					continue
				}
				if boxesOverlap(ba, box(vec{b.xs[t], b.ys[t]}, b.hs[t], b.length, b.width)) {
					b.removed = true
					removed++
				}
			}
		}
	}
	return removed
}

// chooseSDC picks the autonomous vehicle: a vehicle valid at every step, preferably one
// whose route crosses a conflict zone ahead of it at the current step (an intersection
// approach or the merge), else the one travelling farthest.
func chooseSDC(w *world, agents []*agent, r *rand.Rand) int {
	var pref, ok []int
	for i, a := range agents {
		if a.removed || a.kind != womd.TypeVehicle {
			continue
		}
		all := true
		for _, v := range a.valid {
			all = all && v
		}
		if !all {
			continue
		}
		ok = append(ok, i)
		if len(a.route) > 1 && (w.lanes[a.route[1]].zone || w.lanes[a.route[1]].twin >= 0) {
			pref = append(pref, i)
		}
	}
	if len(pref) > 0 {
		return pref[r.IntN(len(pref))]
	}
	if len(ok) > 0 {
		return ok[r.IntN(len(ok))]
	}
	return -1
}

// build assembles the scenario from the recorded agents.
func build(w *world, agents []*agent, sdc int, seed, attempt uint64, r *rand.Rand) *womd.Scenario {
	s := &womd.Scenario{
		ScenarioID:       fmt.Sprintf("synth-%s-%016x-%d", w.layout, seed, attempt),
		CurrentTimeIndex: CurrentTimeIndex,
	}
	for t := 0; t < Steps; t++ {
		s.TimestampsSeconds = append(s.TimestampsSeconds, float64(t)/10)
	}
	idBase := int32(r.IntN(1000))
	for i, a := range agents {
		if a.removed {
			continue
		}
		if i == sdc {
			s.SDCTrackIndex = int32(len(s.Tracks))
		}
		tr := womd.Track{ID: idBase + int32(i), ObjectType: a.kind, States: make([]womd.ObjectState, Steps)}
		for t := 0; t < Steps; t++ {
			if !a.valid[t] {
				continue
			}
			h := a.hs[t]
			tr.States[t] = womd.ObjectState{
				CenterX: a.xs[t], CenterY: a.ys[t], CenterZ: a.height / 2,
				Length: float32(a.length), Width: float32(a.width), Height: float32(a.height),
				Heading:   float32(h),
				VelocityX: float32(a.vs[t] * math.Cos(h)), VelocityY: float32(a.vs[t] * math.Sin(h)),
				Valid: true,
			}
		}
		s.Tracks = append(s.Tracks, tr)
	}
	// Objects to predict: the SDC and up to four moving objects valid now and at the end,
	// nearest the SDC first.
	sd := &s.Tracks[s.SDCTrackIndex]
	cur := sd.States[CurrentTimeIndex]
	s.TracksToPredict = []womd.RequiredPrediction{{TrackIndex: s.SDCTrackIndex, Difficulty: womd.Level1}}
	type cand struct {
		i int
		d float64
	}
	var cands []cand
	for i := range s.Tracks {
		st := s.Tracks[i].States
		if int32(i) == s.SDCTrackIndex || !st[CurrentTimeIndex].Valid || !st[Steps-1].Valid {
			continue
		}
		cands = append(cands, cand{i, math.Hypot(st[CurrentTimeIndex].CenterX-cur.CenterX, st[CurrentTimeIndex].CenterY-cur.CenterY)})
	}
	for i := 1; i < len(cands); i++ {
		for j := i; j > 0 && cands[j].d < cands[j-1].d; j-- {
			cands[j], cands[j-1] = cands[j-1], cands[j]
		}
	}
	for k, c := range cands {
		if k == 4 {
			break
		}
		diff := womd.Level1
		if c.d > 30 {
			diff = womd.Level2
		}
		s.TracksToPredict = append(s.TracksToPredict, womd.RequiredPrediction{TrackIndex: int32(c.i), Difficulty: diff})
	}
	s.ObjectsOfInterest = []int32{sd.ID}
	if len(cands) > 0 {
		s.ObjectsOfInterest = append(s.ObjectsOfInterest, s.Tracks[cands[0].i].ID)
	}
	// Map and signals.
	s.MapFeatures = append(w.laneFeatures(), w.features...)
	s.DynamicMapStates = make([]womd.DynamicMapState, Steps)
	for t := 0; t < Steps; t++ {
		time := float64(burnIn+t+1) * dt
		for _, l := range w.lanes {
			if l.signal < 0 {
				continue
			}
			p := l.p.pts[0]
			s.DynamicMapStates[t].LaneStates = append(s.DynamicMapStates[t].LaneStates, womd.TrafficSignalLaneState{
				Lane: l.id, State: w.signalState(l.signal, time), StopPoint: womd.MapPoint{X: p.X, Y: p.Y},
			})
		}
	}
	return s
}
