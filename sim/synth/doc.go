// Package synth generates synthetic driving scenarios in the Waymo Open Motion Dataset
// format (womd.Scenario), so that everything built on WOMD — readers, the simulator, its
// agents and metrics, Waymax-style benchmarks (arXiv 2310.08710) — runs without access to
// the real data, and the TFRecord reader is exercised on every run.
//
// # Scenes
//
// Each scenario draws one layout from Options.Layouts:
//
//   - Intersection: a four-way crossing of two roads with one or two lanes per direction,
//     through, left- and right-turn connector lanes (interpolating lanes inside the box)
//     linked by entry and exit lanes, a two-phase signal program (go, caution 3 s, all-red
//     2 s) written as dynamic map states for every connector, curbs with rounded corners as
//     road-edge boundaries, painted lines, crosswalks, sometimes a speed bump, pedestrians
//     walking on the sidewalks and cyclists in the right lanes;
//   - Merge: a divided road, straight or curved with a radius of at least 600 m, with an
//     on-ramp tapering into the rightmost lane (a zipper merge), medians as road-edge
//     medians and boundaries along the outside;
//   - MultiLane: the divided road with two to four lanes per direction.
//
// Every scenario has 91 steps at 10 Hz with current_time_index 10, after 3 s of unrecorded
// warm-up so that queues and gaps have settled. The SDC is a vehicle valid at every step,
// chosen preferably among those approaching an intersection or the merge; tracks_to_predict
// holds it and up to four moving objects nearest to it, objects_of_interest the SDC and the
// nearest of them. Objects that reach the end of the map become invalid. Road edges run with
// the road on their left, as Waymax's off-road metric expects. Lane polylines are written at
// 0.5 m spacing like WOMD's.
//
// # The ground-truth driver law
//
// The logs are driven by a law deliberately different from IDM, so that an IDM agent is not
// right by construction. Longitudinally each object follows Gipps' (1981) model: after a
// reaction time τ (0.5–0.8 s for drivers) it wants the smaller of the free-road speed
// v + 2.5aτ(1 − v/V)√(0.025 + v/V) and the safe speed −bτ + √(b²τ² + b(2g − vτ + v_l²/b̂)),
// where g is the gap to the leader net of a standstill distance s0, and b̂ the braking rate
// it assumes of the leader. The speed relaxes to that target with time constant τ; the
// acceleration is clamped to [−6, a] m/s² and free driving adds Ornstein–Uhlenbeck noise.
// Parameters vary per driver (desired speed around the limit, a 1.5–2.5 m/s², b 3–4 m/s²);
// cyclists and pedestrians have their own. Red signals, and caution when the stop is
// comfortable (≤ 3.5 m/s²), are stopped leaders at the stop line. Intersection connector
// lanes whose centre lines pass within 3.4 m of each other conflict: a vehicle reserves its
// connector when it gets within its stopping distance and may do so only while no
// conflicting connector is reserved, otherwise it gives way and stops at the line.
// Laterally each object keeps its lane with a smooth random offset (at most 0.2 m for
// vehicles) whose slope sets a small heading deviation; the heading is the direction of the
// velocity. Objects never change lanes.
//
// By construction the logs contain no overlaps and no vehicle or cyclist off the road: a
// final check (separating-axis overlap of the boxes at every step, box corners against the
// road edges) removes any object that would violate this — under 1% of objects, mostly none
// (pedestrians walk on sidewalks, which are off the road, as in WOMD).
//
// # Speed and determinism
//
// A scenario takes about 10–40 ms to generate on one core (measured on a busy 2-core
// machine), so WriteShards produces thousands per minute.
// Generate is a pure function of its Options; NthOptions derives the options of the i-th
// scenario of a data set and WriteShards writes data sets as TFRecord shards, in parallel
// and byte-identically for the same options.
package synth
