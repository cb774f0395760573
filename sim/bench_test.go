package sim

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// bigScene builds a 128-object, 30,000-roadgraph-point scene: a grid of two-lane roads
// (lane centres, centre lines and road edges sampled every 0.5 m) with vehicles driving
// along them.
func bigScene(seed uint64) *Scenario {
	rng := rand.New(rand.NewPCG(seed, 99))
	const T, n = DefaultNumSteps, DefaultMaxObjects
	var lines []Polyline
	id := int32(0)
	add := func(typ RoadType, x0, y0, x1, y1 float32) {
		m := int(hypot32(x1-x0, y1-y0)/0.5) + 1
		pts := make([][3]float32, m)
		for k := range m {
			f := float32(k) / float32(m-1)
			pts[k] = [3]float32{x0 + f*(x1-x0), y0 + f*(y1-y0), 0}
		}
		id++
		lines = append(lines, Polyline{ID: id, Type: typ, Points: pts})
	}
	// Six east–west roads 60 m apart, 500 m long: 5 polylines each, 1,001 points a line.
	for r := range 6 {
		y := float32(60 * r)
		add(RoadEdgeBoundary, -250, y-4, 250, y-4)
		add(RoadEdgeBoundary, 250, y+4, -250, y+4)
		add(RoadLaneSurface, -250, y-1.75, 250, y-1.75)
		add(RoadLaneSurface, 250, y+1.75, -250, y+1.75)
		add(RoadLineSolidDoubleYellow, -250, y, 250, y)
	}
	log := NewTrajectory(n, T)
	meta := NewObjectMetadata(n)
	for i := range n {
		r := i % 6
		east := (i/6)%2 == 0
		y := float32(60*r) - 1.75
		yaw := float32(0)
		v := float32(8 + 6*rng.Float64())
		x0 := float32(-150 + 300*rng.Float64())
		if !east {
			y, yaw, v = y+3.5, math.Pi, -v
		}
		meta.Types[i] = ObjectVehicle
		meta.IDs[i] = int32(i)
		for t := range T {
			k := i*T + t
			log.X[k] = x0 + v*float32(t)*0.1
			log.Y[k] = y + 0.05*float32(math.Sin(float64(t)*0.3))
			log.VelX[k], log.Yaw[k] = abs32(v)*float32(math.Cos(float64(yaw))), yaw
			log.Length[k], log.Width[k], log.Height[k] = 4.5, 2, 1.5
			log.Valid[k] = true
		}
	}
	meta.IsSDC[0] = true
	rg := RoadgraphFromPolylines(lines, DefaultMaxRoadgraphPoints, 0, 0)
	return &Scenario{ID: "bench", Log: log, Meta: meta, SDC: 0, InitStep: DefaultInitStep, Dt: DefaultDt,
		Roadgraph: rg, Lights: NewTrafficLights(0, T)}
}

func benchMetrics(b *testing.B, n int) *MetricSet {
	ms, err := NewMetricSet(n, MetricOverlap, MetricOffRoad, MetricLogDivergence)
	if err != nil {
		b.Fatal(err)
	}
	return ms
}

func allObjects(n int) []int {
	o := make([]int, n)
	for i := range o {
		o[i] = i
	}
	return o
}

// BenchmarkStep: one 128-object, 30,000-point scenario; every object driven by the expert
// through the bicycle model; overlap, off-road and log divergence every step.
func BenchmarkStep(b *testing.B) {
	sc := bigScene(1)
	if sc.Roadgraph.Len() != DefaultMaxRoadgraphPoints {
		b.Fatalf("%d roadgraph points", sc.Roadgraph.Len())
	}
	sm := NewSimulator(sc, Group{Objects: allObjects(128), Actor: Expert{}, Dynamics: Bicycle{}})
	ms := benchMetrics(b, 128)
	sc.EdgeIndex()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		if sm.State.Done() {
			sm.Reset(sc)
		}
		sm.Step()
		ms.Compute(sm.State)
	}
	reportSteps(b, b.N, processCPU()-cpu0)
}

// BenchmarkStepBatched: the same work over many scenarios stepped in parallel on
// GOMAXPROCS workers; steps/s counts scenario-steps.
func BenchmarkStepBatched(b *testing.B) {
	const nsc = 8
	sims := make([]*Simulator, nsc)
	sets := make([]*MetricSet, nsc)
	for i := range sims {
		sc := bigScene(uint64(i + 1))
		sc.EdgeIndex()
		sims[i] = NewSimulator(sc, Group{Objects: allObjects(128), Actor: Expert{}, Dynamics: Bicycle{}})
		sets[i] = benchMetrics(b, 128)
	}
	batch := NewBatch(sims, runtime.GOMAXPROCS(0))
	defer batch.Close()
	step := func(i int, sm *Simulator) {
		if sm.State.Done() {
			sm.Reset(sm.State.Scenario)
		}
		sm.Step()
		sets[i].Compute(sm.State)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		batch.Do(step)
	}
	reportSteps(b, b.N*nsc, processCPU()-cpu0)
}

// reportSteps reports scenario-steps per wall-clock second and per CPU-second (the latter is
// what a dedicated core would reach when the machine is shared).
func reportSteps(b *testing.B, steps int, cpu time.Duration) {
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
	if cpu > 0 {
		b.ReportMetric(float64(steps)/cpu.Seconds(), "steps/cpu-s")
	}
}

func TestStepDoesNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation test skipped in short mode")
	}
	sc := bigScene(2)
	sm := NewSimulator(sc, Group{Objects: allObjects(128), Actor: Expert{}, Dynamics: Bicycle{}})
	ms, _ := NewMetricSet(128, MetricOverlap, MetricOffRoad, MetricLogDivergence, MetricKinematicInfeasibility)
	sm.Step()
	ms.Compute(sm.State)
	allocs := testing.AllocsPerRun(20, func() {
		if sm.State.Done() {
			sm.Reset(sc)
		}
		sm.Step()
		ms.Compute(sm.State)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per step", allocs)
	}
}

func TestBatchDeterministic(t *testing.T) {
	run := func(workers int) []float32 {
		sims := make([]*Simulator, 5)
		for i := range sims {
			sims[i] = NewSimulator(testScene(10), Group{Objects: []int{0, 1, 2}, Actor: NewIDM(), Dynamics: Bicycle{}})
		}
		b := NewBatch(sims, workers)
		defer b.Close()
		for range 80 {
			b.Step()
		}
		var out []float32
		for _, sm := range sims {
			out = append(out, sm.State.Sim.X...)
		}
		return out
	}
	a, c := run(1), run(3)
	for i := range a {
		if a[i] != c[i] {
			t.Fatalf("entry %d differs between 1 and 3 workers", i)
		}
	}
}
