package synth

import (
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/sim/womd"
)

// Layout selects the road network of a generated scenario.
type Layout int

// Layouts.
const (
	// Intersection is a signalised four-way crossing of two roads with one or two lanes per
	// direction, turn connectors, crosswalks, sidewalks with pedestrians and cyclists in the
	// right lanes.
	Intersection Layout = iota
	// Merge is a straight or gently curved divided multi-lane road with an on-ramp that
	// merges into the rightmost lane.
	Merge
	// MultiLane is a straight or gently curved divided road with two to four lanes per
	// direction.
	MultiLane
	numLayouts
)

// String names the layout.
func (l Layout) String() string {
	switch l {
	case Intersection:
		return "intersection"
	case Merge:
		return "merge"
	case MultiLane:
		return "multilane"
	}
	return "unknown"
}

const (
	laneWidth  = 3.6 // metres
	curbRadius = 8.0 // corner radius of intersection curbs
	mapStep    = 0.5 // spacing of the map polylines written to the scenario
	pathStep   = 1.0 // spacing of curved internal driving paths
	mph        = 0.44704
)

// lane is a drivable (or walkable) path of the world.
type lane struct {
	id        int64
	p         *path
	typ       womd.LaneType
	limit     float64 // speed limit, m/s
	entry     []int
	exit      []int
	zone      bool  // a conflict zone: entered only with a reservation
	conflicts []int // zone lanes that may not be occupied at the same time
	signal    int   // signal group controlling entry, or -1
	exported  bool  // written to the map (sidewalk paths are not)
	left      int   // left neighbour lane or -1
	right     int   // right neighbour lane or -1
	inward    bool  // approaches an intersection (intersection layout)
	bike      bool  // cyclists may spawn here
	walk      bool  // a sidewalk path for pedestrians
	twin      int   // a lane merging alongside this one (same length), or -1
}

// world is a generated road network.
type world struct {
	layout   Layout
	lanes    []*lane
	features []womd.MapFeature // everything but lanes
	edges    [][]vec           // road edges, drivable area on the left
	cycle    []phase           // signal program, repeated
	offset   float64           // signal clock offset, s
	nextID   int64
}

// phase is one interval of the signal program: the state of each group.
type phase struct {
	dur    float64
	states [2]womd.SignalState
}

func (w *world) id() int64 { w.nextID++; return w.nextID }

func (w *world) addLane(l *lane) int {
	l.id = w.id()
	l.signal, l.left, l.right, l.twin = -1, -1, -1, -1
	l.exported = !l.walk
	w.lanes = append(w.lanes, l)
	return len(w.lanes) - 1
}

func (w *world) link(from, to int) {
	w.lanes[from].exit = append(w.lanes[from].exit, to)
	w.lanes[to].entry = append(w.lanes[to].entry, from)
}

func toMap(pts []vec) []womd.MapPoint {
	out := make([]womd.MapPoint, len(pts))
	for i, p := range pts {
		out[i] = womd.MapPoint{X: p.X, Y: p.Y}
	}
	return womd.Resample(out, false, mapStep)
}

func (w *world) addLine(t womd.RoadLineType, pts []vec) {
	w.features = append(w.features, womd.MapFeature{ID: w.id(), RoadLine: &womd.RoadLine{Type: t, Polyline: toMap(pts)}})
}

func (w *world) addEdge(t womd.RoadEdgeType, pts []vec) {
	w.edges = append(w.edges, pts)
	w.features = append(w.features, womd.MapFeature{ID: w.id(), RoadEdge: &womd.RoadEdge{Type: t, Polyline: toMap(pts)}})
}

// signalState returns the state of group g at time t seconds.
func (w *world) signalState(g int, t float64) womd.SignalState {
	total := 0.0
	for _, p := range w.cycle {
		total += p.dur
	}
	x := math.Mod(t+w.offset, total)
	for _, p := range w.cycle {
		if x < p.dur {
			return p.states[g]
		}
		x -= p.dur
	}
	return w.cycle[len(w.cycle)-1].states[g]
}

// computeConflicts marks pairs of zone lanes whose centre lines come within 3.4 m of each
// other (two vehicle widths plus lateral noise) as conflicting.
func (w *world) computeConflicts() {
	var zones []int
	for i, l := range w.lanes {
		if l.zone {
			zones = append(zones, i)
		}
	}
	for a := 0; a < len(zones); a++ {
		for b := a + 1; b < len(zones); b++ {
			la, lb := w.lanes[zones[a]], w.lanes[zones[b]]
			near := false
			for _, p := range la.p.pts {
				if d, _ := polylineDist(p, lb.p.pts); d < 3.4 {
					near = true
					break
				}
			}
			if near {
				la.conflicts = append(la.conflicts, zones[b])
				lb.conflicts = append(lb.conflicts, zones[a])
			}
		}
	}
}

// buildIntersection builds a four-way signalised intersection centred at the origin.
func buildIntersection(r *rand.Rand) *world {
	w := &world{layout: Intersection}
	n := 1 + r.IntN(2)          // lanes per direction
	W := float64(n) * laneWidth // half width of each road
	C := W + curbRadius         // box half size
	S := C + 4.0                // stop line distance (connector start)
	L := 130 + 30*r.Float64()   // arm length
	limit := (25 + 10*float64(r.IntN(2))) * mph
	ltype := womd.LaneSurfaceStreet

	inward := make([][]int, 4)
	outward := make([][]int, 4)
	for a := 0; a < 4; a++ {
		phi := float64(a) * math.Pi / 2
		u := dirOf(phi)
		v := u.left()
		for k := 0; k < n; k++ {
			off := (float64(k) + 0.5) * laneWidth
			in := w.addLane(&lane{p: newPath(line(u.scale(L).add(v.scale(off)), u.scale(S).add(v.scale(off)), 2)),
				typ: ltype, limit: limit, inward: true, bike: k == n-1})
			out := w.addLane(&lane{p: newPath(line(u.scale(S).sub(v.scale(off)), u.scale(L).sub(v.scale(off)), 2)),
				typ: ltype, limit: limit, bike: k == n-1})
			inward[a] = append(inward[a], in)
			outward[a] = append(outward[a], out)
		}
		for k := 0; k+1 < n; k++ { // left neighbour is k-1, right is k+1
			w.lanes[inward[a][k]].right, w.lanes[inward[a][k+1]].left = inward[a][k+1], inward[a][k]
			w.lanes[outward[a][k]].right, w.lanes[outward[a][k+1]].left = outward[a][k+1], outward[a][k]
		}
		// Painted lines: double yellow centre, broken white between lanes.
		w.addLine(womd.RoadLineSolidDoubleYellow, line(u.scale(S), u.scale(L), 2))
		for k := 1; k < n; k++ {
			off := float64(k) * laneWidth
			w.addLine(womd.RoadLineBrokenSingleWhite, line(u.scale(S).add(v.scale(off)), u.scale(L).add(v.scale(off)), 2))
			w.addLine(womd.RoadLineBrokenSingleWhite, line(u.scale(S).sub(v.scale(off)), u.scale(L).sub(v.scale(off)), 2))
		}
		// Curb between arm a and arm a+1, drivable area on its left.
		cc := u.scale(C).add(v.scale(C))
		edge := join(
			line(u.scale(L).add(v.scale(W)), u.scale(C).add(v.scale(W)), 2),
			arc(cc, curbRadius, phi-math.Pi/2, phi-math.Pi, pathStep),
			line(v.scale(C).add(u.scale(W)), v.scale(L).add(u.scale(W)), 2))
		w.addEdge(womd.RoadEdgeBoundary, edge)
		// Crosswalk across the arm between the box and the stop line.
		cw := []vec{u.scale(C + 0.3).sub(v.scale(W)), u.scale(C + 3.3).sub(v.scale(W)), u.scale(C + 3.3).add(v.scale(W)), u.scale(C + 0.3).add(v.scale(W))}
		var cwp []womd.MapPoint
		for _, p := range cw {
			cwp = append(cwp, womd.MapPoint{X: p.X, Y: p.Y})
		}
		w.features = append(w.features, womd.MapFeature{ID: w.id(), Crosswalk: &womd.Polygon{Points: cwp}})
		// Sidewalk paths (not part of the map): outward and inward walking on both sides.
		for _, side := range []float64{1, -1} {
			a0, a1 := u.scale(C+1.5), u.scale(L-2)
			o1, o2 := v.scale(side*(W+1.5)), v.scale(side*(W+2.7))
			w.addLane(&lane{p: newPath(line(a0.add(o1), a1.add(o1), 2)), limit: 1.6, walk: true})
			w.addLane(&lane{p: newPath(line(a1.add(o2), a0.add(o2), 2)), limit: 1.6, walk: true})
		}
	}
	// Connectors.
	for a := 0; a < 4; a++ {
		phi := float64(a) * math.Pi / 2
		for k := 0; k < n; k++ {
			src := w.lanes[inward[a][k]]
			p0 := src.p.pts[len(src.p.pts)-1]
			h0 := phi + math.Pi
			type move struct {
				to  int
				pts []vec
			}
			var moves []move
			// Through: to the opposite arm, same lane index.
			dst := w.lanes[outward[(a+2)%4][k]]
			moves = append(moves, move{outward[(a+2)%4][k], line(p0, dst.p.pts[0], 2)})
			if k == n-1 { // right turn, concentric with the curb
				d := outward[(a+1)%4][n-1]
				moves = append(moves, move{d, turn(p0, h0, w.lanes[d].p.pts[0], phi+math.Pi/2, curbRadius+0.5*laneWidth, pathStep)})
			}
			if k == 0 { // left turn
				d := outward[(a+3)%4][0]
				moves = append(moves, move{d, turn(p0, h0, w.lanes[d].p.pts[0], phi-math.Pi/2+2*math.Pi, C, pathStep)})
			}
			for _, m := range moves {
				c := w.addLane(&lane{p: newPath(m.pts), typ: ltype, limit: limit, zone: true, bike: k == n-1})
				w.lanes[c].signal = a % 2
				w.link(inward[a][k], c)
				w.link(c, m.to)
			}
		}
	}
	// Signal program: group 0 (east-west arms 0, 2) then group 1 (north-south).
	g0, g1 := 8+6*r.Float64(), 8+6*r.Float64()
	G, Y, R := womd.SignalGo, womd.SignalCaution, womd.SignalStop
	w.cycle = []phase{
		{g0, [2]womd.SignalState{G, R}}, {3, [2]womd.SignalState{Y, R}}, {2, [2]womd.SignalState{R, R}},
		{g1, [2]womd.SignalState{R, G}}, {3, [2]womd.SignalState{R, Y}}, {2, [2]womd.SignalState{R, R}},
	}
	w.offset = r.Float64() * (g0 + g1 + 10)
	// Stop signs are not used at a signalised crossing; a speed bump on one arm adds variety.
	if r.IntN(2) == 0 {
		u := dirOf(float64(r.IntN(4)) * math.Pi / 2)
		v := u.left()
		d := S + 30
		pts := []vec{u.scale(d).sub(v.scale(W)), u.scale(d + 1).sub(v.scale(W)), u.scale(d + 1).add(v.scale(W)), u.scale(d).add(v.scale(W))}
		var mp []womd.MapPoint
		for _, p := range pts {
			mp = append(mp, womd.MapPoint{X: p.X, Y: p.Y})
		}
		w.features = append(w.features, womd.MapFeature{ID: w.id(), SpeedBump: &womd.Polygon{Points: mp}})
	}
	w.computeConflicts()
	return w
}

// buildRoad builds a divided road along a straight line or a circular arc centred on the
// origin, with nE eastbound and nW westbound lanes and, when merge is set, an on-ramp
// merging into the rightmost eastbound lane.
func buildRoad(r *rand.Rand, merge bool) *world {
	w := &world{layout: MultiLane}
	if merge {
		w.layout = Merge
	}
	nE := 2 + r.IntN(3)
	nW := nE
	if merge {
		nE = 2 + r.IntN(2)
		nW = 2
	}
	L := 500.0 // length of the road
	kappa := 0.0
	if r.IntN(2) == 0 {
		kappa = (r.Float64()*2 - 1) / 600 // radius of at least 600 m
	}
	limit := float64(45+10*r.IntN(3)) * mph
	ltype := womd.LaneFreeway
	if limit < 50*mph {
		ltype = womd.LaneSurfaceStreet
	}
	// pose maps (arc length s along the centre line, lateral offset d to the left) to a point.
	pose := func(s, d float64) vec {
		if kappa == 0 {
			return vec{s, d}
		}
		th := kappa * s
		c := vec{math.Sin(th) / kappa, (1 - math.Cos(th)) / kappa}
		return c.add(vec{-math.Sin(th), math.Cos(th)}.scale(d))
	}
	curve := func(s0, s1 float64, d func(s float64) float64) []vec {
		n := int(math.Ceil(math.Abs(s1-s0) / 2))
		out := make([]vec, 0, n+1)
		for i := 0; i <= n; i++ {
			s := s0 + (s1-s0)*float64(i)/float64(n)
			out = append(out, pose(s, d(s)))
		}
		return out
	}
	at := func(d float64) func(float64) float64 { return func(float64) float64 { return d } }
	s0, s1 := -L/2, L/2
	const med = 0.5 // half width of the median island
	dE := func(k int) float64 { return -(med + (float64(k)+0.5)*laneWidth) }
	dW := func(k int) float64 { return med + (float64(k)+0.5)*laneWidth }

	sm, lt := -80+60*r.Float64(), 60.0 // merge start and taper length
	var east, west []int
	for k := 0; k < nE; k++ {
		if merge && k == nE-1 {
			continue
		}
		east = append(east, w.addLane(&lane{p: newPath(curve(s0, s1, at(dE(k)))), typ: ltype, limit: limit}))
	}
	for k := 0; k < nW; k++ {
		west = append(west, w.addLane(&lane{p: newPath(curve(s1, s0, at(dW(k)))), typ: ltype, limit: limit}))
	}
	for k := 0; k+1 < len(west); k++ {
		w.lanes[west[k]].right, w.lanes[west[k+1]].left = west[k+1], west[k]
	}
	rampD := dE(nE)
	taper := func(s float64) float64 {
		t := clamp((s-sm)/lt, 0, 1)
		return rampD + (dE(nE-1)-rampD)*(1-math.Cos(math.Pi*t))/2
	}
	if merge {
		k := nE - 1
		up := w.addLane(&lane{p: newPath(curve(s0, sm, at(dE(k)))), typ: ltype, limit: limit})
		mid := w.addLane(&lane{p: newPath(curve(sm, sm+lt, at(dE(k)))), typ: ltype, limit: limit})
		down := w.addLane(&lane{p: newPath(curve(sm+lt, s1, at(dE(k)))), typ: ltype, limit: limit})
		ramp := w.addLane(&lane{p: newPath(curve(s0, sm, at(rampD))), typ: ltype, limit: limit * 0.8})
		rmid := w.addLane(&lane{p: newPath(curve(sm, sm+lt, taper)), typ: ltype, limit: limit * 0.8})
		// Zipper merge: objects on the taper and on the main lane beside it follow each
		// other by arc length (the two are equally long up to a few millimetres).
		w.lanes[mid].twin, w.lanes[rmid].twin = rmid, mid
		w.link(up, mid)
		w.link(mid, down)
		w.link(ramp, rmid)
		w.link(rmid, down)
		east = append(east, up)
		w.lanes[up].right, w.lanes[ramp].left = ramp, up
		w.addLine(womd.RoadLineSolidSingleWhite, curve(s0, sm, at(dE(k)-laneWidth/2)))
	}
	for k := 0; k+1 < len(east); k++ {
		w.lanes[east[k]].right, w.lanes[east[k+1]].left = east[k+1], east[k]
	}
	// Lines between lanes.
	for k := 1; k < nE; k++ {
		w.addLine(womd.RoadLineBrokenSingleWhite, curve(s0, s1, at(-(med+float64(k)*laneWidth))))
	}
	for k := 1; k < nW; k++ {
		w.addLine(womd.RoadLineBrokenSingleWhite, curve(s1, s0, at(med+float64(k)*laneWidth)))
	}
	w.addLine(womd.RoadLineSolidSingleYellow, curve(s0, s1, at(-med)))
	w.addLine(womd.RoadLineSolidSingleYellow, curve(s1, s0, at(med)))
	// Edges: the drivable area is on the left of each.
	w.addEdge(womd.RoadEdgeMedian, curve(s1, s0, at(-med)))
	w.addEdge(womd.RoadEdgeMedian, curve(s0, s1, at(med)))
	w.addEdge(womd.RoadEdgeBoundary, curve(s1, s0, at(med+float64(nW)*laneWidth)))
	outer := -(med + float64(nE)*laneWidth)
	if merge {
		edge := func(s float64) float64 {
			if s < sm {
				return rampD - laneWidth/2
			}
			if s > sm+lt {
				return outer
			}
			return taper(s) - laneWidth/2
		}
		w.addEdge(womd.RoadEdgeBoundary, join(curve(s0, sm, edge), curve(sm, sm+lt, edge), curve(sm+lt, s1, edge)))
	} else {
		w.addEdge(womd.RoadEdgeBoundary, curve(s0, s1, at(outer)))
	}
	w.computeConflicts()
	return w
}

// laneFeatures returns the exported lanes as map features with their lane graph.
func (w *world) laneFeatures() []womd.MapFeature {
	var out []womd.MapFeature
	ids := func(idx []int) []int64 {
		var v []int64
		for _, i := range idx {
			v = append(v, w.lanes[i].id)
		}
		return v
	}
	for _, l := range w.lanes {
		if !l.exported {
			continue
		}
		lc := &womd.LaneCenter{
			SpeedLimitMph: math.Round(l.limit/mph*10) / 10,
			Type:          l.typ,
			Interpolating: l.zone,
			Polyline:      toMap(l.p.pts),
			EntryLanes:    ids(l.entry),
			ExitLanes:     ids(l.exit),
		}
		last := int32(len(lc.Polyline) - 1)
		if l.left >= 0 {
			nb := w.lanes[l.left]
			lc.LeftNeighbors = []womd.LaneNeighbor{{FeatureID: nb.id, SelfEndIndex: last, NeighborEndIndex: int32(len(toMap(nb.p.pts)) - 1)}}
		}
		if l.right >= 0 {
			nb := w.lanes[l.right]
			lc.RightNeighbors = []womd.LaneNeighbor{{FeatureID: nb.id, SelfEndIndex: last, NeighborEndIndex: int32(len(toMap(nb.p.pts)) - 1)}}
		}
		out = append(out, womd.MapFeature{ID: l.id, Lane: lc})
	}
	return out
}
