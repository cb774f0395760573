package sim

import "math"

// testScene builds a hand-made two-lane road along +x (lanes at y = 0 eastbound and y = 3.5
// westbound, road edges at y = −2 and y = 5.5) with n objects: the SDC at y = 0 driving at
// 10 m/s, a slower leader 30 m ahead, oncoming traffic in the other lane and a parked car
// beyond the edge line. Logs are exact constant-velocity motion sampled at 10 Hz.
func testScene(n int) *Scenario {
	const T = DefaultNumSteps
	log := NewTrajectory(n, T)
	meta := NewObjectMetadata(n)
	for i := range n {
		var x0, y0, v, yaw float32
		var l, w float32 = 4.5, 2
		meta.Types[i] = ObjectVehicle
		switch {
		case i == 0:
			x0, y0, v = 0, 0, 10
			meta.IsSDC[i] = true
		case i == 1:
			x0, y0, v = 30, 0, 8
		case i == 2:
			x0, y0, v, yaw = 150, 3.5, 9, math.Pi
		case i == 3:
			x0, y0, v = 60, 7.5, 0 // parked beyond the upper edge
		default:
			// Extra traffic spread along both lanes.
			lane := i % 2
			x0 = float32(40 + 12*(i-3))
			if lane == 1 {
				y0, yaw, v = 3.5, math.Pi, 7
			} else {
				y0, v = 0, 7
			}
			if i%7 == 0 {
				meta.Types[i], l, w, v = ObjectPedestrian, 0.8, 0.8, 1
				y0 = -3
			}
		}
		meta.IDs[i] = int32(100 + i)
		s, c := math.Sincos(float64(yaw))
		for t := range T {
			k := i*T + t
			tt := float32(t) * DefaultDt
			log.X[k] = x0 + v*float32(c)*tt
			log.Y[k] = y0 + v*float32(s)*tt
			log.VelX[k], log.VelY[k] = v*float32(c), v*float32(s)
			log.Yaw[k] = yaw
			log.Length[k], log.Width[k], log.Height[k] = l, w, 1.6
			log.Valid[k] = true
			log.Timestamp[k] = int64(t) * 100000
		}
	}
	var lines []Polyline
	line := func(id int32, typ RoadType, x0, y0, x1, y1 float32, step float32) {
		m := int(hypot32(x1-x0, y1-y0)/step) + 1
		pts := make([][3]float32, m)
		for k := range m {
			f := float32(k) / float32(m-1)
			pts[k] = [3]float32{x0 + f*(x1-x0), y0 + f*(y1-y0), 0}
		}
		lines = append(lines, Polyline{ID: id, Type: typ, Points: pts})
	}
	line(1, RoadEdgeBoundary, -100, -2, 400, -2, 1)
	line(2, RoadEdgeBoundary, 400, 5.5, -100, 5.5, 1)
	line(3, RoadLaneSurface, -100, 0, 400, 0, 1)
	line(4, RoadLaneSurface, 400, 3.5, -100, 3.5, 1)
	line(5, RoadLineSolidDoubleYellow, -100, 1.75, 400, 1.75, 1)
	sc := &Scenario{
		ID: "test", Log: log, Meta: meta, SDC: 0, InitStep: DefaultInitStep, Dt: DefaultDt,
		Roadgraph: RoadgraphFromPolylines(lines, 0, 0, 0),
		Lights:    NewTrafficLights(0, T),
	}
	// One on-route path along the SDC's lane and one off-route path in the other lane.
	sc.Paths = testPaths()
	return sc
}

func testPaths() Paths {
	const K = 200
	p := Paths{NumPaths: 2, PointsPerPath: K}
	for q := range 2 {
		for k := range K {
			x := float32(-20 + 2*k)
			y := float32(0)
			if q == 1 {
				y = 3.5
			}
			p.X = append(p.X, x)
			p.Y = append(p.Y, y)
			p.Z = append(p.Z, 0)
			p.ArcLength = append(p.ArcLength, float32(2*k))
			p.IDs = append(p.IDs, int32(3+q))
			p.Valid = append(p.Valid, true)
		}
		p.OnRoute = append(p.OnRoute, q == 0)
	}
	return p
}
