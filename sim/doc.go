// Package sim is a data-driven driving simulator in the manner of Waymax (Gulino et al.,
// "Waymax: An Accelerated, Data-Driven Simulator for Large-Scale Autonomous Driving
// Research", arXiv 2310.08710): scenes initialised from logged data, stepped forward under
// logged, scripted or learned agents, and scored by the metrics driving planners are judged
// by.
//
// # Time layout
//
// A Waymo Open Motion Dataset (WOMD) scenario holds 91 steps at 10 Hz: 10 steps of history,
// the current step (index 10) and 80 steps of future. A simulation starts at the current step
// (Scenario.InitStep) and runs 80 steps to the end of the log; SimulatorState.Timestep is
// the step the state describes. Steps are DefaultDt = 0.1 s apart.
//
// # State
//
// Everything is a structure of float32 arrays, as in Waymax's datatypes:
//
//   - Trajectory: x, y, z, vel_x, vel_y, yaw, length, width, height, valid and timestamp of
//     each object at each step (objects × steps, object-major).
//   - ObjectMetadata: ids, types (0 unset, 1 vehicle, 2 pedestrian, 3 cyclist, 4 other),
//     is_sdc, is_modeled, objects_of_interest, is_controlled.
//   - RoadgraphPoints: the map as points with the unit direction to the next point of their
//     polyline, a type code (lanes 0–3, road lines 5–13, road edges 14–16, stop sign 17,
//     crosswalk 18, speed bump 19), the feature id and a valid flag (RoadgraphFromPolylines).
//   - TrafficLights: per signal and step, the stop point, state (0 unknown, 1–3 arrow
//     stop/caution/go, 4–6 stop/caution/go, 7–8 flashing stop/caution), lane id and validity.
//   - Paths: the SDC's candidate routes (points, arc length, on-route flag), which WOMD does
//     not carry; BuildRoutePaths derives them from the lane graph along the SDC's logged path.
//   - Scenario bundles the log; SimulatorState adds the simulated trajectory and the step.
//
// FromScenario converts a sim/womd scenario (as read from TFRecord files) with WOMD's
// default caps: 128 objects, 30,000 roadgraph points, 16 traffic lights.
//
// # Dynamics
//
// A Dynamics model maps a state and an action to the next state and inverts a transition
// back to an action, which is how log playback works in any action space (Expert). The
// models are:
//
//   - Bicycle, Waymax's invertible kinematic bicycle with action (a, κ), a ∈ [−6, 6] m/s²,
//     κ ∈ [−0.3, 0.3] 1/m: x' = x + vₓt + ½a·cos(yaw)t², y' likewise with sin,
//     yaw' = yaw + κ(vt + ½at²), v' = v + at along yaw'; inverse a = (v₁ − v₀)/t,
//     κ = wrap(atan2(v₁) − yaw₀)/(v₀t + ½at²), with κ = 0 below 0.6 m/s.
//   - DeltaGlobal (dx, dy, dyaw; ±6 m, ±6 m, ±π) and DeltaLocal (the same in the object's
//     frame); velocity becomes displacement/dt.
//   - StateDynamics: the action is the next (x, y, yaw, vel_x, vel_y).
//   - Discretized: any bounded model on a grid of bins, one integer action.
//
// Every object belongs to at most one Group (an Actor driving a set of objects through one
// Dynamics model); objects in no group follow the log. A Simulator steps a composition of
// groups; Batch steps many simulators across cores with results independent of the number
// of workers.
//
// # Agents
//
// Expert (log playback through the inverse dynamics), ConstantVelocity (keeps speed and
// heading), IDM (the intelligent driver model following the smoothed logged path, Waymax's
// defaults v0 30 m/s, s0 2 m, T 2 s, a 2, b 4, δ 4 and a configurable look-ahead, 10 m by
// default, with braking bounded at 10 m/s²) and
// BCPolicy (behaviour cloning: an MLP on the Observer's ego-centric features — nearby
// objects, roadgraph points, route points, the nearest signal — trained with package
// autodiff on actions inferred from the log, in a delta or bicycle action space).
//
// # Metrics
//
// Metrics are pure functions of the state at its current step (MetricFunc), registered by
// name (RegisterMetric adds user metrics; MetricSet evaluates several):
//
//   - overlap: a box intersects another valid object's box (separating-axis test on the four
//     edge normals, after a bounding-circle test).
//   - offroad: a box corner has positive signed distance to the nearest road-edge point of
//     boundary or median type; the sign is that of the cross product of the corner's offset
//     with the edge direction (edges run with the road on their left), the smaller of the two
//     at a vertex. A uniform grid (Grid) indexes the edge points.
//   - log_divergence: distance from the logged position; its mean over a rollout is the ADE.
//   - kinematic_infeasibility: the bicycle inverse of the last transition needs |a| > 10.4
//     m/s² or |κ| > 0.3 1/m.
//   - wrong_way (farther than 3.5 m from every route path), off_route (farther than 5 m from
//     the on-route paths, or 2 m farther than from an off-route one) and sdc_progression
//     (arc length travelled along the nearest on-route path relative to the log's).
//
// # Environments
//
// PlanningEnv (the SDC alone, other objects on the log or a sim agent) and MultiAgentEnv
// (every controlled object, per-object rewards and dones) implement tenet.Environment; the
// reward is a weighted sum of registered metrics.
//
// # Rendering
//
// Render, WritePNG and GIFRecorder draw scenes and rollouts with the standard library's image
// packages: roadgraph by type, boxes by type with the SDC highlighted, signal states, and the
// logged and simulated paths.
//
// # Performance
//
// A step of a 128-object, 30,000-point scene with overlap, off-road and log-divergence
// metrics takes about 0.12 ms of CPU time (about 8,500 scenario-steps per CPU-second) and
// allocates nothing in steady state; see BenchmarkStep and BenchmarkStepBatched.
//
// # Simplifications relative to Waymax
//
//   - No JAX-style batching of scenarios in one array; Batch runs independent simulators in
//     parallel instead, and states are per scenario.
//   - The off-road distance is to the nearest road-edge point, as in Waymax, so its magnitude
//     carries the point spacing as error; only its sign decides the metric.
//   - IDM moves objects by arc length along their logged path smoothed by a moving average,
//     with heading interpolated along the smoothed path and turned at most
//     0.95·InfeasibleCurvature per metre (Waymax projects onto the nearest raw logged
//     waypoint's heading), bounds braking at 10 m/s² (Waymax does not bound it), places its
//     look-ahead boxes along the path rather than straight ahead, and keeps objects whose
//     logged path is shorter than 1 m parked. Under StateDynamics its steps are
//     kinematically feasible.
//   - Route paths are derived from the lane graph (WOMD has none): lane changes after the
//     start are not followed; when no path ends near the SDC's last logged position the
//     closest one is marked on route.
//   - Progression counts from the log at the initial step (Waymax counts from step 0).
//   - The kinematic-infeasibility test tolerates float32 rounding (1e-2 m/s², 1e-3 1/m).
//   - The BC policy regresses continuous actions with mean squared error and adds
//     perturbed, corrective examples (DART-style); Waymax's released baselines differ.
package sim
