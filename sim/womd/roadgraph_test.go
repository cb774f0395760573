package womd

import (
	"math"
	"testing"
)

func TestRoadgraphTypes(t *testing.T) {
	cases := []struct {
		f    MapFeature
		want RoadgraphType
	}{
		{MapFeature{Lane: &LaneCenter{Type: LaneFreeway}}, RGLaneFreeway},
		{MapFeature{Lane: &LaneCenter{Type: LaneBikeLane}}, RGLaneBikeLane},
		{MapFeature{Lane: &LaneCenter{Type: 9}}, RGUnknown},
		{MapFeature{RoadLine: &RoadLine{Type: RoadLineUnknown}}, RGRoadLineUnknown},
		{MapFeature{RoadLine: &RoadLine{Type: RoadLineBrokenSingleWhite}}, RGRoadLineBrokenSingleWhite},
		{MapFeature{RoadLine: &RoadLine{Type: RoadLinePassingDoubleYellow}}, RGRoadLinePassingDoubleYellow},
		{MapFeature{RoadEdge: &RoadEdge{Type: RoadEdgeUnknown}}, RGRoadEdgeUnknown},
		{MapFeature{RoadEdge: &RoadEdge{Type: RoadEdgeBoundary}}, RGRoadEdgeBoundary},
		{MapFeature{RoadEdge: &RoadEdge{Type: RoadEdgeMedian}}, RGRoadEdgeMedian},
		{MapFeature{StopSign: &StopSign{}}, RGStopSign},
		{MapFeature{Crosswalk: &Polygon{}}, RGCrosswalk},
		{MapFeature{SpeedBump: &Polygon{}}, RGSpeedBump},
		{MapFeature{Driveway: &Polygon{}}, RGUnknown},
		{MapFeature{}, RGUnknown},
	}
	// Waymax's MapElementIds, written out.
	if RGRoadLineUnknown != 5 || RGRoadLinePassingDoubleYellow != 13 || RGRoadEdgeUnknown != 14 ||
		RGRoadEdgeBoundary != 15 || RGRoadEdgeMedian != 16 || RGStopSign != 17 || RGCrosswalk != 18 || RGSpeedBump != 19 {
		t.Fatal("type codes differ from Waymax")
	}
	for i, c := range cases {
		if got := c.f.RoadgraphType(); got != c.want {
			t.Errorf("case %d: %d want %d", i, got, c.want)
		}
	}
	if !RGRoadEdgeMedian.IsRoadEdge() || RGRoadEdgeUnknown.IsRoadEdge() || !RGLaneBikeLane.IsLane() || !RGRoadLineUnknown.IsRoadLine() {
		t.Fatal("predicates")
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestRoadgraphPoints(t *testing.T) {
	feats := []MapFeature{
		{ID: 1, RoadEdge: &RoadEdge{Type: RoadEdgeBoundary, Polyline: []MapPoint{{0, 0, 0}, {0, 0, 0}, {3, 4, 0}, {3, 4, 0}, {3, 10, 0}}}},
		{ID: 2, Crosswalk: &Polygon{Points: []MapPoint{{0, 0, 0}, {2, 0, 0}, {2, 2, 0}}}},
		{ID: 3, StopSign: &StopSign{Position: MapPoint{5, 6, 7}}},
		{ID: 4, Driveway: &Polygon{Points: []MapPoint{{0, 0, 0}, {1, 0, 0}}}},
		{ID: 5, Lane: &LaneCenter{Type: LaneSurfaceStreet, Polyline: []MapPoint{{1, 1, 0}}}},
	}
	pts := AppendRoadgraphPoints(nil, feats, 0)
	if len(pts) != 5+3+1+1 {
		t.Fatalf("%d points", len(pts))
	}
	wantDir := [][2]float64{{0.6, 0.8}, {0.6, 0.8}, {0.6, 0.8}, {0, 1}, {0, 1}}
	for i, w := range wantDir {
		if !near(pts[i].DirX, w[0]) || !near(pts[i].DirY, w[1]) || pts[i].Type != RGRoadEdgeBoundary || pts[i].ID != 1 {
			t.Errorf("edge point %d: %+v", i, pts[i])
		}
	}
	cw := pts[5:8]
	if !near(cw[0].DirX, 1) || !near(cw[1].DirY, 1) || !near(cw[2].DirX, -math.Sqrt2/2) || !near(cw[2].DirY, -math.Sqrt2/2) {
		t.Errorf("crosswalk dirs %+v", cw)
	}
	if s := pts[8]; s.Type != RGStopSign || s.X != 5 || s.DirX != 0 || s.DirY != 0 {
		t.Errorf("stop sign %+v", s)
	}
	if l := pts[9]; l.Type != RGLaneSurfaceStreet || l.DirX != 0 {
		t.Errorf("single-point lane %+v", l)
	}
}

func TestResample(t *testing.T) {
	line := []MapPoint{{0, 0, 0}, {1.2, 0, 0}, {1.2, 1.0, 0}}
	got := Resample(line, false, 0.5)
	// Arc length 2.2: samples at 0, 0.5, 1.0, 1.5, 2.0 and the end at 2.2.
	want := []MapPoint{{0, 0, 0}, {0.5, 0, 0}, {1.0, 0, 0}, {1.2, 0.3, 0}, {1.2, 0.8, 0}, {1.2, 1, 0}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if math.Abs(got[i].X-want[i].X)+math.Abs(got[i].Y-want[i].Y) > 1e-9 {
			t.Fatalf("point %d: %v want %v", i, got[i], want[i])
		}
	}
	sq := []MapPoint{{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}}
	if r := Resample(sq, true, 0.5); len(r) != 8 {
		t.Fatalf("closed square: %d samples %v", len(r), r)
	}
	huge := []MapPoint{{0, 0, 0}, {1e12, 0, 0}}
	if r := Resample(huge, false, 0.5); len(r) != 2 {
		t.Fatal("hostile length resampled")
	}
	nan := []MapPoint{{0, 0, 0}, {math.NaN(), 0, 0}}
	if r := Resample(nan, false, 0.5); len(r) != 2 {
		t.Fatal("NaN resampled")
	}
}
