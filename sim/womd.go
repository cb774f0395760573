package sim

import (
	"fmt"
	"math"
	"sort"

	"github.com/tenet-ml/tenet/sim/womd"
)

// ConvertConfig controls FromScenario. Zero fields take WOMD's defaults.
type ConvertConfig struct {
	// MaxObjects caps the objects kept (default 128): the SDC and the objects nearest to it at
	// the current step, in track order.
	MaxObjects int
	// MaxRoadgraphPoints caps the roadgraph points kept (default 30,000): those nearest to the
	// SDC at the current step.
	MaxRoadgraphPoints int
	// MaxTrafficLights caps the signals kept (default 16), in order of first appearance.
	MaxTrafficLights int
	// RoadgraphSpacing resamples map polylines every so many metres before conversion;
	// 0 keeps the vertices (WOMD's are about 0.5 m apart).
	RoadgraphSpacing float64
	// Route configures the derivation of the SDC's route paths from the lane graph.
	Route RouteConfig
	// NoRoute skips route derivation.
	NoRoute bool
}

// FromScenario converts a WOMD scenario into a simulator Scenario: tracks become the log
// trajectory (float64 positions rounded to float32), map features become roadgraph points as
// Waymax builds them (see womd.AppendRoadgraphPoints: every vertex a point, unit direction to
// the next vertex, type codes 0–19, feature ids), dynamic map states become traffic lights
// keyed by controlled lane, and route paths for the SDC are derived from the lane graph along
// its logged path (BuildRoutePaths). It returns an error for data that cannot describe a
// scene: no tracks, tracks of different lengths, a bad SDC or current-step index.
func FromScenario(ws *womd.Scenario, cfg ConvertConfig) (*Scenario, error) {
	if ws == nil || len(ws.Tracks) == 0 {
		return nil, fmt.Errorf("sim: scenario has no tracks")
	}
	if cfg.MaxObjects <= 0 {
		cfg.MaxObjects = DefaultMaxObjects
	}
	if cfg.MaxRoadgraphPoints <= 0 {
		cfg.MaxRoadgraphPoints = DefaultMaxRoadgraphPoints
	}
	if cfg.MaxTrafficLights <= 0 {
		cfg.MaxTrafficLights = DefaultMaxTrafficLights
	}
	T := len(ws.Tracks[0].States)
	for i, tr := range ws.Tracks {
		if len(tr.States) != T {
			return nil, fmt.Errorf("sim: scenario %q: track %d has %d states, track 0 has %d", ws.ScenarioID, i, len(tr.States), T)
		}
	}
	if T < 2 {
		return nil, fmt.Errorf("sim: scenario %q: %d time steps", ws.ScenarioID, T)
	}
	init := int(ws.CurrentTimeIndex)
	if init < 0 || init >= T {
		return nil, fmt.Errorf("sim: scenario %q: current time index %d outside [0, %d)", ws.ScenarioID, init, T)
	}
	sdcTrack := int(ws.SDCTrackIndex)
	if sdcTrack < 0 || sdcTrack >= len(ws.Tracks) {
		return nil, fmt.Errorf("sim: scenario %q: SDC track index %d outside [0, %d)", ws.ScenarioID, sdcTrack, len(ws.Tracks))
	}
	sdcState := ws.Tracks[sdcTrack].States[init]
	cx, cy := sdcState.CenterX, sdcState.CenterY

	// Objects: the SDC and the nearest others.
	keep := make([]int, 0, len(ws.Tracks))
	for i := range ws.Tracks {
		keep = append(keep, i)
	}
	if len(keep) > cfg.MaxObjects {
		dist := func(i int) float64 {
			if i == sdcTrack {
				return -1
			}
			s := ws.Tracks[i].States[init]
			if !s.Valid {
				// Rank by the first valid state instead.
				for _, st := range ws.Tracks[i].States {
					if st.Valid {
						s = st
						break
					}
				}
				if !s.Valid {
					return math.Inf(1)
				}
			}
			return math.Hypot(s.CenterX-cx, s.CenterY-cy)
		}
		sort.SliceStable(keep, func(a, b int) bool { return dist(keep[a]) < dist(keep[b]) })
		keep = keep[:cfg.MaxObjects]
		sort.Ints(keep)
	}
	n := len(keep)
	log := NewTrajectory(n, T)
	meta := NewObjectMetadata(n)
	sdc := -1
	trackToObj := make(map[int]int, n)
	interest := make(map[int32]bool, len(ws.ObjectsOfInterest))
	for _, id := range ws.ObjectsOfInterest {
		interest[id] = true
	}
	for o, ti := range keep {
		tr := &ws.Tracks[ti]
		trackToObj[ti] = o
		meta.IDs[o] = tr.ID
		if tr.ObjectType >= 0 && tr.ObjectType <= 4 {
			meta.Types[o] = ObjectType(tr.ObjectType)
		}
		meta.IsSDC[o] = ti == sdcTrack
		meta.ObjectsOfInterest[o] = interest[tr.ID]
		if ti == sdcTrack {
			sdc = o
		}
		for t, st := range tr.States {
			k := o*T + t
			log.X[k], log.Y[k], log.Z[k] = float32(st.CenterX), float32(st.CenterY), float32(st.CenterZ)
			log.VelX[k], log.VelY[k], log.Yaw[k] = st.VelocityX, st.VelocityY, st.Heading
			log.Length[k], log.Width[k], log.Height[k] = st.Length, st.Width, st.Height
			log.Valid[k] = st.Valid
			if t < len(ws.TimestampsSeconds) {
				log.Timestamp[k] = int64(math.Round(ws.TimestampsSeconds[t] * 1e6))
			}
		}
	}
	for _, rp := range ws.TracksToPredict {
		if o, ok := trackToObj[int(rp.TrackIndex)]; ok {
			meta.IsModeled[o] = true
		}
	}
	dt := float32(DefaultDt)
	if len(ws.TimestampsSeconds) >= 2 {
		if d := ws.TimestampsSeconds[1] - ws.TimestampsSeconds[0]; d > 0 && d < 10 {
			dt = float32(d)
		}
	}

	// Roadgraph.
	pts := womd.AppendRoadgraphPoints(nil, ws.MapFeatures, cfg.RoadgraphSpacing)
	rg := RoadgraphPoints{
		X: make([]float32, len(pts)), Y: make([]float32, len(pts)), Z: make([]float32, len(pts)),
		DirX: make([]float32, len(pts)), DirY: make([]float32, len(pts)), DirZ: make([]float32, len(pts)),
		Types: make([]RoadType, len(pts)), IDs: make([]int32, len(pts)), Valid: make([]bool, len(pts)),
	}
	for i, p := range pts {
		rg.X[i], rg.Y[i], rg.Z[i] = float32(p.X), float32(p.Y), float32(p.Z)
		rg.DirX[i], rg.DirY[i], rg.DirZ[i] = float32(p.DirX), float32(p.DirY), float32(p.DirZ)
		rg.Types[i], rg.IDs[i], rg.Valid[i] = RoadType(p.Type), int32(p.ID), true
	}
	if len(pts) > cfg.MaxRoadgraphPoints {
		idx := make([]int, len(pts))
		for i := range idx {
			idx[i] = i
		}
		d := func(i int) float64 { return math.Hypot(pts[i].X-cx, pts[i].Y-cy) }
		sort.SliceStable(idx, func(a, b int) bool { return d(idx[a]) < d(idx[b]) })
		idx = idx[:cfg.MaxRoadgraphPoints]
		sort.Ints(idx)
		rg = rg.subset(idx)
	}

	// Traffic lights, one slot per controlled lane.
	slot := map[int64]int{}
	for _, dms := range ws.DynamicMapStates {
		for _, ls := range dms.LaneStates {
			if _, ok := slot[ls.Lane]; !ok && len(slot) < cfg.MaxTrafficLights {
				slot[ls.Lane] = len(slot)
			}
		}
	}
	lights := NewTrafficLights(len(slot), T)
	for t, dms := range ws.DynamicMapStates {
		if t >= T {
			break
		}
		for _, ls := range dms.LaneStates {
			j, ok := slot[ls.Lane]
			if !ok {
				continue
			}
			k := j*T + t
			lights.X[k], lights.Y[k], lights.Z[k] = float32(ls.StopPoint.X), float32(ls.StopPoint.Y), float32(ls.StopPoint.Z)
			if ls.State >= 0 && ls.State <= 8 {
				lights.State[k] = LightState(ls.State)
			}
			lights.LaneID[k] = int32(ls.Lane)
			lights.Valid[k] = true
		}
	}

	sc := &Scenario{ID: ws.ScenarioID, Log: log, Meta: meta, Roadgraph: rg, Lights: lights, SDC: sdc, InitStep: init, Dt: dt}
	if !cfg.NoRoute {
		sc.Paths = BuildRoutePaths(LanesFromScenario(ws), log, sdc, init, cfg.Route)
	}
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	return sc, nil
}

// LanesFromScenario extracts the lane graph of a WOMD scenario: every lane feature's centre
// line and exit lanes.
func LanesFromScenario(ws *womd.Scenario) []Lane {
	var lanes []Lane
	for i := range ws.MapFeatures {
		f := &ws.MapFeatures[i]
		if f.Lane == nil || len(f.Lane.Polyline) < 2 {
			continue
		}
		l := Lane{ID: f.ID, Exits: f.Lane.ExitLanes, Points: make([][2]float64, len(f.Lane.Polyline))}
		for k, p := range f.Lane.Polyline {
			l.Points[k] = [2]float64{p.X, p.Y}
		}
		lanes = append(lanes, l)
	}
	return lanes
}
