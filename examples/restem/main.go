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
// The program task uses two-stage programs built from an 11-stage vocabulary
// (tinyVocabulary) with splits disjoint by problem (task.ProgramOptions.SplitByProblem): no
// prompt is in two splits, but a function recurs with other examples, so the test split
// measures recognising a known function from new examples. The share of test problems
// whose function occurs in the human data or the pool is reported beside the finding.
// Keeping functions out of the other splits (-program-split function) needs three-stage
// programs of the full vocabulary to fill a 500-problem test split, and a base model at
// this scale then solves under 1% of them.
//
// Usage:
//
//	go run ./examples/restem                 # both tasks: 8 arithmetic seeds, 4 program seeds
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
	"sync"
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
	ProgMinOps    int `json:"program_min_ops"`
	ProgMaxOps    int `json:"program_max_ops"`
	// ProgSplit is "problem" (splits disjoint by prompt; a function may recur with other
	// examples) or "function" (no function in two splits).
	ProgSplit string `json:"program_split"`
	// ProgVocab is "tiny" (tinyVocabulary), "small" (smallVocabulary) or "full" (the
	// task's built-in vocabulary).
	ProgVocab string `json:"program_vocabulary"`
	// The program task's own human-data size, base SFT steps and M-step length.
	ProgHuman     int `json:"program_human_examples"`
	ProgBaseSteps int `json:"program_base_steps"`
	ProgMSteps    int `json:"program_m_step_max_steps"`
	// Seeds per task: the arithmetic task needs more seeds for the same standard error,
	// since its base models vary more from seed to seed than ReST-EM's gain.
	Seeds     int `json:"seeds"`
	ProgSeeds int `json:"program_seeds"`
}

// forTask returns the settings one task runs with: the program task takes its own human-data
// size and base steps.
func (s settings) forTask(name string) settings {
	if name == "program" {
		s.Human, s.BaseSteps, s.MSteps, s.Seeds = s.ProgHuman, s.ProgBaseSteps, s.ProgMSteps, s.ProgSeeds
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
		ProgExamples: 4, ProgMaxLen: 5, ProgMinOps: 2, ProgMaxOps: 2, ProgSplit: "problem", ProgVocab: "tiny",
		ProgHuman: 500, ProgBaseSteps: 600, ProgMSteps: 400,
		Seeds: 8, ProgSeeds: 4,
	}
	if quick {
		s.Pool, s.Validation, s.Test = 300, 100, 200
		s.BaseSteps, s.ProgHuman, s.ProgBaseSteps = 300, 300, 300
		s.Iterations, s.MSteps, s.ProgMSteps, s.Samples = 2, 200, 200, 4
		s.Seeds, s.ProgSeeds = 2, 2
		s.EvalN, s.EvalK, s.TrainEval = 4, 2, 100
	}
	return s
}

func main() {
	seed := flag.Uint64("seed", 1, "first random seed")
	seeds := flag.Int("seeds", 0, "number of seeds (seed, seed+1, ...) of every task (0: the defaults, 8 for arithmetic and 4 for programs; 2 with -quick)")
	progSeeds := flag.Int("program-seeds", 0, "number of seeds of the program task (0: as -seeds)")
	parallel := flag.Int("parallel", 2, "(task, seed) runs at once")
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
	samples := flag.Int("samples", 0, "E-step samples per training problem (0: the default)")
	baseSteps := flag.Int("base-steps", 0, "SFT steps of the arithmetic base model (0: the default)")
	width := flag.Int("width", 0, "model width (0: the default)")
	layers := flag.Int("layers", 0, "model layers (0: the default)")
	lr := flag.Float64("lr", 0, "peak learning rate of the base SFT and the M-steps (0: the default)")
	arithDigits := flag.Int("arith-digits", 0, "largest number of digits of an arithmetic operand (0: the default)")
	arithSteps := flag.Int("arith-steps", 0, "largest number of arithmetic operators (0: the default)")
	progExamples := flag.Int("program-examples", 0, "input→output examples shown per program problem (0: the default)")
	progMaxLen := flag.Int("program-max-len", 0, "longest input list of a program problem (0: the default)")
	progMinOps := flag.Int("program-min-ops", 0, "fewest stages of a generated program (0: the default)")
	progMaxOps := flag.Int("program-max-ops", 0, "most stages of a generated program (0: the default)")
	progVocab := flag.String("program-vocab", "", `stages programs are built from: "small" or "full" (empty: the default)`)
	progSplit := flag.String("program-split", "", `program splits disjoint by "problem" or by "function" (empty: the default)`)
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	calibrate := flag.Bool("calibrate", false, "train the base models only and print their validation pass@1 (never touches the test split)")
	flag.Parse()

	s := defaults(*quick)
	if *iterations >= 0 {
		s.Iterations = *iterations
	}
	for _, o := range []struct{ dst, v *int }{{&s.Human, human}, {&s.ProgHuman, progHuman}, {&s.ProgBaseSteps, progBaseSteps}, {&s.Pool, pool}, {&s.Samples, samples}, {&s.BaseSteps, baseSteps}, {&s.Width, width}, {&s.Layers, layers},
		{&s.ArithDigits, arithDigits}, {&s.ArithSteps, arithSteps}, {&s.ProgExamples, progExamples}, {&s.ProgMaxLen, progMaxLen},
		{&s.ProgMinOps, progMinOps}, {&s.ProgMaxOps, progMaxOps}} {
		if *o.v > 0 {
			*o.dst = *o.v
		}
	}
	if *lr > 0 {
		s.BaseLR = *lr
	}
	if *seeds > 0 {
		s.Seeds, s.ProgSeeds = *seeds, *seeds
	}
	if *progSeeds > 0 {
		s.ProgSeeds = *progSeeds
	}
	if *progVocab != "" {
		s.ProgVocab = *progVocab
	}
	if *progSplit != "" {
		s.ProgSplit = *progSplit
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
	var err error
	if *calibrate {
		err = calibrateRun(ctx, s, *seed, *tasks, *baseDir, os.Stdout)
	} else {
		err = run(ctx, s, *seed, *parallel, *tasks, *baseDir, *outDir, *asJSON, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "restem:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// smallVocabulary is the program task's default vocabulary: 17 single stages, four or five
// of each kind, whose effects differ visibly on short lists of digits.
var smallVocabulary = []string{
	"map(x+1)", "map(x+3)", "map(x*2)", "map(x*x)", "map(x%3)",
	"filter(x>4)", "filter(x<5)", "filter(x%2==0)", "filter(x%2==1)",
	"sort", "reverse", "take(2)", "drop(2)",
	"sum", "max", "min", "count",
}

// tinyVocabulary has 11 single stages, two or three of each kind.
var tinyVocabulary = []string{
	"map(x+1)", "map(x*2)", "map(x%3)",
	"filter(x>4)", "filter(x%2==0)",
	"sort", "reverse", "take(2)",
	"sum", "max", "count",
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
		o.MinOps, o.MaxOps = s.ProgMinOps, s.ProgMaxOps
		switch s.ProgVocab {
		case "small":
			o.Vocabulary = smallVocabulary
		case "tiny":
			o.Vocabulary = tinyVocabulary
		case "full":
		default:
			return nil, 0, fmt.Errorf("-program-vocab %q: want small or full", s.ProgVocab)
		}
		switch s.ProgSplit {
		case "problem":
			o.SplitByProblem = true
		case "function":
		default:
			return nil, 0, fmt.Errorf("-program-split %q: want problem or function", s.ProgSplit)
		}
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
	// OverlapHuman and OverlapTrain are, for the program task, the fractions of test
	// problems whose function occurs in the human data and in the human data or the pool
	// (NaN for other tasks).
	OverlapHuman, OverlapTrain float64
}

// runJobs runs the jobs with at most n at a time, starting them in order, and returns the
// first error; after an error the remaining jobs are not started and the running ones see
// a canceled context.
func runJobs(ctx context.Context, n int, jobs []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, max(n, 1))
	errs := make(chan error, len(jobs))
	var wg sync.WaitGroup
	for _, job := range jobs {
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := job(ctx); err != nil {
				errs <- err
				cancel()
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err, ok := <-errs; ok {
		return err
	}
	return ctx.Err()
}

func run(ctx context.Context, s settings, seed0 uint64, parallel int, taskList, baseDir, outDir string, asJSON bool, stdout io.Writer) error {
	start := time.Now()
	rep := report.New("restem", seed0, configMap(s))
	rep.Config["tasks"] = taskList
	cpu0 := report.CPUSeconds()
	var plots []plotSeries
	var tks []task.Task
	var maxLens []int
	for _, name := range strings.Split(taskList, ",") {
		tk, maxLen, err := taskSpec(strings.TrimSpace(name), s)
		if err != nil {
			return err
		}
		tks, maxLens = append(tks, tk), append(maxLens, maxLen)
	}
	// Every (task, seed) run is independent and deterministic; up to `parallel` of them run
	// at once (small models use the cores poorly one at a time). The program task's runs,
	// the longest, start first so that the last ones running are short.
	runs := make([][]seedRun, len(tks))
	var jobs []func(context.Context) error
	order := make([]int, 0, len(tks))
	for ti, tk := range tks {
		if tk.Name() == "program" {
			order = append([]int{ti}, order...)
		} else {
			order = append(order, ti)
		}
	}
	for _, ti := range order {
		tk := tks[ti]
		seeds := s.forTask(tk.Name()).Seeds
		runs[ti] = make([]seedRun, seeds)
		for i := range seeds {
			sd := seed0 + uint64(i)
			jobs = append(jobs, func(ctx context.Context) error {
				r, err := runSeed(ctx, tk, maxLens[ti], s.forTask(tk.Name()), sd, baseDir, outDir)
				runs[ti][i] = r
				return err
			})
		}
	}
	if err := runJobs(ctx, parallel, jobs); err != nil {
		return err
	}
	for ti, tk := range tks {
		rows, findings, series := summarise(tk.Name(), runs[ti], s.forTask(tk.Name()))
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
	out := seedRun{Seed: seed, OverlapHuman: math.NaN(), OverlapTrain: math.NaN()}
	t0 := time.Now()
	b, err := trainBase(ctx, tk, maxLen, s, seed, baseDir)
	if err != nil {
		return out, err
	}
	if pt, ok := tk.(*task.Programs); ok {
		out.OverlapHuman = pt.FunctionOverlap(b.human, b.splits.Test)
		out.OverlapTrain = pt.FunctionOverlap(b.splits.Train, b.splits.Test)
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
