package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tenet-ml/tenet/examples/internal/report"
	"github.com/tenet-ml/tenet/lm/task"
)

// calibrateRun trains the base model of every task and seed on the human data and prints
// its best validation pass@1: the number the defaults are calibrated on. The test split is
// drawn (so that the splits are those of a full run) but never evaluated.
func calibrateRun(ctx context.Context, s settings, seed0 uint64, taskList, baseDir string, stdout io.Writer) error {
	for _, name := range strings.Split(taskList, ",") {
		tk, maxLen, err := taskSpec(strings.TrimSpace(name), s)
		if err != nil {
			return err
		}
		ts := s.forTask(tk.Name())
		var vals []float64
		for i := range ts.Seeds {
			sd := seed0 + uint64(i)
			t0, c0 := time.Now(), report.CPUSeconds()
			b, err := trainBase(ctx, tk, maxLen, ts, sd, baseDir)
			if err != nil {
				return err
			}
			vals = append(vals, b.valPass1)
			if pt, ok := tk.(*task.Programs); ok {
				fmt.Fprintf(stdout, "calibrate %s seed %d: validation problems whose function is in the human data %.3f, in human data or pool %.3f\n",
					tk.Name(), sd, pt.FunctionOverlap(b.human, b.splits.Validation), pt.FunctionOverlap(b.splits.Train, b.splits.Validation))
			}
			fmt.Fprintf(stdout, "calibrate %s seed %d: human %d, width %d, layers %d, steps %d (taken %d), lr %g: base validation pass@1 %.3f (wall %.0fs, cpu %.0fs)\n",
				tk.Name(), sd, ts.Human, ts.Width, ts.Layers, ts.BaseSteps, b.steps, ts.BaseLR, b.valPass1, time.Since(t0).Seconds(), report.CPUSeconds()-c0)
		}
		fmt.Fprintf(stdout, "calibrate %s: base validation pass@1 %s\n", tk.Name(), task.Summarize(vals))
	}
	return nil
}
