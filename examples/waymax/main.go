// Command waymax evaluates driving agents in the sim package's Waymax-style simulator and
// prints the paper's benchmark table for the self-driving car (SDC): off-road, collision and
// kinematic-infeasibility rates (the share of scenarios where each happens at any step), the
// average displacement error from the log (ADE) and route progress.
//
// By default it generates synthetic scenarios (package sim/synth), writes them as WOMD
// TFRecord shards and reads them back; -data evaluates WOMD files instead. Behaviour-cloning
// agents are trained on the fly on a training split. One GIF per agent shows a rollout.
//
//	go run ./examples/waymax                       # all agents, synthetic data
//	go run ./examples/waymax -sim-agents idm       # other objects driven by IDM
//	go run ./examples/waymax -data 'womd/validation.tfrecord-*' -json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/tenet-ml/tenet/examples/internal/report"
	"github.com/tenet-ml/tenet/sim"
	"github.com/tenet-ml/tenet/sim/synth"
	"github.com/tenet-ml/tenet/sim/womd"
)

var allAgents = []string{"expert-delta", "expert-bicycle", "constant-velocity", "idm", "bc-delta", "bc-bicycle"}

type config struct {
	seed                    uint64
	data, agents, simAgents string
	train, eval, epochs     int
	lookahead               float64
	out                     string
	json                    bool
	workers                 int
}

// row is one line of the benchmark table.
type row struct {
	Agent       string  `json:"agent"`
	Scenarios   int     `json:"scenarios"`
	OffRoad     float64 `json:"offroad_pct"`
	Collision   float64 `json:"collision_pct"`
	Infeasible  float64 `json:"kinematic_infeasibility_pct"`
	ADE         float64 `json:"ade_m"`
	Progress    float64 `json:"route_progress_pct"`
	offN, colN  int
	infN, progN int
	adeSum      float64
	adeN        int
	progSum     float64
}

type finding = report.Finding

func main() {
	var c config
	flag.Uint64Var(&c.seed, "seed", 1, "random seed (data generation, BC training)")
	flag.StringVar(&c.data, "data", "", "comma-separated WOMD TFRecord files or globs (default: synthetic scenarios)")
	flag.StringVar(&c.agents, "agents", strings.Join(allAgents, ","), "agents to evaluate controlling the SDC")
	flag.StringVar(&c.simAgents, "sim-agents", "log", "what drives the other objects: log or idm")
	flag.IntVar(&c.train, "train", 200, "training scenarios for the BC agents")
	flag.IntVar(&c.eval, "eval", 100, "evaluation scenarios")
	flag.IntVar(&c.epochs, "epochs", 10, "BC training epochs")
	flag.Float64Var(&c.lookahead, "idm-lookahead", 10, "IDM look-ahead in metres (Waymax's default is 10)")
	flag.StringVar(&c.out, "out", "waymax-out", "directory for the GIFs (empty: none)")
	flag.BoolVar(&c.json, "json", false, "print one JSON object in the common schema instead of the table")
	flag.IntVar(&c.workers, "workers", runtime.GOMAXPROCS(0), "parallel rollouts")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "waymax:", err)
		os.Exit(1)
	}
}

func logf(format string, a ...any) { fmt.Fprintf(os.Stderr, format+"\n", a...) }

func run(c config) error {
	start := time.Now()
	agents := strings.Split(c.agents, ",")
	for _, a := range agents {
		if !contains(allAgents, a) {
			return fmt.Errorf("unknown agent %q (known: %s)", a, strings.Join(allAgents, ", "))
		}
	}
	if c.simAgents != "log" && c.simAgents != "idm" {
		return fmt.Errorf("-sim-agents must be log or idm, not %q", c.simAgents)
	}
	trainSet, evalSet, err := loadData(c)
	if err != nil {
		return err
	}
	logf("data: %d training and %d evaluation scenarios (%.1fs)", len(trainSet), len(evalSet), time.Since(start).Seconds())

	// Train the BC agents that were asked for.
	bc := map[string]*sim.BCPolicy{}
	for _, name := range agents {
		var dyn sim.Dynamics
		switch name {
		case "bc-delta":
			dyn = sim.DeltaLocal{}
		case "bc-bicycle":
			dyn = sim.Bicycle{}
		default:
			continue
		}
		if len(trainSet) == 0 {
			return fmt.Errorf("%s needs training scenarios", name)
		}
		t0 := time.Now()
		p, err := sim.TrainBC(context.Background(), trainSet, dyn, sim.BCConfig{Epochs: c.epochs, Seed: c.seed}, func(e int, loss float64) {
			logf("  %s epoch %d/%d: loss %.4f", name, e+1, c.epochs, loss)
		})
		if err != nil {
			return err
		}
		logf("trained %s in %.1fs", name, time.Since(t0).Seconds())
		bc[name] = p
	}

	rows := make([]*row, len(agents))
	for k, name := range agents {
		t0 := time.Now()
		rows[k] = evaluate(c, name, bc[name], evalSet)
		logf("evaluated %s in %.1fs", name, time.Since(t0).Seconds())
		if c.out != "" && len(evalSet) > 0 {
			if err := writeGIF(c, name, bc[name], evalSet[0]); err != nil {
				return err
			}
		}
	}
	findings := computeFindings(rows)
	if c.json {
		return printJSON(c, rows, findings)
	}
	printTable(rows, findings)
	logf("total %.1fs", time.Since(start).Seconds())
	return nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// loadData reads (or generates, writes and reads back) the scenarios and splits them.
func loadData(c config) (train, eval []*sim.Scenario, err error) {
	var paths []string
	if c.data == "" {
		dir, err := os.MkdirTemp("", "waymax-synth-")
		if err != nil {
			return nil, nil, err
		}
		defer os.RemoveAll(dir)
		logf("generating %d synthetic scenarios…", c.train+c.eval)
		paths, err = synth.WriteShards(dir, c.train+c.eval, synth.Options{Seed: c.seed})
		if err != nil {
			return nil, nil, err
		}
	} else {
		paths, err = womd.ExpandPaths(c.data)
		if err != nil {
			return nil, nil, err
		}
	}
	var all []*sim.Scenario
	bad := 0
	for ws, err := range womd.Scenarios(paths...) {
		if err != nil {
			bad++
			logf("skipping: %v", err)
			continue
		}
		sc, err := sim.FromScenario(ws, sim.ConvertConfig{})
		if err != nil {
			bad++
			logf("skipping: %v", err)
			continue
		}
		all = append(all, sc)
		if len(all) >= c.train+c.eval {
			break
		}
	}
	if len(all) == 0 {
		return nil, nil, errors.New("no usable scenarios")
	}
	ne := min(c.eval, len(all))
	if c.data != "" && len(all) < c.train+c.eval {
		// Keep the requested evaluation size and train on what is left.
		ne = min(c.eval, len(all)/2+1)
	}
	return all[:len(all)-ne], all[len(all)-ne:], nil
}

// composition returns the groups for one agent driving the SDC of sc, plus the sim agents.
func composition(c config, name string, p *sim.BCPolicy, sc *sim.Scenario) []sim.Group {
	sdc := []int{sc.SDC}
	var g sim.Group
	switch name {
	case "expert-delta":
		g = sim.Group{Objects: sdc, Actor: sim.Expert{}, Dynamics: sim.DeltaGlobal{}}
	case "expert-bicycle":
		g = sim.Group{Objects: sdc, Actor: sim.Expert{}, Dynamics: sim.Bicycle{}}
	case "constant-velocity":
		g = sim.Group{Objects: sdc, Actor: sim.ConstantVelocity{}, Dynamics: sim.StateDynamics{}}
	case "idm":
		idm := sim.NewIDM()
		idm.LookAhead = float32(c.lookahead)
		g = sim.Group{Objects: sdc, Actor: idm, Dynamics: sim.StateDynamics{}}
	case "bc-delta", "bc-bicycle":
		g = sim.Group{Objects: sdc, Actor: p, Dynamics: p.Dynamics}
	}
	groups := []sim.Group{g}
	if c.simAgents == "idm" {
		var others []int
		for i := range sc.Log.NumObjects {
			if i != sc.SDC {
				others = append(others, i)
			}
		}
		idm := sim.NewIDM()
		idm.LookAhead = float32(c.lookahead)
		groups = append(groups, sim.Group{Objects: others, Actor: idm, Dynamics: sim.StateDynamics{}})
	}
	return groups
}

// scenarioResult is what one rollout contributes to a row.
type scenarioResult struct {
	off, col, inf bool
	adeSum        float64
	adeN          int
	progress      float64
	progValid     bool
}

func rollout(c config, name string, p *sim.BCPolicy, sc *sim.Scenario, rec *sim.GIFRecorder) scenarioResult {
	sm := sim.NewSimulator(sc, composition(c, name, p, sc)...)
	ms, _ := sim.NewMetricSet(sc.Log.NumObjects, sim.MetricOffRoad, sim.MetricOverlap, sim.MetricKinematicInfeasibility, sim.MetricLogDivergence, sim.MetricProgression)
	var r scenarioResult
	i := sc.SDC
	if rec != nil {
		rec.Add(sm.State)
	}
	for !sm.State.Done() {
		sm.Step()
		ms.Compute(sm.State)
		if rec != nil {
			rec.Add(sm.State)
		}
		r.off = r.off || (ms.Valid[0][i] && ms.Value[0][i] > 0)
		r.col = r.col || (ms.Valid[1][i] && ms.Value[1][i] > 0)
		r.inf = r.inf || (ms.Valid[2][i] && ms.Value[2][i] > 0)
		if ms.Valid[3][i] {
			r.adeSum += float64(ms.Value[3][i])
			r.adeN++
		}
		if ms.Valid[4][i] {
			r.progress, r.progValid = float64(ms.Value[4][i]), true
		}
	}
	return r
}

func evaluate(c config, name string, p *sim.BCPolicy, scs []*sim.Scenario) *row {
	res := make([]scenarioResult, len(scs))
	var wg sync.WaitGroup
	workers := max(1, c.workers)
	for w := range workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var pw *sim.BCPolicy
			if p != nil {
				pw = p.Clone()
			}
			for k := w; k < len(scs); k += workers {
				res[k] = rollout(c, name, pw, scs[k], nil)
			}
		}(w)
	}
	wg.Wait()
	r := &row{Agent: name, Scenarios: len(scs)}
	for _, s := range res {
		if s.off {
			r.offN++
		}
		if s.col {
			r.colN++
		}
		if s.inf {
			r.infN++
		}
		// ADE per scenario, averaged over scenarios.
		if s.adeN > 0 {
			r.adeSum += s.adeSum / float64(s.adeN)
			r.adeN++
		}
		if s.progValid {
			r.progSum += s.progress
			r.progN++
		}
	}
	n := float64(max(len(scs), 1))
	r.OffRoad, r.Collision, r.Infeasible = 100*float64(r.offN)/n, 100*float64(r.colN)/n, 100*float64(r.infN)/n
	if r.adeN > 0 {
		r.ADE = r.adeSum / float64(r.adeN)
	}
	if r.progN > 0 {
		r.Progress = 100 * r.progSum / float64(r.progN)
	}
	return r
}

func writeGIF(c config, name string, p *sim.BCPolicy, sc *sim.Scenario) error {
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	var pw *sim.BCPolicy
	if p != nil {
		pw = p.Clone()
	}
	rec := &sim.GIFRecorder{Config: sim.RenderConfig{Width: 360, Height: 360, Span: 100}}
	rollout(c, name, pw, sc, rec)
	path := filepath.Join(c.out, "waymax-"+name+".gif")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := rec.Encode(f); err != nil {
		f.Close()
		return err
	}
	logf("wrote %s (%d frames)", path, rec.Len())
	return f.Close()
}

// se is the binomial standard error of a percentage over n scenarios.
func se(pct float64, n int) float64 {
	if n == 0 {
		return 0
	}
	p := pct / 100
	return 100 * math.Sqrt(p*(1-p)/float64(n))
}

func computeFindings(rows []*row) []finding {
	by := map[string]*row{}
	for _, r := range rows {
		by[r.Agent] = r
	}
	bad := func(r *row) float64 { return r.OffRoad + r.Collision }
	var fs []finding
	if e := by["expert-delta"]; e != nil {
		v := max(e.OffRoad, e.Collision, e.Infeasible)
		fs = append(fs, finding{ID: "expert-near-zero",
			Claim: "log playback under delta dynamics is near zero: ADE below 0.01 m and off-road, collision and infeasibility rates each at most 5%",
			Holds: e.ADE < 0.01 && v <= 5, Value: v, Baseline: 5, Stderr: se(v, e.Scenarios), N: e.Scenarios})
	}
	cv := by["constant-velocity"]
	if cv != nil {
		worst, worstName := -1.0, ""
		for _, r := range rows {
			if r.Agent != "constant-velocity" && bad(r) > worst {
				worst, worstName = bad(r), r.Agent
			}
		}
		if worstName != "" {
			fs = append(fs, finding{ID: "constant-velocity-worst",
				Claim: "constant velocity has the highest off-road + collision rate of the agents (baseline: the next worst, " + worstName + ")",
				Holds: bad(cv) >= worst, Value: bad(cv), Baseline: worst, Stderr: se(bad(cv)/2, cv.Scenarios) * math.Sqrt2, N: cv.Scenarios})
		}
	}
	e := by["expert-bicycle"]
	if e == nil {
		e = by["expert-delta"]
	}
	for _, name := range []string{"bc-delta", "bc-bicycle"} {
		b := by[name]
		if b == nil || cv == nil || e == nil {
			continue
		}
		fs = append(fs, finding{ID: name + "-between",
			Claim: name + "'s off-road + collision rate lies between the expert's (" + e.Agent + ") and constant velocity's, inclusive; baseline is constant velocity",
			Holds: bad(e) <= bad(b) && bad(b) <= bad(cv), Value: bad(b), Baseline: bad(cv), Stderr: se(bad(b)/2, b.Scenarios) * math.Sqrt2, N: b.Scenarios})
	}
	if idm := by["idm"]; idm != nil {
		least, leastName := math.Inf(1), ""
		for _, r := range rows {
			if r.Agent == "idm" || strings.HasPrefix(r.Agent, "expert") {
				continue
			}
			if r.Collision < least {
				least, leastName = r.Collision, r.Agent
			}
		}
		if leastName != "" {
			fs = append(fs, finding{ID: "idm-collides-least",
				Claim: "IDM has the lowest collision rate among the non-expert agents (baseline: the lowest other, " + leastName + ")",
				Holds: idm.Collision <= least, Value: idm.Collision, Baseline: least, Stderr: se(idm.Collision, idm.Scenarios), N: idm.Scenarios})
		}
	}
	return fs
}

func printTable(rows []*row, fs []finding) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "agent\tscenarios\toff-road %\tcollision %\tkin. infeasible %\tADE (m)\troute progress %\t")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%d\t%.1f\t%.1f\t%.1f\t%.3f\t%.1f\t\n", r.Agent, r.Scenarios, r.OffRoad, r.Collision, r.Infeasible, r.ADE, r.Progress)
	}
	w.Flush()
	fmt.Println()
	for _, f := range fs {
		mark := "holds"
		if !f.Holds {
			mark = "DOES NOT HOLD"
		}
		fmt.Printf("%-26s %-13s value %.2f baseline %.2f (±%.2f, n=%d): %s\n", f.ID, mark, f.Value, f.Baseline, f.Stderr, f.N, f.Claim)
	}
}

func printJSON(c config, rows []*row, fs []finding) error {
	rep := report.New("waymax", c.seed, map[string]any{"data": c.data, "agents": c.agents, "sim_agents": c.simAgents,
		"train": c.train, "eval": c.eval, "epochs": c.epochs, "idm_lookahead": c.lookahead})
	rep.Tables["benchmark"] = report.Rows(rows)
	rep.Findings = append(rep.Findings, fs...)
	return rep.WriteJSON(os.Stdout)
}
