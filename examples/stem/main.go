// Command stem reproduces the microscopy system of "Learning and controlling silicon dopant
// transitions in graphene using scanning transmission electron microscopy" (arXiv 2311.17894)
// end to end on the simulator of package stem: simulate a microscope session, image it,
// process the frames into symbolic transitions, train the transition model, and steer a
// silicon atom to goals with it.
//
// Usage:
//
//	go run ./examples/stem [-seed 1] [-transitions 20000] [-test 5000] [-episodes 200] [-json] [-out stem-out]
//
// Progress goes to stderr, the results tables to stdout (or one JSON object with -json), and
// three PNGs to -out: a synthetic frame with the detected atoms, the true and learned rate
// maps, and one silicon trajectory to its goal.
package main

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tenet-ml/tenet/examples/internal/report"
	"github.com/tenet-ml/tenet/stem"
)

type finding = report.Finding

func main() {
	seed := flag.Uint64("seed", 1, "random seed")
	nTrain := flag.Int("transitions", 20000, "training transitions (kept after the pipeline)")
	nTest := flag.Int("test", 5000, "held-out transitions")
	episodes := flag.Int("episodes", 200, "control episodes per controller")
	mixtures := flag.Int("mixtures", 3, "randomised-mixture ground truths to report (the physical model is always added)")
	members := flag.Int("members", 1, "bootstrap ensemble members (1 = a single network)")
	epochs := flag.Int("epochs", 60, "training epochs")
	workers := flag.Int("workers", 2, "goroutines for simulation, training and evaluation")
	goalMax := flag.Float64("goal", 30, "largest goal distance in ångström")
	outDir := flag.String("out", "stem-out", "directory for the PNG figures (empty: none)")
	asJSON := flag.Bool("json", false, "print one JSON object instead of tables")
	flag.Parse()

	start := time.Now()
	ctx := context.Background()
	rep := report.New("stem", *seed, map[string]any{"transitions": *nTrain, "test": *nTest, "episodes": *episodes, "mixtures": *mixtures,
		"members": *members, "epochs": *epochs, "workers": *workers, "goal": *goalMax, "truth": "gaussian-prior"})
	logf := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, "[%6.1fs] "+format+"\n", append([]any{time.Since(start).Seconds()}, a...)...)
	}
	bar := func(label string) func(done, total int) {
		last := -1
		return func(done, total int) {
			pct := 100 * done / max(total, 1)
			if pct != last {
				last = pct
				fmt.Fprintf(os.Stderr, "\r  %s %3d%%", label, pct)
				if done >= total {
					fmt.Fprintln(os.Stderr)
				}
			}
		}
	}

	// 1. Simulate a microscope session under the Gaussian prior, image every frame and run the
	// pipeline on the detected atoms.
	truth := stem.DefaultPrior()
	rc := stem.RecordConfig{Truth: truth}
	want := *nTrain + *nTest
	logf("simulating and imaging ≈%d dwells", want*107/100)
	series, err := stem.Record(ctx, rc, want*107/100, *seed, *workers, bar("record"))
	check(err)
	var stats stem.PipelineStats
	var data []stem.Transition
	hopsTrue, agree := 0, 0
	for _, s := range series {
		tr := stem.Extract(s.Atoms, s.Beams, stem.PipelineConfig{}, &stats)
		for _, t := range tr {
			if (t.Label != stem.NoHop) == (s.Hops[t.Frame] > 0) {
				agree++
			}
		}
		data = append(data, tr...)
		for _, h := range s.Hops {
			if h > 0 {
				hopsTrue++
			}
		}
	}
	if len(data) < want {
		logf("warning: only %d transitions kept, wanted %d", len(data), want)
	}
	split := min(*nTrain, len(data)*4/5)
	train, test := data[:split], data[split:min(len(data), split+*nTest)]
	hopsKept := 0
	for _, t := range data {
		if t.Label != stem.NoHop {
			hopsKept++
		}
	}
	dsRow := map[string]any{"frames": stats.Frames, "pairs": stats.Pairs, "kept": stats.Kept, "train": len(train), "test": len(test),
		"hop_fraction_kept": float64(hopsKept) / float64(max(len(data), 1)), "hop_fraction_true": float64(hopsTrue) / float64(max(stats.Pairs, 1)),
		"hop_label_agreement": float64(agree) / float64(max(len(data), 1))}
	reasons := make([]string, 0, len(stats.Dropped))
	for r := range stats.Dropped {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		dsRow["dropped_"+r] = stats.Dropped[r]
	}
	rep.Tables["dataset"] = []map[string]any{dsRow}
	logf("pipeline kept %d of %d frame pairs", stats.Kept, stats.Pairs)

	// 2. Train the transition model and the baselines; score them on held-out transitions.
	cfg := stem.NetConfig{Epochs: *epochs, Seed: *seed}
	var model stem.RateModel
	var net *stem.RateNet
	if *members > 1 {
		logf("training a %d-member bootstrap ensemble", *members)
		ens, err := stem.TrainEnsemble(ctx, train, cfg, *members, *workers, func(m int, p stem.TrainProgress) {
			fmt.Fprintf(os.Stderr, "\r  member %d epoch %3d/%d loss %.4f", m, p.Epoch, p.Epochs, p.Loss)
		})
		check(err)
		fmt.Fprintln(os.Stderr)
		model = ens
	} else {
		logf("training the rate network")
		net, err = stem.TrainRateNet(ctx, train, cfg, func(p stem.TrainProgress) {
			fmt.Fprintf(os.Stderr, "\r  epoch %3d/%d loss %.4f", p.Epoch, p.Epochs, p.Loss)
		})
		check(err)
		fmt.Fprintln(os.Stderr)
		model = net
	}
	logf("fitting baselines")
	models := []struct {
		name string
		m    stem.RateModel
	}{
		{"learned", model},
		{"constant", stem.FitConstant(train)},
		{"knn", stem.FitKNN(train)},
		{"histogram", stem.FitHistogram(train)},
		{"ground truth (floor)", truth},
	}
	nll := map[string]float64{}
	exc := map[string][2]float64{}
	for _, e := range models {
		m, se := stem.MeanNLL(e.m, test)
		x, xse := stem.ExcessNLL(e.m, truth, test)
		cal := stem.HopCalibration(e.m, test, 10)
		nll[e.name] = m
		exc[e.name] = [2]float64{x, xse}
		row := map[string]any{"model": e.name, "nll": m, "nll_se": se, "excess": x, "excess_se": xse, "ece": cal.ECE}
		switch v := e.m.(type) {
		case *stem.KNN:
			row["k"] = v.K
		case *stem.Histogram:
			row["bin"] = v.Bin
		}
		rep.Tables["nll"] = append(rep.Tables["nll"], row)
	}
	for _, b := range stem.HopCalibration(model, test, 10).Bins {
		rep.Tables["calibration"] = append(rep.Tables["calibration"], map[string]any{"predicted": b.Predicted, "observed": b.Observed, "n": b.N})
	}
	bestBase := math.Min(nll["constant"], math.Min(nll["knn"], nll["histogram"]))
	rep.Findings = append(rep.Findings,
		finding{ID: "excess-nll-prior", Claim: "learned model's held-out NLL exceeds the ground-truth floor by at most 0.02 nats/transition (Gaussian prior)",
			Holds: exc["learned"][0] <= 0.02, Value: exc["learned"][0], Baseline: 0.02, Stderr: exc["learned"][1], N: len(test)},
		finding{ID: "learned-beats-baselines", Claim: "learned model's held-out NLL is below that of every baseline (constant, k-NN, histogram)",
			Holds: nll["learned"] < bestBase, Value: nll["learned"], Baseline: bestBase, Stderr: exc["learned"][1], N: len(test)})

	// 3. Robustness: randomised Gaussian-mixture ground truths and the physical model, symbolic
	// data of the same size.
	mixRng := rand.New(rand.NewPCG(*seed, 77))
	type robust struct {
		name string
		m    stem.RateModel
	}
	var truths []robust
	for i := range *mixtures {
		truths = append(truths, robust{fmt.Sprintf("mixture-%d", i+1), stem.NewRandomMixture(3, 0.3, mixRng)})
	}
	truths = append(truths, robust{"physical", stem.DefaultPhysical()})
	for i, rt := range truths {
		logf("%s: simulating and training", rt.name)
		tr, _ := stem.SimulateTransitions(rt.m, len(train), stem.DefaultProtocol(), mixRng)
		te, _ := stem.SimulateTransitions(rt.m, len(test), stem.DefaultProtocol(), mixRng)
		mc := cfg
		mc.Seed = *seed + uint64(i) + 100
		mnet, err := stem.TrainRateNet(ctx, tr, mc, nil)
		check(err)
		x, xse := stem.ExcessNLL(mnet, rt.m, te)
		row := map[string]any{"truth": rt.name, "learned_excess": x, "learned_excess_se": xse}
		best := math.Inf(1)
		for name, b := range map[string]stem.RateModel{"constant": stem.FitConstant(tr), "knn": stem.FitKNN(tr), "histogram": stem.FitHistogram(tr)} {
			bx, _ := stem.ExcessNLL(b, rt.m, te)
			row[name+"_excess"] = bx
			best = math.Min(best, bx)
		}
		floor, _ := stem.MeanNLL(rt.m, te)
		row["floor_nll"] = floor
		rep.Tables["robustness"] = append(rep.Tables["robustness"], row)
		rep.Findings = append(rep.Findings, finding{ID: "excess-nll-" + rt.name,
			Claim: "under the " + rt.name + " ground truth the learned model is within 0.02 nats/transition of the floor and better than every baseline",
			Holds: x <= 0.02 && x < best, Value: x, Baseline: best, Stderr: xse, N: len(te)})
	}

	// 4. Control: steer the silicon to goals up to -goal Å away.
	env := stem.EnvConfig{Truth: truth, GoalMin: 5, GoalMax: *goalMax}
	ccfg := stem.ControllerConfig{}
	oracle := stem.NewController(truth, ccfg)
	learned := stem.NewController(model, ccfg)
	logf("control: oracle beam offset %.2f,%.2f Å (P=%.3f); learned %.2f,%.2f Å", oracle.Best.X, oracle.Best.Y, oracle.BestValue, learned.Best.X, learned.Best.Y)
	const evalSeed = 4242
	oRes, err := stem.Evaluate(ctx, env, oracle, *episodes, evalSeed, 1e5, *workers, bar("oracle"))
	check(err)
	srng := rand.New(rand.NewPCG(*seed, 5))
	oSum := stem.Summarise(oRes, math.Inf(1), srng)
	budget := 3 * oSum.Median
	maxTime := 10 * budget
	results := map[string][]stem.EpisodeResult{"oracle (true rates)": oRes}
	controllers := []struct {
		name string
		run  func() ([]stem.EpisodeResult, error)
	}{
		{"learned", func() ([]stem.EpisodeResult, error) {
			return stem.Evaluate(ctx, env, learned, *episodes, evalSeed, maxTime, *workers, bar("learned"))
		}},
		{"fixed offset (on neighbour)", func() ([]stem.EpisodeResult, error) {
			return stem.Evaluate(ctx, env, stem.FixedOffset{}, *episodes, evalSeed, maxTime, *workers, bar("fixed"))
		}},
		{"random beam", func() ([]stem.EpisodeResult, error) {
			return stem.Evaluate(ctx, env, stem.RandomBeam{}, *episodes, evalSeed, maxTime, *workers, bar("random"))
		}},
	}
	for _, c := range controllers {
		r, err := c.run()
		check(err)
		results[c.name] = r
	}
	sums := map[string]stem.Summary{}
	for _, name := range []string{"oracle (true rates)", "learned", "fixed offset (on neighbour)", "random beam"} {
		s := stem.Summarise(results[name], budget, srng)
		sums[name] = s
		d, dse := stem.PairedDifference(results[name], oRes)
		rep.Tables["control"] = append(rep.Tables["control"], map[string]any{"controller": name, "episodes": s.N,
			"success": s.Success, "budget_s": budget, "median_s": s.Median, "median_lo": s.MedianLo, "median_hi": s.MedianHi,
			"mean_s": s.Mean, "mean_se": s.MeanSE, "minus_oracle_s": d, "minus_oracle_se": dse})
	}
	ls, os_ := sums["learned"], sums["oracle (true rates)"]
	dFix, dFixSE := stem.PairedDifference(results["fixed offset (on neighbour)"], results["learned"])
	rep.Findings = append(rep.Findings,
		finding{ID: "learned-success", Claim: "learned controller reaches ≥ 95% of goals within 3× the oracle's median time",
			Holds: ls.Success >= 0.95, Value: ls.Success, Baseline: 0.95, N: ls.N},
		finding{ID: "learned-median-near-oracle", Claim: "learned controller's median time to goal is within 20% of the oracle's",
			Holds: math.Abs(ls.Median/os_.Median-1) <= 0.2, Value: ls.Median, Baseline: os_.Median, N: ls.N},
		finding{ID: "learned-faster-than-fixed", Claim: "learned controller is faster than the fixed-offset baseline by more than 2 standard errors (paired mean time)",
			Holds: dFix > 2*dFixSE, Value: dFix, Baseline: 2 * dFixSE, Stderr: dFixSE, N: ls.N})

	// 5. Figures.
	if *outDir != "" {
		check(os.MkdirAll(*outDir, 0o755))
		if series[0].First != nil {
			check(drawFrame(filepath.Join(*outDir, "frame.png"), series[0].First, stem.DetectAtoms(series[0].First, stem.DefaultDetect())))
		}
		check(drawRateMaps(filepath.Join(*outDir, "ratemaps.png"), truth, model))
		e := stem.NewEnv(env)
		ep := stem.RunEpisode(e, learned, rand.New(rand.NewPCG(evalSeed, 0)), maxTime, true)
		check(drawTrajectory(filepath.Join(*outDir, "trajectory.png"), e.Lattice(), ep))
		logf("figures in %s", *outDir)
	}
	rep.Tables["timing"] = []map[string]any{{"seconds": time.Since(start).Seconds()}}

	if *asJSON {
		sanitise(rep)
		check(rep.WriteJSON(os.Stdout))
		return
	}
	printTables(rep, len(series))
}

func printTables(rep *report.Report, nSeries int) {
	d := rep.Tables["dataset"][0]
	fmt.Printf("Dataset (Gaussian-prior truth, simulated → imaged → detected → extracted)\n")
	fmt.Printf("  series %d, frames %v, frame pairs %v, kept %v (train %v, test %v)\n", nSeries, d["frames"], d["pairs"], d["kept"], d["train"], d["test"])
	var drops []string
	for k, v := range d {
		if r, ok := strings.CutPrefix(k, "dropped_"); ok {
			drops = append(drops, fmt.Sprintf("%s %v", r, v))
		}
	}
	sort.Strings(drops)
	fmt.Printf("  dropped: %s\n", strings.Join(drops, ", "))
	fmt.Printf("  hop fraction: kept transitions %.4f, all true dwells %.4f; hop/no-hop labels agree with the truth on %.4f of kept\n\n",
		d["hop_fraction_kept"], d["hop_fraction_true"], d["hop_label_agreement"])

	fmt.Printf("Held-out NLL (nats/transition)\n  %-22s %10s %8s %10s %8s %7s\n", "model", "NLL", "±se", "excess", "±se", "ECE")
	for _, r := range rep.Tables["nll"] {
		fmt.Printf("  %-22s %10.5f %8.5f %10.5f %8.5f %7.4f\n", r["model"], r["nll"], r["nll_se"], r["excess"], r["excess_se"], r["ece"])
	}
	fmt.Printf("  reliability of the learned P(hop) (predicted → observed): ")
	for _, b := range rep.Tables["calibration"] {
		fmt.Printf("%.3f→%.3f ", b["predicted"], b["observed"])
	}
	fmt.Println()
	if len(rep.Tables["robustness"]) > 0 {
		fmt.Printf("\nOther ground truths (symbolic data): excess NLL over the floor\n  %-10s %9s %8s %9s %9s %9s %9s\n", "truth", "learned", "±se", "constant", "knn", "histogram", "floor")
		for _, r := range rep.Tables["robustness"] {
			fmt.Printf("  %-10s %9.5f %8.5f %9.5f %9.5f %9.5f %9.5f\n", r["truth"], r["learned_excess"], r["learned_excess_se"], r["constant_excess"], r["knn_excess"], r["histogram_excess"], r["floor_nll"])
		}
	}
	fmt.Printf("\nControl (goals 5–%v Å; budget = 3 × oracle median)\n  %-28s %8s %8s %17s %9s %7s %12s\n", rep.Config["goal"], "controller", "success", "median s", "95% CI", "mean s", "±se", "−oracle s")
	for _, r := range rep.Tables["control"] {
		fmt.Printf("  %-28s %8.3f %8.1f   [%6.1f, %6.1f] %9.1f %7.1f %6.1f ± %.1f\n", r["controller"], r["success"], r["median_s"], r["median_lo"], r["median_hi"], r["mean_s"], r["mean_se"], r["minus_oracle_s"], r["minus_oracle_se"])
	}
	fmt.Printf("  (budget %.1f s)\n\nFindings\n", rep.Tables["control"][0]["budget_s"])
	for _, f := range rep.Findings {
		mark := "MISSED"
		if f.Holds {
			mark = "holds "
		}
		fmt.Printf("  [%s] %-28s value %.4g vs %.4g (se %.2g, n %d): %s\n", mark, f.ID, f.Value, f.Baseline, f.Stderr, f.N, f.Claim)
	}
	fmt.Printf("\n%.0f s\n", rep.Tables["timing"][0]["seconds"])
}

// sanitise replaces non-finite numbers (an unreached median is +Inf), which JSON cannot hold,
// by null in the tables and by the largest float64 of that sign in the findings.
func sanitise(rep *report.Report) {
	for _, rows := range rep.Tables {
		for _, row := range rows {
			for k, v := range row {
				if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
					row[k] = nil
				}
			}
		}
	}
	fix := func(f *float64) {
		switch {
		case math.IsNaN(*f):
			*f = 0
		case math.IsInf(*f, 1):
			*f = math.MaxFloat64
		case math.IsInf(*f, -1):
			*f = -math.MaxFloat64
		}
	}
	for i := range rep.Findings {
		fix(&rep.Findings[i].Value)
		fix(&rep.Findings[i].Baseline)
		fix(&rep.Findings[i].Stderr)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "stem:", err)
		os.Exit(1)
	}
}

// drawFrame renders the frame in gray at 4× with detected carbon (red) and silicon (green).
func drawFrame(path string, f *stem.Frame, atoms stem.FrameAtoms) error {
	const z = 4
	c := newCanvas(f.W*z, f.H*z, color.Black)
	hi := float32(0)
	for _, v := range f.Pix {
		hi = max(hi, v)
	}
	for y := range f.H * z {
		for x := range f.W * z {
			v := uint8(255 * math.Sqrt(float64(f.At(x/z, y/z)/hi)))
			c.Set(x, y, color.Gray{Y: v})
		}
	}
	med := 0.0
	if len(atoms.Intensity) > 0 {
		s := append([]float64(nil), atoms.Intensity...)
		sort.Float64s(s)
		med = s[len(s)/2]
	}
	for i, p := range atoms.Pos {
		x, y := p.X/f.PixelSize*z, p.Y/f.PixelSize*z
		if atoms.Intensity[i] > 2*med {
			c.ring(x, y, 9, color.RGBA{0, 255, 0, 255})
			c.ring(x, y, 10, color.RGBA{0, 255, 0, 255})
		} else {
			c.cross(x, y, 4, color.RGBA{255, 40, 40, 255})
		}
	}
	return c.save(path)
}

// drawRateMaps draws, side by side, the probability of a hop within a 1 s dwell as a function
// of the beam position (site frame, ±3 Å) under the truth and under the learned model, on a
// common colour scale, with the silicon and its neighbours marked.
func drawRateMaps(path string, truth, learned stem.RateModel) error {
	const n, gap = 240, 12
	const ext = 3.0
	var qs []stem.Query
	for j := range n {
		for i := range n {
			qs = append(qs, stem.Query{Offset: stem.Vec{X: -ext + 2*ext*(float64(i)+0.5)/n, Y: ext - 2*ext*(float64(j)+0.5)/n}, Dwell: 1})
		}
	}
	maps := [][]stem.Rates{stem.PredictAll(truth, qs), stem.PredictAll(learned, qs)}
	hi := 0.0
	for _, m := range maps {
		for _, r := range m {
			hi = math.Max(hi, -math.Expm1(-r.Total()))
		}
	}
	c := newCanvas(2*n+gap, n, color.White)
	for p, m := range maps {
		for idx, r := range m {
			c.Set(p*(n+gap)+idx%n, idx/n, colormap(-math.Expm1(-r.Total())/hi))
		}
		cx, cy := float64(p*(n+gap))+n/2, float64(n)/2
		c.disc(cx, cy, 4, color.White)
		for k := range 3 {
			v := stem.Vec{X: stem.BondLength}.Rotate(float64(k) * 2 * math.Pi / 3)
			c.ring(cx+v.X/(2*ext)*n, cy-v.Y/(2*ext)*n, 4, color.White)
		}
	}
	return c.save(path)
}

// drawTrajectory draws the lattice around an episode, the silicon's path (green), its start
// (blue) and the goal (red).
func drawTrajectory(path string, l *stem.Lattice, ep stem.EpisodeResult) error {
	if len(ep.Path) == 0 {
		return nil
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range ep.Path {
		minX, minY = math.Min(minX, p.X), math.Min(minY, p.Y)
		maxX, maxY = math.Max(maxX, p.X), math.Max(maxY, p.Y)
	}
	const margin, scale = 4.0, 16.0
	minX, minY, maxX, maxY = minX-margin, minY-margin, maxX+margin, maxY+margin
	w, h := int((maxX-minX)*scale), int((maxY-minY)*scale)
	c := newCanvas(w, h, color.White)
	tx := func(p stem.Vec) (float64, float64) { return (p.X - minX) * scale, (maxY - p.Y) * scale }
	for _, p := range l.Pos {
		if p.X < minX || p.X > maxX || p.Y < minY || p.Y > maxY {
			continue
		}
		x, y := tx(p)
		c.disc(x, y, 2.5, color.Gray{Y: 150})
	}
	for i := 1; i < len(ep.Path); i++ {
		x0, y0 := tx(ep.Path[i-1])
		x1, y1 := tx(ep.Path[i])
		c.line(x0, y0, x1, y1, 3, color.RGBA{20, 160, 60, 255})
	}
	x, y := tx(ep.Path[0])
	c.disc(x, y, 6, color.RGBA{30, 80, 220, 255})
	x, y = tx(ep.Path[len(ep.Path)-1])
	c.ring(x, y, 8, color.RGBA{220, 30, 30, 255})
	c.ring(x, y, 9, color.RGBA{220, 30, 30, 255})
	return c.save(path)
}
