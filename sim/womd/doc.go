// Package womd reads and writes Waymo Open Motion Dataset (WOMD) scenarios: the
// waymo.open_dataset.Scenario protocol buffer in TFRecord files, as published by Waymo and
// consumed by the Waymax simulator (arXiv 2310.08710). It needs no generated code: the
// messages are plain Go structs, decoded and encoded with the protowire package from the
// field numbers of the public scenario.proto and map.proto.
//
// # Messages and field numbers
//
//	Scenario            1 timestamps_seconds (repeated double)  2 tracks  4 objects_of_interest
//	                    (repeated int32)  5 scenario_id  6 sdc_track_index  7 dynamic_map_states
//	                    8 map_features  10 current_time_index  11 tracks_to_predict
//	                    (9 reserved; 12 compressed_frame_laser_data and 13 frame_camera_tokens
//	                    are skipped)
//	Track               1 id (int32)  2 object_type (enum)  3 states
//	ObjectState         2 center_x  3 center_y  4 center_z (double)  5 length  6 width
//	                    7 height  8 heading  9 velocity_x  10 velocity_y (float)  11 valid
//	RequiredPrediction  1 track_index (int32)  2 difficulty (enum)
//	DynamicMapState     1 lane_states
//	TrafficSignalLaneState  1 lane (int64)  2 state (enum)  3 stop_point
//	MapFeature          1 id (int64); oneof 3 lane  4 road_line  5 road_edge  7 stop_sign
//	                    8 crosswalk  9 speed_bump  10 driveway
//	MapPoint            1 x  2 y  3 z (double)
//	LaneCenter          1 speed_limit_mph (double)  2 type  3 interpolating  8 polyline
//	                    9 entry_lanes  10 exit_lanes (int64, packed)  11 left_neighbors
//	                    12 right_neighbors  13 left_boundaries  14 right_boundaries
//	BoundarySegment     1 lane_start_index  2 lane_end_index  3 boundary_feature_id
//	                    4 boundary_type
//	LaneNeighbor        1 feature_id  2 self_start_index  3 self_end_index
//	                    4 neighbor_start_index  5 neighbor_end_index  6 boundaries
//	RoadLine, RoadEdge  1 type  2 polyline
//	StopSign            1 lane (repeated int64)  2 position
//	Crosswalk, SpeedBump, Driveway  1 polygon
//
// The files are proto2: repeated scalars are unpacked unless marked packed (entry_lanes,
// exit_lanes), and a parser must accept both encodings of every repeated scalar. Unmarshal
// does; it also skips unknown fields, treats a known field with an unexpected wire type as
// unknown, and applies oneof semantics (the last member on the wire wins). Absent optional
// fields decode to zero values. Marshal writes the proto files' encodings in field order and
// omits zero scalars, so Unmarshal(Marshal(s)) equals s.
//
// # TFRecord framing
//
// Each record is
//
//	uint64 length, little endian
//	uint32 masked CRC-32C of the 8 length bytes
//	length bytes of data (one serialized Scenario)
//	uint32 masked CRC-32C of the data
//
// with mask(c) = ((c >> 15) | (c << 17)) + 0xa282ead8 (mod 2³²). RecordReader verifies both
// checksums and refuses lengths above MaxRecordSize (256 MiB) before allocating. Reader (and
// Scenarios, ReadAll) streams scenarios over many files: a bad record yields a *RecordError
// naming the file and the byte offset where the record starts, and reading continues. A bad
// payload checksum or an undecodable payload loses only that record; a bad length checksum,
// an oversized length, a truncated record or an unreadable file loses the framing, so the
// rest of that file is skipped (there is no resynchronisation) and reading continues with the
// next file. ExpandPaths turns a comma-separated list of files and globs into paths.
//
// # Roadgraph points
//
// AppendRoadgraphPoints converts map features to the per-point roadgraph of Waymax: every
// polyline vertex with the unit direction to the next vertex and a type code (lanes 0–3
// undefined, freeway, surface street, bike lane; road lines 5–13; road edges 14 unknown,
// 15 boundary, 16 median; 17 stop sign; 18 crosswalk; 19 speed bump). Road edges carry the
// drivable area on their left: Waymax's off-road test calls a point to the right of the
// nearest edge point's direction off the road.
//
// # Performance
//
// Parsing (framing, both checksums and decoding into structs) runs at about 300 MB/s on one
// core of a loaded 2-core machine (BenchmarkParse, WOMD-sized scenarios); the decoder counts
// repeated fields before allocating them and decodes ObjectState and MapPoint on a fast path.
//
// Values of the package's types are plain data; readers and writers are not safe for
// concurrent use.
package womd
