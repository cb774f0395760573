package synth

import (
	"bytes"
	"math"
	"reflect"
	"testing"

	"github.com/tenet-ml/tenet/sim/womd"
)

func scenarios(t *testing.T, n int) []*womd.Scenario {
	t.Helper()
	if testing.Short() {
		n = max(n/3, 3)
	}
	var out []*womd.Scenario
	for i := 0; i < n; i++ {
		out = append(out, Generate(NthOptions(Options{Seed: 42}, i)))
	}
	return out
}

func TestDeterministic(t *testing.T) {
	for i := 0; i < 3; i++ {
		o := NthOptions(Options{Seed: 7}, i)
		a, b := Generate(o), Generate(o)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d: two runs differ", o.Seed)
		}
	}
	if reflect.DeepEqual(Generate(Options{Seed: 1}), Generate(Options{Seed: 2})) {
		t.Fatal("different seeds gave the same scenario")
	}
}

func TestRoundTrip(t *testing.T) {
	for _, s := range scenarios(t, 6) {
		b := womd.Marshal(s)
		got, err := womd.Unmarshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(s, got) {
			t.Fatalf("%s: decode(encode(s)) != s", s.ScenarioID)
		}
	}
}

func TestShape(t *testing.T) {
	layouts := map[string]bool{}
	for _, s := range scenarios(t, 12) {
		if len(s.TimestampsSeconds) != Steps || s.CurrentTimeIndex != 10 || len(s.DynamicMapStates) != Steps {
			t.Fatalf("%s: shape", s.ScenarioID)
		}
		if len(s.Tracks) == 0 || len(s.Tracks) > 64 {
			t.Fatalf("%s: %d tracks", s.ScenarioID, len(s.Tracks))
		}
		sdc := s.Tracks[s.SDCTrackIndex]
		if sdc.ObjectType != womd.TypeVehicle {
			t.Fatalf("%s: SDC type %v", s.ScenarioID, sdc.ObjectType)
		}
		for _, st := range sdc.States {
			if !st.Valid {
				t.Fatalf("%s: SDC invalid at some step", s.ScenarioID)
			}
		}
		if len(s.TracksToPredict) == 0 || s.TracksToPredict[0].TrackIndex != s.SDCTrackIndex || s.ObjectsOfInterest[0] != sdc.ID {
			t.Fatalf("%s: prediction targets", s.ScenarioID)
		}
		// Lane graph: every entry/exit refers to a lane, symmetrically.
		lanes := map[int64]*womd.LaneCenter{}
		for i := range s.MapFeatures {
			if f := &s.MapFeatures[i]; f.Lane != nil {
				lanes[f.ID] = f.Lane
			}
		}
		for id, l := range lanes {
			for _, x := range l.ExitLanes {
				if lanes[x] == nil || !contains(lanes[x].EntryLanes, id) {
					t.Fatalf("%s: exit %d of lane %d not mirrored", s.ScenarioID, x, id)
				}
			}
		}
		for _, d := range s.DynamicMapStates {
			for _, ls := range d.LaneStates {
				if lanes[ls.Lane] == nil {
					t.Fatalf("%s: signal on unknown lane %d", s.ScenarioID, ls.Lane)
				}
			}
		}
		layouts[s.ScenarioID[:10]] = true
	}
	if len(layouts) < 2 {
		t.Fatalf("layouts drawn: %v", layouts)
	}
}

func contains(v []int64, x int64) bool {
	for _, y := range v {
		if y == x {
			return true
		}
	}
	return false
}

// TestPlausible checks speeds, accelerations and that the heading follows the velocity
// and the displacement.
func TestPlausible(t *testing.T) {
	for _, s := range scenarios(t, 9) {
		for _, tr := range s.Tracks {
			st := tr.States
			for i := range st {
				if !st[i].Valid {
					continue
				}
				v := math.Hypot(float64(st[i].VelocityX), float64(st[i].VelocityY))
				if v > 35 {
					t.Fatalf("%s track %d: speed %.1f", s.ScenarioID, tr.ID, v)
				}
				if v > 0.1 {
					vh := math.Atan2(float64(st[i].VelocityY), float64(st[i].VelocityX))
					if math.Abs(math.Remainder(vh-float64(st[i].Heading), 2*math.Pi)) > 1e-3 {
						t.Fatalf("%s track %d: yaw does not follow velocity", s.ScenarioID, tr.ID)
					}
				}
				if i == 0 || !st[i-1].Valid {
					continue
				}
				v0 := math.Hypot(float64(st[i-1].VelocityX), float64(st[i-1].VelocityY))
				if a := (v - v0) / 0.1; a > 3.0 || a < -6.01 {
					t.Fatalf("%s track %d step %d: acceleration %.2f", s.ScenarioID, tr.ID, i, a)
				}
				// Displacement agrees with the mean speed and the heading.
				dx, dy := st[i].CenterX-st[i-1].CenterX, st[i].CenterY-st[i-1].CenterY
				d := math.Hypot(dx, dy)
				if math.Abs(d-(v+v0)/2*0.1) > 0.05 {
					t.Fatalf("%s track %d step %d: moved %.3f m at speeds %.2f, %.2f", s.ScenarioID, tr.ID, i, d, v0, v)
				}
				if d > 0.2 {
					mh := math.Atan2(dy, dx)
					if math.Abs(math.Remainder(mh-float64(st[i].Heading), 2*math.Pi)) > 0.1 {
						t.Fatalf("%s track %d step %d: heading off the motion by %.3f", s.ScenarioID, tr.ID, i, mh-float64(st[i].Heading))
					}
				}
			}
		}
	}
}

// corners returns the box corners of a state.
func corners(s womd.ObjectState) [4][2]float64 {
	c, sn := math.Cos(float64(s.Heading)), math.Sin(float64(s.Heading))
	l, w := float64(s.Length)/2, float64(s.Width)/2
	var out [4][2]float64
	for i, k := range [4][2]float64{{1, 1}, {-1, 1}, {-1, -1}, {1, -1}} {
		out[i] = [2]float64{s.CenterX + k[0]*l*c - k[1]*w*sn, s.CenterY + k[0]*l*sn + k[1]*w*c}
	}
	return out
}

// sat is an independent separating-axis overlap test on the boxes' edge normals.
func sat(a, b [4][2]float64) bool {
	for _, p := range [][4][2]float64{a, b} {
		for i := 0; i < 4; i++ {
			j := (i + 1) % 4
			nx, ny := p[i][1]-p[j][1], p[j][0]-p[i][0]
			proj := func(q [4][2]float64) (float64, float64) {
				lo, hi := math.Inf(1), math.Inf(-1)
				for _, v := range q {
					d := v[0]*nx + v[1]*ny
					lo, hi = math.Min(lo, d), math.Max(hi, d)
				}
				return lo, hi
			}
			alo, ahi := proj(a)
			blo, bhi := proj(b)
			if ahi < blo || bhi < alo {
				return false
			}
		}
	}
	return true
}

func TestSATOracle(t *testing.T) {
	a := corners(womd.ObjectState{Length: 4, Width: 2})
	if !sat(a, corners(womd.ObjectState{CenterX: 3.9, Length: 4, Width: 2})) || sat(a, corners(womd.ObjectState{CenterX: 4.1, Length: 4, Width: 2})) {
		t.Fatal("axis-aligned")
	}
	// Rotated 45°: the corner reaches √2 from the centre.
	r := womd.ObjectState{CenterY: 1 + math.Sqrt2 - 0.01, Length: 2, Width: 2, Heading: math.Pi / 4}
	if !sat(a, corners(r)) {
		t.Fatal("rotated overlap missed")
	}
	r.CenterY += 0.02
	if sat(a, corners(r)) {
		t.Fatal("rotated separation missed")
	}
}

// TestNoOverlapNoOffroad checks the logs geometrically: no two valid boxes overlap at any
// step, and no vehicle or cyclist corner is off the road by Waymax's rule (signed distance
// to the nearest road-edge point of the roadgraph, sign from its direction).
func TestNoOverlapNoOffroad(t *testing.T) {
	stride := 3
	if testing.Short() {
		stride = 10
	}
	for _, s := range scenarios(t, 12) {
		rg := womd.AppendRoadgraphPoints(nil, s.MapFeatures, 0)
		var edge []womd.RoadgraphPoint
		for _, p := range rg {
			if p.Type.IsRoadEdge() {
				edge = append(edge, p)
			}
		}
		for step := 0; step < Steps; step++ {
			for i := range s.Tracks {
				a := s.Tracks[i].States[step]
				if !a.Valid {
					continue
				}
				ca := corners(a)
				for j := i + 1; j < len(s.Tracks); j++ {
					b := s.Tracks[j].States[step]
					if b.Valid && math.Hypot(a.CenterX-b.CenterX, a.CenterY-b.CenterY) < 15 && sat(ca, corners(b)) {
						t.Fatalf("%s step %d: tracks %d and %d overlap", s.ScenarioID, step, i, j)
					}
				}
				if s.Tracks[i].ObjectType == womd.TypePedestrian || step%stride != 0 {
					continue
				}
				for _, c := range ca {
					if d := signedEdgeDistance(c, edge); d > 0 {
						t.Fatalf("%s step %d: track %d (%v) off road by %.3f m", s.ScenarioID, step, i, s.Tracks[i].ObjectType, d)
					}
				}
			}
		}
	}
}

// signedEdgeDistance follows Waymax: nearest edge point, cross product of (query − point)
// with the point's direction, and the previous point's direction on the same edge when it
// gives the smaller cross product.
func signedEdgeDistance(q [2]float64, edge []womd.RoadgraphPoint) float64 {
	best, bi := math.Inf(1), -1
	for i, p := range edge {
		if d := (p.X-q[0])*(p.X-q[0]) + (p.Y-q[1])*(p.Y-q[1]); d < best {
			best, bi = d, i
		}
	}
	p := edge[bi]
	dx, dy := q[0]-p.X, q[1]-p.Y
	cross := dx*p.DirY - dy*p.DirX
	if bi > 0 && edge[bi-1].ID == p.ID {
		pr := edge[bi-1]
		if c := dx*pr.DirY - dy*pr.DirX; c < cross {
			cross = c
		}
	}
	sign := 0.0
	if cross > 0 {
		sign = 1
	} else if cross < 0 {
		sign = -1
	}
	return math.Sqrt(best) * sign
}

// TestSafetyNetRarelyFires checks that the driver law itself avoids conflicts: the repair
// step removes under 1% of objects.
func TestSafetyNetRarelyFires(t *testing.T) {
	n := 15
	if testing.Short() {
		n = 5
	}
	objs, removed := 0, 0
	for i := 0; i < n; i++ {
		_, st := generate(NthOptions(Options{Seed: 3}, i).withDefaults(), 0)
		objs += st.objects
		removed += st.removed
	}
	if float64(removed) > 0.01*float64(objs) {
		t.Fatalf("safety net removed %d of %d objects", removed, objs)
	}
	t.Logf("safety net removed %d of %d objects", removed, objs)
}

func TestWriteShards(t *testing.T) {
	dir := t.TempDir()
	o := Options{Seed: 5, MaxObjects: 16}
	paths, err := WriteShards(dir, 3, o)
	if err != nil || len(paths) != 1 {
		t.Fatalf("%v %v", paths, err)
	}
	got, err := womd.ReadAll(paths...)
	if err != nil || len(got) != 3 {
		t.Fatalf("%d scenarios, %v", len(got), err)
	}
	for i, s := range got {
		want := Generate(NthOptions(o, i))
		if !bytes.Equal(womd.Marshal(s), womd.Marshal(want)) {
			t.Fatalf("scenario %d differs from Generate", i)
		}
		if len(s.Tracks) > 16 {
			t.Fatalf("MaxObjects ignored: %d", len(s.Tracks))
		}
	}
}
