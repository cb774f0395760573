package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/tenet-ml/tenet/examples/internal/report"
	"github.com/tenet-ml/tenet/lm"
	"github.com/tenet-ml/tenet/lm/task"
)

// finding is one checked claim with the numbers behind it.
type finding = report.Finding

// metric extracts one number of an iteration record.
type metric struct {
	key string
	get func(r lm.ReSTEMIteration) float64
}

func metrics(s settings) []metric {
	return []metric{
		{"kept", func(r lm.ReSTEMIteration) float64 { return float64(r.Kept) }},
		{"train_pass@1", func(r lm.ReSTEMIteration) float64 { return r.Train.Pass1 }},
		{"val_pass@1", func(r lm.ReSTEMIteration) float64 { return r.ValPass1 }},
		{"test_pass@1", func(r lm.ReSTEMIteration) float64 { return r.Test.Pass1 }},
		{fmt.Sprintf("test_pass@%d", s.EvalK), func(r lm.ReSTEMIteration) float64 { return r.Test.PassK }},
		{fmt.Sprintf("test_maj@%d", s.EvalN), func(r lm.ReSTEMIteration) float64 { return r.Test.Maj }},
	}
}

// stat summarises metric m of iteration it over the seeds.
func stat(runs []seedRun, it int, get func(lm.ReSTEMIteration) float64) task.Stat {
	xs := make([]float64, len(runs))
	for i, r := range runs {
		xs[i] = get(r.Iterations[it])
	}
	return task.Summarize(xs)
}

// plotSeries is one task's test pass@1 by iteration.
type plotSeries struct {
	Task         string
	Mean, StdErr []float64
}

// summarise builds the table rows, the findings and the plot series of one task.
func summarise(name string, runs []seedRun, s settings) ([]map[string]any, []finding, plotSeries) {
	n := len(runs[0].Iterations)
	ms := metrics(s)
	var rows []map[string]any
	series := plotSeries{Task: name}
	for it := range n {
		row := map[string]any{"task": name, "iteration": it, "seeds": len(runs)}
		if it == 0 {
			row["model"] = "SFT on human data (base)"
		} else {
			row["model"] = fmt.Sprintf("ReST-EM iteration %d", it)
		}
		for _, m := range ms {
			st := stat(runs, it, m.get)
			row[m.key] = round(st.Mean)
			row[m.key+"_stderr"] = round(st.StdErr)
		}
		secs := stat(runs, it, func(r lm.ReSTEMIteration) float64 { return r.Seconds })
		row["seconds"] = math.Round(secs.Mean)
		rows = append(rows, row)
		t := stat(runs, it, func(r lm.ReSTEMIteration) float64 { return r.Test.Pass1 })
		series.Mean, series.StdErr = append(series.Mean, t.Mean), append(series.StdErr, t.StdErr)
	}
	var fs []finding
	if n < 2 {
		return rows, fs, series
	}
	testP1 := func(r lm.ReSTEMIteration) float64 { return r.Test.Pass1 }
	base := stat(runs, 0, testP1)
	// The ReST-EM model of a seed is the iteration with the best validation pass@1 (ties to
	// the earlier one): model selection never looks at the test split.
	chosen := make([]float64, len(runs))
	var picks []string
	for i, r := range runs {
		best := 1
		for it := 2; it < n; it++ {
			if r.Iterations[it].ValPass1 > r.Iterations[best].ValPass1 {
				best = it
			}
		}
		chosen[i] = r.Iterations[best].Test.Pass1
		picks = append(picks, fmt.Sprint(best))
	}
	rest := task.Summarize(chosen)
	note := fmt.Sprintf("iterations chosen per seed: %s; base %s, ReST-EM %s", strings.Join(picks, ","), fmtStat(base), fmtStat(rest))
	if !math.IsNaN(runs[0].OverlapHuman) {
		var h, tr []float64
		for _, r := range runs {
			h, tr = append(h, r.OverlapHuman), append(tr, r.OverlapTrain)
		}
		note += fmt.Sprintf("; test problems whose function occurs in the human data %s, in the human data or the pool %s",
			fmtStat(task.Summarize(h)), fmtStat(task.Summarize(tr)))
	}
	short := map[string]string{"arith": "arith", "program": "programs"}[name]
	if short == "" {
		short = name
	}
	fs = append(fs, finding{
		ID:       "rest-beats-sft-" + short,
		Claim:    fmt.Sprintf("ReST-EM test pass@1 (greedy; iteration chosen by validation pass@1) exceeds SFT on human data by more than 2 standard errors of the difference (%s)", name),
		Holds:    rest.Beats(base),
		Value:    round(rest.Mean),
		Baseline: round(base.Mean),
		Stderr:   round(math.Sqrt(rest.StdErr*rest.StdErr + base.StdErr*base.StdErr)),
		N:        len(runs),
		Note:     note,
	})
	if n >= 3 {
		// Overfitting of later iterations: the last iteration's test pass@1 falls below the best
		// earlier ReST-EM iteration's by more than 2 standard errors while its train pass@1
		// does not fall (the paper's APPS observation).
		last := n - 1
		bestIt, bestMean := 1, -1.0
		for it := 1; it < last; it++ {
			if m := stat(runs, it, testP1).Mean; m > bestMean {
				bestIt, bestMean = it, m
			}
		}
		earlier, final := stat(runs, bestIt, testP1), stat(runs, last, testP1)
		trainP1 := func(r lm.ReSTEMIteration) float64 { return r.Train.Pass1 }
		trEarlier, trFinal := stat(runs, bestIt, trainP1), stat(runs, last, trainP1)
		fs = append(fs, finding{
			ID: "later-iterations-overfit-" + short,
			Claim: fmt.Sprintf("the last iteration's test pass@1 is below the best earlier iteration's by more than 2 standard errors while its train pass@1 is at least as high (%s)",
				name),
			Holds:    earlier.Beats(final) && trFinal.Mean >= trEarlier.Mean,
			Value:    round(final.Mean),
			Baseline: round(earlier.Mean),
			Stderr:   round(math.Sqrt(final.StdErr*final.StdErr + earlier.StdErr*earlier.StdErr)),
			N:        len(runs),
			Note: fmt.Sprintf("test pass@1: iteration %d %s, iteration %d %s; train pass@1: %s → %s",
				bestIt, fmtStat(earlier), last, fmtStat(final), fmtStat(trEarlier), fmtStat(trFinal)),
		})
	}
	return rows, fs, series
}

func round(x float64) float64 {
	if math.IsNaN(x) {
		return -1
	}
	return math.Round(x*1e4) / 1e4
}

func fmtStat(s task.Stat) string { return fmt.Sprintf("%.3f ± %.3f", s.Mean, s.StdErr) }

func printTable(w io.Writer, name string, rows []map[string]any, s settings) {
	ms := metrics(s)
	fmt.Fprintf(w, "\n%s: mean ± standard error over %v seeds (iteration 0 = SFT on %d human solutions; ReST-EM pool %d problems, %d samples each, ≤ %d kept; test %d problems)\n",
		name, rows[0]["seeds"], s.Human, s.Pool, s.Samples, s.KeepMax, s.Test)
	fmt.Fprintf(w, "%-5s", "iter")
	for _, m := range ms {
		fmt.Fprintf(w, " %17s", m.key)
	}
	fmt.Fprintf(w, " %8s\n", "seconds")
	for _, r := range rows {
		fmt.Fprintf(w, "%-5v", r["iteration"])
		for _, m := range ms {
			mean, se := r[m.key].(float64), r[m.key+"_stderr"].(float64)
			if m.key == "kept" {
				fmt.Fprintf(w, " %10.0f ± %4.0f", mean, se)
			} else {
				fmt.Fprintf(w, " %9.3f ± %5.3f", mean, se)
			}
		}
		fmt.Fprintf(w, " %8v\n", r["seconds"])
	}
}

func printFindings(w io.Writer, fs []finding) {
	fmt.Fprintln(w, "\nfindings:")
	for _, f := range fs {
		fmt.Fprintf(w, "  %-30s holds=%-5v value %.3f vs %.3f (stderr of difference %.3f, n=%d)\n      %s\n      %s\n",
			f.ID, f.Holds, f.Value, f.Baseline, f.Stderr, f.N, f.Claim, f.Note)
	}
}
