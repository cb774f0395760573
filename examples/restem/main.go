// Command restem reproduces the setting of ReST-EM ("Beyond Human Data", Singh et al.,
// arXiv 2312.06585) at small scale on the two built-in verifiable tasks: arithmetic with a
// worked chain of thought (the MATH stand-in) and program synthesis in a list language (the
// APPS stand-in).
//
// For each task and seed, a character-level GPT-2-style transformer is fine-tuned on a small
// set of human-written worked solutions (the limited human data): that is the SFT baseline
// and the base model. ReST-EM then samples solutions to a larger pool of training problems
// that carry only final answers, keeps the ones the verifier accepts and fine-tunes the base
// model on them, for a few iterations. The table reports, per iteration, the kept samples,
// greedy pass@1 on the training pool and on the held-out test split, sampled pass@k and
// maj@n, as mean ± standard error over seeds; findings compare ReST-EM with the SFT
// baseline by the two-standard-error rule.
//
// Usage:
//
//	go run ./examples/restem                 # both tasks, 3 seeds (about 20 CPU-minutes)
//	go run ./examples/restem -quick          # smoke run
//	go run ./examples/restem -json           # one JSON object in the common schema
//	go run ./examples/restem -base DIR       # reuse base models saved in DIR by an earlier run
//
// Progress goes to stderr, the tables (or JSON) to stdout, the plot to -out.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/tenet-ml/tenet/examples/internal/report"
	"github.com/tenet-ml/tenet/lm"
	"github.com/tenet-ml/tenet/lm/task"
)

// settings are the sizes of one run; -quick and the flags change them.
type settings struct {
	Human      int     `json:"human_examples"`
	Pool       int     `json:"pool_problems"`
	Validation int     `json:"validation_problems"`
	Test       int     `json:"test_problems"`
	Width      int     `json:"width"`
	Layers     int     `json:"layers"`
	Heads      int     `json:"heads"`
	BaseSteps  int     `json:"base_steps"`
	BaseLR     float64 `json:"base_lr"`
	Iterations int     `json:"iterations"`
	Samples    int     `json:"samples_per_problem"`
	KeepMax    int     `json:"max_kept_per_problem"`
	MSteps     int     `json:"m_step_max_steps"`
	EvalN      int     `json:"eval_samples"`
	EvalK      int     `json:"eval_k"`
	TrainEval  int     `json:"train_eval_problems"`
	// Task difficulty.
	ArithDigits   int `json:"arith_digits"`
	ArithMulDigit int `json:"arith_mul_digits"`
	ArithSteps    int `json:"arith_max_steps"`
	ProgExamples  int `json:"program_examples"`
	ProgMaxLen    int `json:"program_max_len"`
	// The program task's own human-data size and base SFT steps.
	ProgHuman     int `json:"program_human_examples"`
	ProgBaseSteps int `json:"program_base_steps"`
}

// forTask returns the settings one task runs with: the program task takes its own human-data
// size and base steps.
func (s settings) forTask(name string) settings {
	if name == "program" {
		s.Human, s.BaseSteps = s.ProgHuman, s.ProgBaseSteps
	}
	return s
}

func defaults(quick bool) settings {
	s := settings{
		Human: 200, Pool: 2000, Validation: 200, Test: 500,
		Width: 64, Layers: 2, Heads: 4, BaseSteps: 800, BaseLR: 3e-3,
		Iterations: 3, Samples: 8, KeepMax: 10, MSteps: 600,
		EvalN: 8, EvalK: 4, TrainEval: 500,
		ArithDigits: 1, ArithMulDigit: 1, ArithSteps: 2,
		ProgExamples: 4, ProgMaxLen: 5,
		ProgHuman: 1500, ProgBaseSteps: 1500,
	}
	if quick {
		s.Pool, s.Validation, s.Test = 300, 100, 200
		s.BaseSteps, s.ProgHuman, s.ProgBaseSteps = 300, 300, 300
		s.Iterations, s.MSteps, s.Samples = 2, 200, 4
		s.EvalN, s.EvalK, s.TrainEval = 4, 2, 100
	}
	return s
}

func main() {
	seed := flag.Uint64("seed", 1, "first random seed")
	seeds := flag.Int("seeds", 3, "number of seeds (seed, seed+1, ...)")
	asJSON := flag.Bool("json", false, "print one JSON object (the common schema) instead of tables")
	baseDir := flag.String("base", "", "directory of base models saved by an earlier run (trained and saved there if missing)")
	quick := flag.Bool("quick", false, "smoke run: smaller pool, fewer iterations and samples")
	outDir := flag.String("out", "restem-out", "directory for the plot and the checkpoints")
	tasks := flag.String("tasks", "arith,programs", "comma-separated tasks: arith, programs")
	iterations := flag.Int("iterations", -1, "ReST-EM iterations (-1: the default, 3; 2 with -quick)")
	human := flag.Int("human", 0, "human-written arithmetic solutions for the base model (0: the default)")
	progHuman := flag.Int("program-human", 0, "human-written programs for the base model (0: the default)")
	progBaseSteps := flag.Int("program-base-steps", 0, "SFT steps of the program task's base model (0: the default)")
	pool := flag.Int("pool", 0, "training problems ReST-EM samples on (0: the default)")
	baseSteps := flag.Int("base-steps", 0, "SFT steps of the arithmetic base model (0: the default)")
	width := flag.Int("width", 0, "model width (0: the default)")
	layers := flag.Int("layers", 0, "model layers (0: the default)")
	lr := flag.Float64("lr", 0, "peak learning rate of the base SFT and the M-steps (0: the default)")
	arithDigits := flag.Int("arith-digits", 0, "largest number of digits of an arithmetic operand (0: the default)")
	arithSteps := flag.Int("arith-steps", 0, "largest number of arithmetic operators (0: the default)")
	progExamples := flag.Int("program-examples", 0, "input→output examples shown per program problem (0: the default)")
	progMaxLen := flag.Int("program-max-len", 0, "longest input list of a program problem (0: the default)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	calibrate := flag.Bool("calibrate", false, "train the base models only and print their validation pass@1 (never touches the test split)")
	flag.Parse()

	s := defaults(*quick)
	if *iterations >= 0 {
		s.Iterations = *iterations
	}
	for _, o := range []struct{ dst, v *int }{{&s.Human, human}, {&s.ProgHuman, progHuman}, {&s.ProgBaseSteps, progBaseSteps}, {&s.Pool, pool}, {&s.BaseSteps, baseSteps}, {&s.Width, width}, {&s.Layers, layers},
		{&s.ArithDigits, arithDigits}, {&s.ArithSteps, arithSteps}, {&s.ProgExamples, progExamples}, {&s.ProgMaxLen, progMaxLen}} {
		if *o.v > 0 {
			*o.dst = *o.v
		}
	}
	if *lr > 0 {
		s.BaseLR = *lr
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "restem:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "restem:", err)
			os.Exit(1)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	runner := run
	if *calibrate {
		runner = calibrateRun
	}
	if err := runner(ctx, s, *seed, *seeds, *tasks, *baseDir, *outDir, *asJSON, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "restem:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// taskSpec builds one task and its model context length.
func taskSpec(name string, s settings) (task.Task, int, error) {
	switch name {
	case "arith":
		o := task.DefaultArithOptions()
		o.Digits, o.MulDigits = s.ArithDigits, min(s.ArithMulDigit, s.ArithDigits)
		o.MinSteps, o.MaxSteps = 1, s.ArithSteps
		t, err := task.NewArithmetic(o)
		return t, 64, err
	case "programs":
		o := task.DefaultProgramOptions()
		o.Examples, o.MaxLen = s.ProgExamples, s.ProgMaxLen
		o.MinLen = min(o.MinLen, o.MaxLen)
		t, err := task.NewPrograms(o)
		return t, 160, err
	}
	return nil, 0, fmt.Errorf("unknown task %q (want arith or programs)", name)
}

// seedRun is the outcome of one task and seed.
type seedRun struct {
	Seed       uint64
	BaseSecs   float64
	Iterations []lm.ReSTEMIteration
}

func run(ctx context.Context, s settings, seed0 uint64, seeds int, taskList, baseDir, outDir string, asJSON bool, stdout io.Writer) error {
	if seeds < 1 {
		return errors.New("-seeds must be at least 1")
	}
	start := time.Now()
	rep := report.New("restem", seed0, configMap(s))
	rep.Config["seeds"], rep.Config["tasks"] = seeds, taskList
	cpu0 := report.CPUSeconds()
	var plots []plotSeries
	for _, name := range strings.Split(taskList, ",") {
		tk, maxLen, err := taskSpec(strings.TrimSpace(name), s)
		if err != nil {
			return err
		}
		var runs []seedRun
		for i := range seeds {
			sd := seed0 + uint64(i)
			r, err := runSeed(ctx, tk, maxLen, s.forTask(tk.Name()), sd, baseDir, outDir)
			if err != nil {
				return err
			}
			runs = append(runs, r)
		}
		rows, findings, series := summarise(tk.Name(), runs, s.forTask(tk.Name()))
		rep.Tables["iterations"] = append(rep.Tables["iterations"], rows...)
		rep.Findings = append(rep.Findings, findings...)
		plots = append(plots, series)
		if !asJSON {
			printTable(stdout, tk.Name(), rows, s.forTask(tk.Name()))
		}
	}
	if outDir != "" {
		path := filepath.Join(outDir, "restem_test_pass1.png")
		if err := plotIterations(path, plots); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "plot: %s\n", path)
	}
	rep.Config["seconds"] = math.Round(time.Since(start).Seconds())
	rep.Config["cpu_seconds"] = math.Round(report.CPUSeconds() - cpu0)
	if outDir != "" {
		// The report is kept beside the plot whatever the output format.
		var buf bytes.Buffer
		if err := rep.WriteJSON(&buf); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(outDir, "report.json"), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if asJSON {
		return rep.WriteJSON(stdout)
	}
	printFindings(stdout, rep.Findings)
	fmt.Fprintf(stdout, "\ntotal time %s (CPU time %s)\n", time.Since(start).Round(time.Second), time.Duration((report.CPUSeconds()-cpu0)*float64(time.Second)).Round(time.Second))
	return nil
}

// baseRun is a task's data for one seed and the base model trained on its human data.
type baseRun struct {
	splits      task.Splits
	human, pool []task.Problem
	format      lm.Format
	base        *lm.Transformer
	valPass1    float64 // best validation pass@1 of the base SFT (NaN if loaded)
	steps       int     // base SFT steps taken
}

// trainBase draws the splits of a seed and trains (or loads) the base model on the human
// data, choosing its weights by validation pass@1.
func trainBase(ctx context.Context, tk task.Task, maxLen int, s settings, seed uint64, baseDir string) (baseRun, error) {
	var b baseRun
	splits, err := task.MakeSplits(tk, task.SplitSizes{Train: s.Human + s.Pool, Validation: s.Validation, Test: s.Test}, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		return b, err
	}
	b.splits, b.human, b.pool = splits, splits.Train[:s.Human], splits.Train[s.Human:]
	b.valPass1 = math.NaN()
	tok, err := lm.NewCharTokenizer(tk.Alphabet())
	if err != nil {
		return b, err
	}
	f, err := lm.NewFormat(tok)
	if err != nil {
		return b, err
	}
	b.format = f
	cfg := lm.Config{VocabSize: tok.VocabSize(), MaxLen: maxLen, Layers: s.Layers, Heads: s.Heads, Width: s.Width}

	baseModelDir := ""
	if baseDir != "" {
		baseModelDir = filepath.Join(baseDir, fmt.Sprintf("%s-seed%d", tk.Name(), seed))
		if m, err := lm.LoadGPT2(baseModelDir); err == nil && m.Config() == withEps(cfg, m.Config()) {
			b.base = m
			fmt.Fprintf(os.Stderr, "%s seed %d: base model loaded from %s\n", tk.Name(), seed, baseModelDir)
			return b, nil
		}
	}
	base := lm.NewTransformer(cfg, rand.New(rand.NewPCG(seed, 2)))
	sc := lm.DefaultSFTConfig(s.BaseSteps)
	sc.LR, sc.MinLR = s.BaseLR, s.BaseLR/10
	sc.Seed = seed
	sc.PadToken = f.EOS
	sc.EvalEvery, sc.RestoreBest = 100, true
	sc.Eval = func(ctx context.Context, step int) (float64, error) {
		ev, err := lm.Evaluate(ctx, base, f, tk, nil, splits.Validation, lm.EvalOptions{MaxNewTokens: 64})
		return ev.Pass1, err
	}
	sc.Progress = func(p lm.SFTProgress) {
		if p.Evaluated {
			fmt.Fprintf(os.Stderr, "\r%s seed %d: base SFT step %d/%d loss %.3f val pass@1 %.3f   ", tk.Name(), seed, p.Step, p.Steps, p.Loss, p.Score)
		}
	}
	sres, err := lm.SFT(ctx, base, f.HumanExamples(b.human), sc)
	if err != nil {
		return b, err
	}
	fmt.Fprintln(os.Stderr)
	b.base, b.valPass1, b.steps = base, sres.BestScore, sres.Steps
	if baseModelDir != "" {
		if err := lm.SaveGPT2(baseModelDir, base); err != nil {
			return b, err
		}
	}
	return b, nil
}

// runSeed trains (or loads) the base model on the human data and runs ReST-EM.
func runSeed(ctx context.Context, tk task.Task, maxLen int, s settings, seed uint64, baseDir, outDir string) (seedRun, error) {
	out := seedRun{Seed: seed}
	t0 := time.Now()
	b, err := trainBase(ctx, tk, maxLen, s, seed, baseDir)
	if err != nil {
		return out, err
	}
	base, f, pool, splits := b.base, b.format, b.pool, b.splits
	out.BaseSecs = time.Since(t0).Seconds()

	rc := lm.DefaultReSTEMConfig()
	rc.Iterations, rc.Samples, rc.MaxPerProblem = s.Iterations, s.Samples, s.KeepMax
	rc.MStep.Steps = s.MSteps
	rc.MStep.LR, rc.MStep.MinLR = s.BaseLR, s.BaseLR/10
	rc.EvalSamples, rc.EvalK, rc.TrainEvalProblems = s.EvalN, s.EvalK, s.TrainEval
	rc.Seed = seed
	if outDir != "" {
		rc.Dir = filepath.Join(outDir, "runs", fmt.Sprintf("%s-seed%d", tk.Name(), seed))
	}
	rc.Progress = func(p lm.ReSTEMProgress) {
		switch p.Phase {
		case "sample", "eval":
			if p.Done%200 == 0 || p.Done == p.Total {
				fmt.Fprintf(os.Stderr, "\r%s seed %d iteration %d: %s %d/%d          ", tk.Name(), seed, p.Iteration, p.Phase, p.Done, p.Total)
			}
		case "train":
			if p.Evaluated {
				fmt.Fprintf(os.Stderr, "\r%s seed %d iteration %d: M-step %d/%d loss %.3f val pass@1 %.3f   ", tk.Name(), seed, p.Iteration, p.Done, p.Total, p.Loss, p.Score)
			}
		case "done":
			r := p.Result
			fmt.Fprintf(os.Stderr, "\r%s seed %d iteration %d: kept %d, train pass@1 %.3f, val %.3f, test pass@1 %.3f (%.0fs)        \n",
				tk.Name(), seed, r.Iteration, r.Kept, r.Train.Pass1, r.ValPass1, r.Test.Pass1, r.Seconds)
		}
	}
	rs := &lm.ReSTEM{Base: base, Format: f, Verifier: tk, Data: task.Splits{Train: pool, Validation: splits.Validation, Test: splits.Test}, Config: rc}
	res, err := rs.Run(ctx)
	if err != nil {
		return out, err
	}
	out.Iterations = res.Iterations
	return out, nil
}

// configMap returns the settings as the flat "config" object of the JSON report, keyed by
// their JSON names.
func configMap(s settings) map[string]any {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // settings holds only numbers and strings
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	return m
}

// withEps returns want with got's layer-norm epsilon, for comparing a loaded configuration.
func withEps(want, got lm.Config) lm.Config {
	want.LayerNormEps = got.LayerNormEps
	return want
}
