package womd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Unmarshal decodes a serialized waymo.open_dataset.Scenario message. Unknown fields are
// skipped (compressed_frame_laser_data, frame_camera_tokens and any later additions), a
// known field with an unexpected wire type is skipped as unknown, and repeated scalar
// fields are accepted packed or unpacked, as protobuf requires of a parser. Malformed
// input returns an error naming the field where decoding stopped; Unmarshal never panics.
func Unmarshal(b []byte) (*Scenario, error) {
	s := new(Scenario)
	if err := s.Unmarshal(b); err != nil {
		return nil, err
	}
	return s, nil
}

// Unmarshal resets s and decodes b into it; see the package function Unmarshal.
func (s *Scenario) Unmarshal(b []byte) error {
	*s = Scenario{}
	if err := s.decode(b); err != nil {
		return fmt.Errorf("womd: decode scenario: %w", err)
	}
	return nil
}

// errWire reports a malformed protobuf encoding.
func errWire(n int) error { return protowire.ParseError(n) }

// tag reads one tag from b.
func tag(b []byte) (protowire.Number, protowire.Type, int, error) {
	num, typ, n := protowire.ConsumeTag(b)
	if n < 0 {
		return 0, 0, 0, errWire(n)
	}
	return num, typ, n, nil
}

// skip consumes the value of an unknown field.
func skip(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
	n := protowire.ConsumeFieldValue(num, typ, b)
	if n < 0 {
		return 0, errWire(n)
	}
	return n, nil
}

// bytesField consumes a length-delimited value.
func bytesField(b []byte) ([]byte, int, error) {
	v, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return nil, 0, errWire(n)
	}
	return v, n, nil
}

// varintField consumes a varint value.
func varintField(b []byte) (uint64, int, error) {
	v, n := protowire.ConsumeVarint(b)
	if n < 0 {
		return 0, 0, errWire(n)
	}
	return v, n, nil
}

// fixed64Field consumes an 8-byte value.
func fixed64Field(b []byte) (uint64, int, error) {
	if len(b) < 8 {
		return 0, 0, errWire(-1)
	}
	return binary.LittleEndian.Uint64(b), 8, nil
}

// fixed32Field consumes a 4-byte value.
func fixed32Field(b []byte) (uint32, int, error) {
	if len(b) < 4 {
		return 0, 0, errWire(-1)
	}
	return binary.LittleEndian.Uint32(b), 4, nil
}

// countField counts the occurrences of field num with wire type typ in the message b,
// so that repeated fields can be allocated once. A malformed message stops the count;
// the decoder reports the error.
func countField(b []byte, num protowire.Number, typ protowire.Type) int {
	c := 0
	for len(b) > 0 {
		fn, ft, n := protowire.ConsumeTag(b)
		if n < 0 {
			return c
		}
		b = b[n:]
		if fn == num && ft == typ {
			c++
		}
		n = protowire.ConsumeFieldValue(fn, ft, b)
		if n < 0 {
			return c
		}
		b = b[n:]
	}
	return c
}

// appendDoubles decodes one occurrence of a repeated double field, packed or not.
func appendDoubles(dst []float64, typ protowire.Type, b []byte) ([]float64, int, error) {
	switch typ {
	case protowire.Fixed64Type:
		v, n, err := fixed64Field(b)
		if err != nil {
			return dst, 0, err
		}
		return append(dst, math.Float64frombits(v)), n, nil
	case protowire.BytesType:
		p, n, err := bytesField(b)
		if err != nil {
			return dst, 0, err
		}
		if len(p)%8 != 0 {
			return dst, 0, errors.New("packed double field length is not a multiple of 8")
		}
		if dst == nil {
			dst = make([]float64, 0, len(p)/8)
		}
		for i := 0; i+8 <= len(p); i += 8 {
			dst = append(dst, math.Float64frombits(binary.LittleEndian.Uint64(p[i:])))
		}
		return dst, n, nil
	}
	return dst, -1, nil
}

// appendVarints decodes one occurrence of a repeated varint field (int32 or int64),
// packed or not; conv maps the raw varint to the element type.
func appendVarints[T int32 | int64](dst []T, typ protowire.Type, b []byte) ([]T, int, error) {
	switch typ {
	case protowire.VarintType:
		v, n, err := varintField(b)
		if err != nil {
			return dst, 0, err
		}
		return append(dst, T(v)), n, nil
	case protowire.BytesType:
		p, n, err := bytesField(b)
		if err != nil {
			return dst, 0, err
		}
		for len(p) > 0 {
			v, m := protowire.ConsumeVarint(p)
			if m < 0 {
				return dst, 0, errWire(m)
			}
			dst = append(dst, T(v))
			p = p[m:]
		}
		return dst, n, nil
	}
	return dst, -1, nil
}

// decode decodes a Scenario message into the zeroed s.
func (s *Scenario) decode(b []byte) error {
	if c := countField(b, 2, protowire.BytesType); c > 0 {
		s.Tracks = make([]Track, 0, c)
	}
	if c := countField(b, 8, protowire.BytesType); c > 0 {
		s.MapFeatures = make([]MapFeature, 0, c)
	}
	if c := countField(b, 7, protowire.BytesType); c > 0 {
		s.DynamicMapStates = make([]DynamicMapState, 0, c)
	}
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		switch num {
		case 1: // timestamps_seconds
			s.TimestampsSeconds, n, err = appendDoubles(s.TimestampsSeconds, typ, b)
			if err != nil {
				return fmt.Errorf("timestamps_seconds: %w", err)
			}
		case 2: // tracks
			if typ == protowire.BytesType {
				var m []byte
				if m, n, err = bytesField(b); err != nil {
					return fmt.Errorf("tracks[%d]: %w", len(s.Tracks), err)
				}
				s.Tracks = append(s.Tracks, Track{})
				if err = s.Tracks[len(s.Tracks)-1].decode(m); err != nil {
					return fmt.Errorf("tracks[%d]: %w", len(s.Tracks)-1, err)
				}
			}
		case 4: // objects_of_interest
			s.ObjectsOfInterest, n, err = appendVarints(s.ObjectsOfInterest, typ, b)
			if err != nil {
				return fmt.Errorf("objects_of_interest: %w", err)
			}
		case 5: // scenario_id
			if typ == protowire.BytesType {
				var m []byte
				if m, n, err = bytesField(b); err != nil {
					return fmt.Errorf("scenario_id: %w", err)
				}
				s.ScenarioID = string(m)
			}
		case 6: // sdc_track_index
			if typ == protowire.VarintType {
				var v uint64
				if v, n, err = varintField(b); err != nil {
					return fmt.Errorf("sdc_track_index: %w", err)
				}
				s.SDCTrackIndex = int32(v)
			}
		case 7: // dynamic_map_states
			if typ == protowire.BytesType {
				var m []byte
				if m, n, err = bytesField(b); err != nil {
					return fmt.Errorf("dynamic_map_states[%d]: %w", len(s.DynamicMapStates), err)
				}
				s.DynamicMapStates = append(s.DynamicMapStates, DynamicMapState{})
				if err = s.DynamicMapStates[len(s.DynamicMapStates)-1].decode(m); err != nil {
					return fmt.Errorf("dynamic_map_states[%d]: %w", len(s.DynamicMapStates)-1, err)
				}
			}
		case 8: // map_features
			if typ == protowire.BytesType {
				var m []byte
				if m, n, err = bytesField(b); err != nil {
					return fmt.Errorf("map_features[%d]: %w", len(s.MapFeatures), err)
				}
				s.MapFeatures = append(s.MapFeatures, MapFeature{})
				if err = s.MapFeatures[len(s.MapFeatures)-1].decode(m); err != nil {
					return fmt.Errorf("map_features[%d]: %w", len(s.MapFeatures)-1, err)
				}
			}
		case 10: // current_time_index
			if typ == protowire.VarintType {
				var v uint64
				if v, n, err = varintField(b); err != nil {
					return fmt.Errorf("current_time_index: %w", err)
				}
				s.CurrentTimeIndex = int32(v)
			}
		case 11: // tracks_to_predict
			if typ == protowire.BytesType {
				var m []byte
				if m, n, err = bytesField(b); err != nil {
					return fmt.Errorf("tracks_to_predict: %w", err)
				}
				var rp RequiredPrediction
				if err = rp.decode(m); err != nil {
					return fmt.Errorf("tracks_to_predict[%d]: %w", len(s.TracksToPredict), err)
				}
				s.TracksToPredict = append(s.TracksToPredict, rp)
			}
		}
		if n < 0 { // unknown field or unexpected wire type
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// decode decodes a Track message into the zeroed t.
func (t *Track) decode(b []byte) error {
	if c := countField(b, 3, protowire.BytesType); c > 0 {
		t.States = make([]ObjectState, 0, c)
	}
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		switch {
		case num == 1 && typ == protowire.VarintType:
			var v uint64
			if v, n, err = varintField(b); err != nil {
				return fmt.Errorf("id: %w", err)
			}
			t.ID = int32(v)
		case num == 2 && typ == protowire.VarintType:
			var v uint64
			if v, n, err = varintField(b); err != nil {
				return fmt.Errorf("object_type: %w", err)
			}
			t.ObjectType = ObjectType(int32(v))
		case num == 3 && typ == protowire.BytesType:
			var m []byte
			if m, n, err = bytesField(b); err != nil {
				return fmt.Errorf("states[%d]: %w", len(t.States), err)
			}
			t.States = append(t.States, ObjectState{})
			if err = t.States[len(t.States)-1].decode(m); err != nil {
				return fmt.Errorf("states[%d]: %w", len(t.States)-1, err)
			}
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// Single-byte tags of the ObjectState fields, for the decoding fast path.
const (
	tagCenterX   = 2<<3 | 1
	tagCenterY   = 3<<3 | 1
	tagCenterZ   = 4<<3 | 1
	tagLength    = 5<<3 | 5
	tagWidth     = 6<<3 | 5
	tagHeight    = 7<<3 | 5
	tagHeading   = 8<<3 | 5
	tagVelocityX = 9<<3 | 5
	tagVelocityY = 10<<3 | 5
	tagValid     = 11 << 3 // wire type 0 (varint)
)

// decode decodes an ObjectState message into the zeroed o. The common single-byte tags
// take a fast path; everything else goes through the general field loop.
func (o *ObjectState) decode(b []byte) error {
	for len(b) > 0 {
		if len(b) >= 9 {
			switch b[0] {
			case tagCenterX:
				o.CenterX = math.Float64frombits(binary.LittleEndian.Uint64(b[1:]))
				b = b[9:]
				continue
			case tagCenterY:
				o.CenterY = math.Float64frombits(binary.LittleEndian.Uint64(b[1:]))
				b = b[9:]
				continue
			case tagCenterZ:
				o.CenterZ = math.Float64frombits(binary.LittleEndian.Uint64(b[1:]))
				b = b[9:]
				continue
			}
		}
		if len(b) >= 5 {
			switch b[0] {
			case tagLength:
				o.Length = math.Float32frombits(binary.LittleEndian.Uint32(b[1:]))
				b = b[5:]
				continue
			case tagWidth:
				o.Width = math.Float32frombits(binary.LittleEndian.Uint32(b[1:]))
				b = b[5:]
				continue
			case tagHeight:
				o.Height = math.Float32frombits(binary.LittleEndian.Uint32(b[1:]))
				b = b[5:]
				continue
			case tagHeading:
				o.Heading = math.Float32frombits(binary.LittleEndian.Uint32(b[1:]))
				b = b[5:]
				continue
			case tagVelocityX:
				o.VelocityX = math.Float32frombits(binary.LittleEndian.Uint32(b[1:]))
				b = b[5:]
				continue
			case tagVelocityY:
				o.VelocityY = math.Float32frombits(binary.LittleEndian.Uint32(b[1:]))
				b = b[5:]
				continue
			}
		}
		if len(b) >= 2 && b[0] == tagValid && b[1] < 0x80 {
			o.Valid = b[1] != 0
			b = b[2:]
			continue
		}
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		switch typ {
		case protowire.Fixed64Type:
			var v uint64
			if v, n, err = fixed64Field(b); err != nil {
				return err
			}
			f := math.Float64frombits(v)
			switch num {
			case 2:
				o.CenterX = f
			case 3:
				o.CenterY = f
			case 4:
				o.CenterZ = f
			default:
				n = -1
			}
		case protowire.Fixed32Type:
			var v uint32
			if v, n, err = fixed32Field(b); err != nil {
				return err
			}
			f := math.Float32frombits(v)
			switch num {
			case 5:
				o.Length = f
			case 6:
				o.Width = f
			case 7:
				o.Height = f
			case 8:
				o.Heading = f
			case 9:
				o.VelocityX = f
			case 10:
				o.VelocityY = f
			default:
				n = -1
			}
		case protowire.VarintType:
			if num == 11 {
				var v uint64
				if v, n, err = varintField(b); err != nil {
					return err
				}
				o.Valid = v != 0
			}
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// decode decodes a RequiredPrediction message.
func (r *RequiredPrediction) decode(b []byte) error {
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		if typ == protowire.VarintType && (num == 1 || num == 2) {
			var v uint64
			if v, n, err = varintField(b); err != nil {
				return err
			}
			if num == 1 {
				r.TrackIndex = int32(v)
			} else {
				r.Difficulty = DifficultyLevel(int32(v))
			}
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// decode decodes a DynamicMapState message.
func (d *DynamicMapState) decode(b []byte) error {
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		if num == 1 && typ == protowire.BytesType {
			var m []byte
			if m, n, err = bytesField(b); err != nil {
				return fmt.Errorf("lane_states[%d]: %w", len(d.LaneStates), err)
			}
			var ls TrafficSignalLaneState
			if err = ls.decode(m); err != nil {
				return fmt.Errorf("lane_states[%d]: %w", len(d.LaneStates), err)
			}
			d.LaneStates = append(d.LaneStates, ls)
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// decode decodes a TrafficSignalLaneState message.
func (l *TrafficSignalLaneState) decode(b []byte) error {
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		switch {
		case num == 1 && typ == protowire.VarintType:
			var v uint64
			if v, n, err = varintField(b); err != nil {
				return err
			}
			l.Lane = int64(v)
		case num == 2 && typ == protowire.VarintType:
			var v uint64
			if v, n, err = varintField(b); err != nil {
				return err
			}
			l.State = SignalState(int32(v))
		case num == 3 && typ == protowire.BytesType:
			var m []byte
			if m, n, err = bytesField(b); err != nil {
				return err
			}
			// A repeated occurrence of a singular message field merges into it.
			if err = l.StopPoint.decode(m); err != nil {
				return fmt.Errorf("stop_point: %w", err)
			}
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// decode decodes a MapPoint message, merging into p.
func (p *MapPoint) decode(b []byte) error {
	for len(b) > 0 {
		if len(b) >= 9 {
			switch b[0] {
			case 1<<3 | 1:
				p.X = math.Float64frombits(binary.LittleEndian.Uint64(b[1:]))
				b = b[9:]
				continue
			case 2<<3 | 1:
				p.Y = math.Float64frombits(binary.LittleEndian.Uint64(b[1:]))
				b = b[9:]
				continue
			case 3<<3 | 1:
				p.Z = math.Float64frombits(binary.LittleEndian.Uint64(b[1:]))
				b = b[9:]
				continue
			}
		}
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		if n, err = skip(num, typ, b); err != nil {
			return fmt.Errorf("field %d: %w", num, err)
		}
		b = b[n:]
	}
	return nil
}

// decodePoints decodes one occurrence of a repeated MapPoint field.
func decodePoints(dst []MapPoint, b []byte) ([]MapPoint, int, error) {
	m, n, err := bytesField(b)
	if err != nil {
		return dst, 0, err
	}
	dst = append(dst, MapPoint{})
	if err := dst[len(dst)-1].decode(m); err != nil {
		return dst, 0, fmt.Errorf("point %d: %w", len(dst)-1, err)
	}
	return dst, n, nil
}

// polylineCap returns the capacity to allocate for the repeated MapPoint field num.
func polylineCap(b []byte, num protowire.Number) []MapPoint {
	if c := countField(b, num, protowire.BytesType); c > 0 {
		return make([]MapPoint, 0, c)
	}
	return nil
}

// decode decodes a MapFeature message into the zeroed f.
func (f *MapFeature) decode(b []byte) error {
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		if num == 1 && typ == protowire.VarintType {
			var v uint64
			if v, n, err = varintField(b); err != nil {
				return fmt.Errorf("id: %w", err)
			}
			f.ID = int64(v)
		} else if typ == protowire.BytesType && num >= 3 && num <= 10 && num != 6 {
			var m []byte
			if m, n, err = bytesField(b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
			// A repeated occurrence of the member already set merges into it; a different
			// member replaces it (oneof semantics).
			switch num {
			case 3:
				err = oneofMember(f, &f.Lane).decode(m)
			case 4:
				err = oneofMember(f, &f.RoadLine).decode(m)
			case 5:
				err = oneofMember(f, &f.RoadEdge).decode(m)
			case 7:
				err = oneofMember(f, &f.StopSign).decode(m)
			case 8:
				err = oneofMember(f, &f.Crosswalk).decode(m)
			case 9:
				err = oneofMember(f, &f.SpeedBump).decode(m)
			case 10:
				err = oneofMember(f, &f.Driveway).decode(m)
			}
			if err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// decode decodes a LaneCenter message, merging into l.
func (l *LaneCenter) decode(b []byte) error {
	if l.Polyline == nil {
		l.Polyline = polylineCap(b, 8)
	}
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		switch num {
		case 1:
			if typ == protowire.Fixed64Type {
				var v uint64
				if v, n, err = fixed64Field(b); err != nil {
					return fmt.Errorf("speed_limit_mph: %w", err)
				}
				l.SpeedLimitMph = math.Float64frombits(v)
			}
		case 2, 3:
			if typ == protowire.VarintType {
				var v uint64
				if v, n, err = varintField(b); err != nil {
					return fmt.Errorf("field %d: %w", num, err)
				}
				if num == 2 {
					l.Type = LaneType(int32(v))
				} else {
					l.Interpolating = v != 0
				}
			}
		case 8:
			if typ == protowire.BytesType {
				if l.Polyline, n, err = decodePoints(l.Polyline, b); err != nil {
					return fmt.Errorf("polyline: %w", err)
				}
			}
		case 9:
			if l.EntryLanes, n, err = appendVarints(l.EntryLanes, typ, b); err != nil {
				return fmt.Errorf("entry_lanes: %w", err)
			}
		case 10:
			if l.ExitLanes, n, err = appendVarints(l.ExitLanes, typ, b); err != nil {
				return fmt.Errorf("exit_lanes: %w", err)
			}
		case 11, 12:
			if typ == protowire.BytesType {
				var m []byte
				if m, n, err = bytesField(b); err != nil {
					return fmt.Errorf("field %d: %w", num, err)
				}
				var nb LaneNeighbor
				if err = nb.decode(m); err != nil {
					return fmt.Errorf("field %d: %w", num, err)
				}
				if num == 11 {
					l.LeftNeighbors = append(l.LeftNeighbors, nb)
				} else {
					l.RightNeighbors = append(l.RightNeighbors, nb)
				}
			}
		case 13, 14:
			if typ == protowire.BytesType {
				var m []byte
				if m, n, err = bytesField(b); err != nil {
					return fmt.Errorf("field %d: %w", num, err)
				}
				var bs BoundarySegment
				if err = bs.decode(m); err != nil {
					return fmt.Errorf("field %d: %w", num, err)
				}
				if num == 13 {
					l.LeftBoundaries = append(l.LeftBoundaries, bs)
				} else {
					l.RightBoundaries = append(l.RightBoundaries, bs)
				}
			}
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// decode decodes a BoundarySegment message.
func (s *BoundarySegment) decode(b []byte) error {
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		if typ == protowire.VarintType && num >= 1 && num <= 4 {
			var v uint64
			if v, n, err = varintField(b); err != nil {
				return err
			}
			switch num {
			case 1:
				s.LaneStartIndex = int32(v)
			case 2:
				s.LaneEndIndex = int32(v)
			case 3:
				s.BoundaryFeatureID = int64(v)
			case 4:
				s.BoundaryType = RoadLineType(int32(v))
			}
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// decode decodes a LaneNeighbor message.
func (nb *LaneNeighbor) decode(b []byte) error {
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		switch {
		case typ == protowire.VarintType && num >= 1 && num <= 5:
			var v uint64
			if v, n, err = varintField(b); err != nil {
				return err
			}
			switch num {
			case 1:
				nb.FeatureID = int64(v)
			case 2:
				nb.SelfStartIndex = int32(v)
			case 3:
				nb.SelfEndIndex = int32(v)
			case 4:
				nb.NeighborStartIndex = int32(v)
			case 5:
				nb.NeighborEndIndex = int32(v)
			}
		case typ == protowire.BytesType && num == 6:
			var m []byte
			if m, n, err = bytesField(b); err != nil {
				return err
			}
			var bs BoundarySegment
			if err = bs.decode(m); err != nil {
				return fmt.Errorf("boundaries: %w", err)
			}
			nb.Boundaries = append(nb.Boundaries, bs)
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// decodeTypedPolyline decodes RoadLine and RoadEdge, which share the layout
// {1 type (enum), 2 polyline (repeated MapPoint)}.
func decodeTypedPolyline(b []byte, typeOut *int32, pts *[]MapPoint) error {
	if *pts == nil {
		*pts = polylineCap(b, 2)
	}
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		switch {
		case num == 1 && typ == protowire.VarintType:
			var v uint64
			if v, n, err = varintField(b); err != nil {
				return fmt.Errorf("type: %w", err)
			}
			*typeOut = int32(v)
		case num == 2 && typ == protowire.BytesType:
			if *pts, n, err = decodePoints(*pts, b); err != nil {
				return fmt.Errorf("polyline: %w", err)
			}
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// decode decodes a RoadLine message, merging into r.
func (r *RoadLine) decode(b []byte) error {
	t := int32(r.Type)
	err := decodeTypedPolyline(b, &t, &r.Polyline)
	r.Type = RoadLineType(t)
	return err
}

// decode decodes a RoadEdge message, merging into r.
func (r *RoadEdge) decode(b []byte) error {
	t := int32(r.Type)
	err := decodeTypedPolyline(b, &t, &r.Polyline)
	r.Type = RoadEdgeType(t)
	return err
}

// decode decodes a StopSign message, merging into s.
func (s *StopSign) decode(b []byte) error {
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		switch {
		case num == 1:
			if s.Lanes, n, err = appendVarints(s.Lanes, typ, b); err != nil {
				return fmt.Errorf("lane: %w", err)
			}
		case num == 2 && typ == protowire.BytesType:
			var m []byte
			if m, n, err = bytesField(b); err != nil {
				return fmt.Errorf("position: %w", err)
			}
			if err = s.Position.decode(m); err != nil {
				return fmt.Errorf("position: %w", err)
			}
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// decode decodes a Crosswalk, SpeedBump or Driveway message, merging into p.
func (p *Polygon) decode(b []byte) error {
	if p.Points == nil {
		p.Points = polylineCap(b, 1)
	}
	for len(b) > 0 {
		num, typ, n, err := tag(b)
		if err != nil {
			return err
		}
		b = b[n:]
		n = -1
		if num == 1 && typ == protowire.BytesType {
			if p.Points, n, err = decodePoints(p.Points, b); err != nil {
				return fmt.Errorf("polygon: %w", err)
			}
		}
		if n < 0 {
			if n, err = skip(num, typ, b); err != nil {
				return fmt.Errorf("field %d: %w", num, err)
			}
		}
		b = b[n:]
	}
	return nil
}

// oneofMember returns the map feature's member *field, first clearing every member and
// allocating this one if it is not the member already set.
func oneofMember[T any](f *MapFeature, field **T) *T {
	if *field == nil {
		f.clearOneof()
		*field = new(T)
	}
	return *field
}
