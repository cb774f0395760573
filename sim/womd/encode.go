package womd

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Marshal encodes s as a waymo.open_dataset.Scenario message. Fields are written in
// field-number order with the encodings of the public .proto files (proto2: timestamps,
// objects_of_interest and stop-sign lanes unpacked; entry_lanes and exit_lanes packed).
// Scalars equal to zero (bit pattern zero, so -0.0 is kept) are omitted, which decodes back
// to the same value; of a MapFeature only the member reported by Kind is written.
// Unmarshal(Marshal(s)) equals s for every s whose map features set at most one member.
func Marshal(s *Scenario) []byte {
	return AppendMarshal(make([]byte, 0, s.size()), s)
}

// AppendMarshal appends the encoding of s to b and returns the extended slice.
func AppendMarshal(b []byte, s *Scenario) []byte { return s.appendTo(b) }

const (
	tVarint  = protowire.VarintType
	tFixed32 = protowire.Fixed32Type
	tFixed64 = protowire.Fixed64Type
	tBytes   = protowire.BytesType
)

// Sizes of optional scalar fields (zero when the value is omitted).

func sizeVarint(num protowire.Number, v uint64) int {
	if v == 0 {
		return 0
	}
	return protowire.SizeTag(num) + protowire.SizeVarint(v)
}

func sizeF64(num protowire.Number, v float64) int {
	if math.Float64bits(v) == 0 {
		return 0
	}
	return protowire.SizeTag(num) + 8
}

func sizeF32(num protowire.Number, v float32) int {
	if math.Float32bits(v) == 0 {
		return 0
	}
	return protowire.SizeTag(num) + 4
}

func sizeMsg(num protowire.Number, n int) int {
	return protowire.SizeTag(num) + protowire.SizeBytes(n)
}

func i32(v int32) uint64 { return uint64(int64(v)) }

func b2u(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}

func appendVarint(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, tVarint)
	return protowire.AppendVarint(b, v)
}

func appendF64(b []byte, num protowire.Number, v float64) []byte {
	if math.Float64bits(v) == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, tFixed64)
	return protowire.AppendFixed64(b, math.Float64bits(v))
}

func appendF32(b []byte, num protowire.Number, v float32) []byte {
	if math.Float32bits(v) == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, tFixed32)
	return protowire.AppendFixed32(b, math.Float32bits(v))
}

func appendMsgHeader(b []byte, num protowire.Number, n int) []byte {
	b = protowire.AppendTag(b, num, tBytes)
	return protowire.AppendVarint(b, uint64(n))
}

// Scenario.

func (s *Scenario) size() int {
	n := len(s.TimestampsSeconds) * (protowire.SizeTag(1) + 8)
	for i := range s.Tracks {
		n += sizeMsg(2, s.Tracks[i].size())
	}
	for _, v := range s.ObjectsOfInterest {
		n += protowire.SizeTag(4) + protowire.SizeVarint(i32(v))
	}
	if s.ScenarioID != "" {
		n += sizeMsg(5, len(s.ScenarioID))
	}
	n += sizeVarint(6, i32(s.SDCTrackIndex))
	for i := range s.DynamicMapStates {
		n += sizeMsg(7, s.DynamicMapStates[i].size())
	}
	for i := range s.MapFeatures {
		n += sizeMsg(8, s.MapFeatures[i].size())
	}
	n += sizeVarint(10, i32(s.CurrentTimeIndex))
	for i := range s.TracksToPredict {
		n += sizeMsg(11, s.TracksToPredict[i].size())
	}
	return n
}

func (s *Scenario) appendTo(b []byte) []byte {
	for _, t := range s.TimestampsSeconds { // unpacked: proto2 default
		b = protowire.AppendTag(b, 1, tFixed64)
		b = protowire.AppendFixed64(b, math.Float64bits(t))
	}
	for i := range s.Tracks {
		b = appendMsgHeader(b, 2, s.Tracks[i].size())
		b = s.Tracks[i].appendTo(b)
	}
	for _, v := range s.ObjectsOfInterest {
		b = protowire.AppendTag(b, 4, tVarint)
		b = protowire.AppendVarint(b, i32(v))
	}
	if s.ScenarioID != "" {
		b = protowire.AppendTag(b, 5, tBytes)
		b = protowire.AppendString(b, s.ScenarioID)
	}
	b = appendVarint(b, 6, i32(s.SDCTrackIndex))
	for i := range s.DynamicMapStates {
		b = appendMsgHeader(b, 7, s.DynamicMapStates[i].size())
		b = s.DynamicMapStates[i].appendTo(b)
	}
	for i := range s.MapFeatures {
		b = appendMsgHeader(b, 8, s.MapFeatures[i].size())
		b = s.MapFeatures[i].appendTo(b)
	}
	b = appendVarint(b, 10, i32(s.CurrentTimeIndex))
	for i := range s.TracksToPredict {
		b = appendMsgHeader(b, 11, s.TracksToPredict[i].size())
		b = s.TracksToPredict[i].appendTo(b)
	}
	return b
}

// Track and ObjectState.

func (t *Track) size() int {
	n := sizeVarint(1, i32(t.ID)) + sizeVarint(2, i32(int32(t.ObjectType)))
	for i := range t.States {
		n += sizeMsg(3, t.States[i].size())
	}
	return n
}

func (t *Track) appendTo(b []byte) []byte {
	b = appendVarint(b, 1, i32(t.ID))
	b = appendVarint(b, 2, i32(int32(t.ObjectType)))
	for i := range t.States {
		b = appendMsgHeader(b, 3, t.States[i].size())
		b = t.States[i].appendTo(b)
	}
	return b
}

func (o *ObjectState) size() int {
	return sizeF64(2, o.CenterX) + sizeF64(3, o.CenterY) + sizeF64(4, o.CenterZ) +
		sizeF32(5, o.Length) + sizeF32(6, o.Width) + sizeF32(7, o.Height) +
		sizeF32(8, o.Heading) + sizeF32(9, o.VelocityX) + sizeF32(10, o.VelocityY) +
		sizeVarint(11, b2u(o.Valid))
}

func (o *ObjectState) appendTo(b []byte) []byte {
	b = appendF64(b, 2, o.CenterX)
	b = appendF64(b, 3, o.CenterY)
	b = appendF64(b, 4, o.CenterZ)
	b = appendF32(b, 5, o.Length)
	b = appendF32(b, 6, o.Width)
	b = appendF32(b, 7, o.Height)
	b = appendF32(b, 8, o.Heading)
	b = appendF32(b, 9, o.VelocityX)
	b = appendF32(b, 10, o.VelocityY)
	return appendVarint(b, 11, b2u(o.Valid))
}

func (r *RequiredPrediction) size() int {
	return sizeVarint(1, i32(r.TrackIndex)) + sizeVarint(2, i32(int32(r.Difficulty)))
}

func (r *RequiredPrediction) appendTo(b []byte) []byte {
	b = appendVarint(b, 1, i32(r.TrackIndex))
	return appendVarint(b, 2, i32(int32(r.Difficulty)))
}

// Dynamic map states.

func (d *DynamicMapState) size() int {
	n := 0
	for i := range d.LaneStates {
		n += sizeMsg(1, d.LaneStates[i].size())
	}
	return n
}

func (d *DynamicMapState) appendTo(b []byte) []byte {
	for i := range d.LaneStates {
		b = appendMsgHeader(b, 1, d.LaneStates[i].size())
		b = d.LaneStates[i].appendTo(b)
	}
	return b
}

func (l *TrafficSignalLaneState) size() int {
	n := sizeVarint(1, uint64(l.Lane)) + sizeVarint(2, i32(int32(l.State)))
	if !l.StopPoint.isZero() {
		n += sizeMsg(3, l.StopPoint.size())
	}
	return n
}

func (l *TrafficSignalLaneState) appendTo(b []byte) []byte {
	b = appendVarint(b, 1, uint64(l.Lane))
	b = appendVarint(b, 2, i32(int32(l.State)))
	if !l.StopPoint.isZero() {
		b = appendMsgHeader(b, 3, l.StopPoint.size())
		b = l.StopPoint.appendTo(b)
	}
	return b
}

// Map points.

func (p *MapPoint) isZero() bool {
	return math.Float64bits(p.X)|math.Float64bits(p.Y)|math.Float64bits(p.Z) == 0
}

func (p *MapPoint) size() int { return sizeF64(1, p.X) + sizeF64(2, p.Y) + sizeF64(3, p.Z) }

func (p *MapPoint) appendTo(b []byte) []byte {
	b = appendF64(b, 1, p.X)
	b = appendF64(b, 2, p.Y)
	return appendF64(b, 3, p.Z)
}

func sizePoints(num protowire.Number, pts []MapPoint) int {
	n := 0
	for i := range pts {
		n += sizeMsg(num, pts[i].size())
	}
	return n
}

func appendPoints(b []byte, num protowire.Number, pts []MapPoint) []byte {
	for i := range pts {
		b = appendMsgHeader(b, num, pts[i].size())
		b = pts[i].appendTo(b)
	}
	return b
}

// Map features.

func (f *MapFeature) size() int {
	n := sizeVarint(1, uint64(f.ID))
	switch f.Kind() {
	case KindLane:
		n += sizeMsg(3, f.Lane.size())
	case KindRoadLine:
		n += sizeMsg(4, sizeVarint(1, i32(int32(f.RoadLine.Type)))+sizePoints(2, f.RoadLine.Polyline))
	case KindRoadEdge:
		n += sizeMsg(5, sizeVarint(1, i32(int32(f.RoadEdge.Type)))+sizePoints(2, f.RoadEdge.Polyline))
	case KindStopSign:
		n += sizeMsg(7, f.StopSign.size())
	case KindCrosswalk:
		n += sizeMsg(8, sizePoints(1, f.Crosswalk.Points))
	case KindSpeedBump:
		n += sizeMsg(9, sizePoints(1, f.SpeedBump.Points))
	case KindDriveway:
		n += sizeMsg(10, sizePoints(1, f.Driveway.Points))
	}
	return n
}

func (f *MapFeature) appendTo(b []byte) []byte {
	b = appendVarint(b, 1, uint64(f.ID))
	switch f.Kind() {
	case KindLane:
		b = appendMsgHeader(b, 3, f.Lane.size())
		b = f.Lane.appendTo(b)
	case KindRoadLine:
		r := f.RoadLine
		b = appendMsgHeader(b, 4, sizeVarint(1, i32(int32(r.Type)))+sizePoints(2, r.Polyline))
		b = appendVarint(b, 1, i32(int32(r.Type)))
		b = appendPoints(b, 2, r.Polyline)
	case KindRoadEdge:
		r := f.RoadEdge
		b = appendMsgHeader(b, 5, sizeVarint(1, i32(int32(r.Type)))+sizePoints(2, r.Polyline))
		b = appendVarint(b, 1, i32(int32(r.Type)))
		b = appendPoints(b, 2, r.Polyline)
	case KindStopSign:
		b = appendMsgHeader(b, 7, f.StopSign.size())
		b = f.StopSign.appendTo(b)
	case KindCrosswalk:
		b = appendMsgHeader(b, 8, sizePoints(1, f.Crosswalk.Points))
		b = appendPoints(b, 1, f.Crosswalk.Points)
	case KindSpeedBump:
		b = appendMsgHeader(b, 9, sizePoints(1, f.SpeedBump.Points))
		b = appendPoints(b, 1, f.SpeedBump.Points)
	case KindDriveway:
		b = appendMsgHeader(b, 10, sizePoints(1, f.Driveway.Points))
		b = appendPoints(b, 1, f.Driveway.Points)
	}
	return b
}

func sizePacked(num protowire.Number, v []int64) int {
	if len(v) == 0 {
		return 0
	}
	return sizeMsg(num, packedLen(v))
}

func packedLen(v []int64) int {
	n := 0
	for _, x := range v {
		n += protowire.SizeVarint(uint64(x))
	}
	return n
}

func appendPacked(b []byte, num protowire.Number, v []int64) []byte {
	if len(v) == 0 {
		return b
	}
	b = appendMsgHeader(b, num, packedLen(v))
	for _, x := range v {
		b = protowire.AppendVarint(b, uint64(x))
	}
	return b
}

func (l *LaneCenter) size() int {
	n := sizeF64(1, l.SpeedLimitMph) + sizeVarint(2, i32(int32(l.Type))) + sizeVarint(3, b2u(l.Interpolating))
	n += sizePoints(8, l.Polyline)
	n += sizePacked(9, l.EntryLanes) + sizePacked(10, l.ExitLanes)
	for i := range l.LeftNeighbors {
		n += sizeMsg(11, l.LeftNeighbors[i].size())
	}
	for i := range l.RightNeighbors {
		n += sizeMsg(12, l.RightNeighbors[i].size())
	}
	for i := range l.LeftBoundaries {
		n += sizeMsg(13, l.LeftBoundaries[i].size())
	}
	for i := range l.RightBoundaries {
		n += sizeMsg(14, l.RightBoundaries[i].size())
	}
	return n
}

func (l *LaneCenter) appendTo(b []byte) []byte {
	b = appendF64(b, 1, l.SpeedLimitMph)
	b = appendVarint(b, 2, i32(int32(l.Type)))
	b = appendVarint(b, 3, b2u(l.Interpolating))
	b = appendPoints(b, 8, l.Polyline)
	b = appendPacked(b, 9, l.EntryLanes)
	b = appendPacked(b, 10, l.ExitLanes)
	for i := range l.LeftNeighbors {
		b = appendMsgHeader(b, 11, l.LeftNeighbors[i].size())
		b = l.LeftNeighbors[i].appendTo(b)
	}
	for i := range l.RightNeighbors {
		b = appendMsgHeader(b, 12, l.RightNeighbors[i].size())
		b = l.RightNeighbors[i].appendTo(b)
	}
	for i := range l.LeftBoundaries {
		b = appendMsgHeader(b, 13, l.LeftBoundaries[i].size())
		b = l.LeftBoundaries[i].appendTo(b)
	}
	for i := range l.RightBoundaries {
		b = appendMsgHeader(b, 14, l.RightBoundaries[i].size())
		b = l.RightBoundaries[i].appendTo(b)
	}
	return b
}

func (s *BoundarySegment) size() int {
	return sizeVarint(1, i32(s.LaneStartIndex)) + sizeVarint(2, i32(s.LaneEndIndex)) +
		sizeVarint(3, uint64(s.BoundaryFeatureID)) + sizeVarint(4, i32(int32(s.BoundaryType)))
}

func (s *BoundarySegment) appendTo(b []byte) []byte {
	b = appendVarint(b, 1, i32(s.LaneStartIndex))
	b = appendVarint(b, 2, i32(s.LaneEndIndex))
	b = appendVarint(b, 3, uint64(s.BoundaryFeatureID))
	return appendVarint(b, 4, i32(int32(s.BoundaryType)))
}

func (nb *LaneNeighbor) size() int {
	n := sizeVarint(1, uint64(nb.FeatureID)) + sizeVarint(2, i32(nb.SelfStartIndex)) +
		sizeVarint(3, i32(nb.SelfEndIndex)) + sizeVarint(4, i32(nb.NeighborStartIndex)) +
		sizeVarint(5, i32(nb.NeighborEndIndex))
	for i := range nb.Boundaries {
		n += sizeMsg(6, nb.Boundaries[i].size())
	}
	return n
}

func (nb *LaneNeighbor) appendTo(b []byte) []byte {
	b = appendVarint(b, 1, uint64(nb.FeatureID))
	b = appendVarint(b, 2, i32(nb.SelfStartIndex))
	b = appendVarint(b, 3, i32(nb.SelfEndIndex))
	b = appendVarint(b, 4, i32(nb.NeighborStartIndex))
	b = appendVarint(b, 5, i32(nb.NeighborEndIndex))
	for i := range nb.Boundaries {
		b = appendMsgHeader(b, 6, nb.Boundaries[i].size())
		b = nb.Boundaries[i].appendTo(b)
	}
	return b
}

func (s *StopSign) size() int {
	n := 0
	for _, l := range s.Lanes { // unpacked: proto2 default
		n += protowire.SizeTag(1) + protowire.SizeVarint(uint64(l))
	}
	if !s.Position.isZero() {
		n += sizeMsg(2, s.Position.size())
	}
	return n
}

func (s *StopSign) appendTo(b []byte) []byte {
	for _, l := range s.Lanes {
		b = protowire.AppendTag(b, 1, tVarint)
		b = protowire.AppendVarint(b, uint64(l))
	}
	if !s.Position.isZero() {
		b = appendMsgHeader(b, 2, s.Position.size())
		b = s.Position.appendTo(b)
	}
	return b
}
