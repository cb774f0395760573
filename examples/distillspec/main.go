// Command distillspec reproduces the findings of "DistillSpec: Improving Speculative Decoding
// via Knowledge Distillation" (arXiv 2310.08461) on one of lm/task's arithmetic tasks: a
// target and a much smaller draft transformer are trained (or loaded from -cache), the draft
// is distilled toward the target with several recipes, and speculative decoding with each
// draft is measured against target-only decoding. README.md beside this file has the
// measured results.
//
// Usage:
//
//	go run ./examples/distillspec [-task freeorder|arith] [-target-in-order=true|false] [-seed 1] [-cache distillspec-cache] [-out distillspec-out] [-json]
//
// The default task is free-order arithmetic (task.FreeOrder: sums of -min-terms to
// -max-terms one-digit terms, any two numbers left combined at each step, every step
// verified), where a problem has many valid worked solutions. The draft is fine-tuned on the
// human solutions, whose order of steps is random; the target, with -target-in-order (the
// default), on the same problems solved in reading order (task.FreeOrderOptions.InOrder). So
// the target has a convention of its own, as a deployed model does, which the draft cannot
// learn from the task's data: the situation DistillSpec is for, where the draft's
// distribution differs from the target's. -target-in-order=false trains both on the human
// solutions; -task arith is arithmetic with one canonical order of steps, where target and
// data agree (the README has both results: distillation's gains there were those of further
// training).
//
// Recipes (all start from the draft fine-tuned on the human solutions, the "undistilled"
// draft, and train for the same number of steps, batch size and learning rate):
//
//	data      fixed (human solutions), target-generated, draft-generated (on-policy), or a
//	          mixture (half on-policy, half target-generated batches)
//	divergence FKL for every data choice; RKL, JSD(0.5) and TVD with on-policy data
//
// For each draft, greedy decoding and temperature 1, and γ ∈ {1, 3, 5, 7}, the tables give
// the acceptance rate α, the block efficiency (tokens per target call), the wall-clock
// speedup over target-only decoding of the same prompts (the median over interleaved chunks
// of prompts), the CPU-time speedup, the speedup predicted from α, γ and the measured
// draft/target cost ratio c (which assumes verifying γ+1 tokens costs one decoding step), the
// same prediction with the measured cost of that verification, and that cost measured in
// situ (the target's verification Appends during decoding, in units of its single-token
// Appends during target-only decoding). A lossy-decoding curve (lenience f = p/ε) gives
// speedup and accuracy against ε. The findings, fixed before the run: every distilled draft
// has a higher block efficiency than the undistilled one (γ = 5, greedy and T = 1); on-policy
// data is among the best data choices (forward KL, γ = 5, at least the median of the four);
// speculative greedy decoding with the on-policy FKL draft is at least 2× faster in
// wall-clock time than target-only decoding at its best γ.
//
// Sizes: the target is 4 layers × 128 (805k parameters) and the draft 1 layer × 16 (4.7k
// parameters, 170× smaller, as the paper's drafts are far smaller than their targets), both
// fine-tuned with early stopping on the validation loss; the draft gets up to -draft-steps
// steps so that it has converged on its data before distillation. A 1 × 32 draft, once
// distilled, agrees with the in-order target on 99–100% of tokens, which leaves no room to
// tell the recipes apart; the 1 × 16 draft was chosen on the validation split (-eval val)
// for that reason. Its time per token is well under 1/8 of the target's (see the cost line).
// A control recipe, "more SFT (control)", trains the draft as many further steps on the
// human solutions without the target; it is reported beside the distilled drafts and is not
// part of the findings.
//
// Wall-clock figures depend on the machine's load; the speedups are ratios measured in the
// same interleaved runs. -eval val decodes validation prompts instead of test prompts, for
// calibrating the design without touching the test split. Progress goes to stderr, tables
// to stdout (or one JSON object with -json), and PNG plots to -out.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/distill"
	"github.com/tenet-ml/tenet/examples/internal/charlm"
	"github.com/tenet-ml/tenet/examples/internal/report"
	"github.com/tenet-ml/tenet/lm"
	"github.com/tenet-ml/tenet/lm/task"
)

type finding = report.Finding

// controlName is the recipe that trains the draft further on the human solutions without
// the target: reported beside the distilled drafts, excluded from the findings.
const controlName = "more SFT (control)"

type recipe struct {
	name string
	data string
	opts distill.GKDOptions
}

// cell is the measurement of one draft at one temperature and γ.
type cell struct {
	alpha, be, speedup, cpuSpeedup, predicted, predictedVerify, verifyInSitu float64
}

func main() {
	seed := flag.Uint64("seed", 1, "random seed")
	cache := flag.String("cache", "distillspec-cache", "directory of cached target and draft checkpoints (empty: no cache)")
	outDir := flag.String("out", "distillspec-out", "directory for the PNG plots (empty: none)")
	asJSON := flag.Bool("json", false, "print one JSON object instead of tables")
	tLayers := flag.Int("target-layers", 4, "target transformer blocks")
	tWidth := flag.Int("target-width", 128, "target width")
	dLayers := flag.Int("draft-layers", 1, "draft transformer blocks")
	dWidth := flag.Int("draft-width", 16, "draft width")
	tSteps := flag.Int("target-steps", 1200, "target supervised training steps, at most (early stopping on validation loss)")
	dSteps := flag.Int("draft-steps", 20000, "draft supervised training steps, at most (early stopping on validation loss): the undistilled draft")
	kSteps := flag.Int("distill-steps", 600, "distillation steps of every recipe")
	batch := flag.Int("batch", 32, "sequences per training batch")
	lr := flag.Float64("lr", 3e-3, "distillation learning rate (AdamW, constant)")
	nPrompts := flag.Int("prompts", 500, "prompts decoded per measurement (at most the size of the -eval split)")
	chunk := flag.Int("chunk", 10, "prompts per interleaved timing chunk")
	gammaList := flag.String("gammas", "1,3,5,7", "block sizes γ")
	epsList := flag.String("eps", "1,0.5,0.2,0.1,0.05,0.02", "lenience values ε of the lossy curve")
	lossyGamma := flag.Int("lossy-gamma", 5, "γ of the lossy curve")
	nTrain := flag.Int("train", 2000, "training problems")
	nVal := flag.Int("val", 200, "validation problems")
	nTest := flag.Int("test", 500, "test problems (the first -prompts are decoded)")
	taskFlag := flag.String("task", "freeorder", "task: freeorder (many valid worked solutions per problem, every step verified) or arith (one canonical worked solution)")
	digits := flag.Int("digits", 1, "operand digits (both tasks)")
	minOps := flag.Int("min-ops", 1, "arith: fewest operators")
	maxOps := flag.Int("max-ops", 2, "arith: most operators")
	minTerms := flag.Int("min-terms", 3, "freeorder: fewest terms")
	maxTerms := flag.Int("max-terms", 5, "freeorder: most terms")
	targetInOrder := flag.Bool("target-in-order", true, "freeorder: train the target on the same problems solved in reading order (task.FreeOrderOptions.InOrder), the draft on the random-order human solutions; ignored by -task arith")
	evalSplit := flag.String("eval", "test", "split whose prompts are decoded: test, or val for calibrating the design without touching the test set")
	only := flag.String("recipes", "", "comma-separated recipe names to run (empty: all)")
	flag.Parse()

	gammas := parseInts(*gammaList)
	epss := parseFloats(*epsList)
	start := time.Now()
	cpu0 := report.CPUSeconds()
	ctx := context.Background()
	logf := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, "[%6.1fs] "+format+"\n", append([]any{time.Since(start).Seconds()}, a...)...)
	}
	var ar, targetTask task.Task
	var taskName string
	switch *taskFlag {
	case "arith":
		taskName = fmt.Sprintf("arith digits=%d mul=1 ops=%d-%d", *digits, *minOps, *maxOps)
		a, err := task.NewArithmetic(task.ArithOptions{Digits: *digits, MulDigits: 1, MinSteps: *minOps, MaxSteps: *maxOps, Ops: "+-*"})
		check(err)
		ar = a
	case "freeorder":
		taskName = fmt.Sprintf("freeorder digits=%d terms=%d-%d ops=p", *digits, *minTerms, *maxTerms)
		o := task.FreeOrderOptions{Digits: *digits, MinTerms: *minTerms, MaxTerms: *maxTerms, Ops: "+"}
		f, err := task.NewFreeOrder(o)
		check(err)
		ar = f
		if *targetInOrder {
			o.InOrder = true
			targetTask, err = task.NewFreeOrder(o)
			check(err)
		}
	default:
		check(fmt.Errorf("-task %q: want arith or freeorder", *taskFlag))
	}
	targetData := "human solutions"
	if targetTask != nil {
		targetData = "the same problems solved in reading order"
	}
	rep := report.New("distillspec", *seed, map[string]any{"target_data": targetData,
		"target": fmt.Sprintf("%dx%d", *tLayers, *tWidth), "draft": fmt.Sprintf("%dx%d", *dLayers, *dWidth),
		"target_steps": *tSteps, "draft_steps": *dSteps, "distill_steps": *kSteps, "batch": *batch, "lr": *lr,
		"prompts": *nPrompts, "chunk": *chunk, "gammas": gammas, "eps": epss, "lossy_gamma": *lossyGamma, "task": taskName})

	splits, err := task.MakeSplits(ar, task.SplitSizes{Train: *nTrain, Validation: *nVal, Test: *nTest}, rand.New(rand.NewPCG(*seed, 1)))
	check(err)
	tok, err := lm.NewCharTokenizer(ar.Alphabet())
	check(err)
	format, err := lm.NewFormat(tok)
	check(err)
	pad, _ := tok.TokenID(lm.PadToken)
	train := format.HumanExamples(splits.Train)
	val := format.HumanExamples(splits.Validation)
	const ctxLen = 64
	maxNew := ctxLen - 16
	eos := []int{format.EOS}

	sup := func(name string, layers, width, steps int, lr float64, train, val []lm.SFTExample) *lm.Transformer {
		cfg := lm.Config{VocabSize: tok.VocabSize(), MaxLen: ctxLen, Layers: layers, Heads: 4, Width: width}
		key := fmt.Sprintf("%s-L%d-W%d-steps%d-lr%g-seed%d-%s", name, layers, width, steps, lr, *seed,
			strings.NewReplacer(" ", "_", "=", "").Replace(taskName))
		m, err := charlm.CachedSFT(ctx, *cache, key, cfg, train, val, steps, lr, *seed, pad, logf)
		check(err)
		return m
	}
	// The target's supervised data: the human solutions, or with -target-in-order the same
	// problems (the same seed draws the same splits) solved in reading order.
	targetName, targetTrain, targetVal := "teacher", train, val
	if targetTask != nil {
		ts, err := charlm.SameProblemSplits(targetTask, task.SplitSizes{Train: *nTrain, Validation: *nVal, Test: *nTest}, *seed, splits)
		check(err)
		targetName, targetTrain, targetVal = "teacher-inorder", format.HumanExamples(ts.Train), format.HumanExamples(ts.Validation)
	}
	target := sup(targetName, *tLayers, *tWidth, *tSteps, 2e-3, targetTrain, targetVal)
	draft0 := sup("draft", *dLayers, *dWidth, *dSteps, 3e-3, train, val)
	logf("target %d parameters, draft %d", target.NumParams(), draft0.NumParams())

	// Cost ratio c: time per token of single-token decoding, draft over target (interleaved).
	tt, dt := tokenTimes(target, draft0, 30)
	costRatio := dt / tt
	rep.Tables["cost"] = []map[string]any{{"target_us_per_token": tt * 1e6, "draft_us_per_token": dt * 1e6, "ratio": costRatio}}
	logf("time per token: target %.0f µs, draft %.1f µs, ratio c = %.4f", tt*1e6, dt*1e6, costRatio)
	// Verification cost: one Append of γ+1 tokens against γ+1 single-token Appends.
	verifySteps := map[int]float64{}
	for _, g := range gammas {
		r, v := verifyCost(target, g+1, 60)
		verifySteps[g] = v
		rep.Tables["verify"] = append(rep.Tables["verify"], map[string]any{"gamma": g, "tokens": g + 1,
			"batched_over_singles": r, "batched_in_steps": v})
		logf("verify γ+1 = %d tokens in one Append: %.3f of %d single steps (%.2f steps)", g+1, r, g+1, v)
	}

	gen := func(o distill.GKDOptions) distill.GKDOptions {
		o.MaxNewTokens, o.StopTokens, o.Pad, o.ClipNorm = maxNew, eos, pad, 1
		return o
	}
	fkl := distill.NewForwardKL()
	recipes := []recipe{
		{"fixed FKL", "fixed", gen(distill.GKDOptions{Divergence: fkl})},
		{"target-gen FKL", "target", gen(distill.GKDOptions{Divergence: fkl, TeacherFraction: 1})},
		{"on-policy FKL", "on-policy", gen(distill.GKDOptions{Divergence: fkl, Lambda: 1})},
		{"mixture FKL", "mixture", gen(distill.GKDOptions{Divergence: fkl, Lambda: 0.5, TeacherFraction: 0.5})},
		{"on-policy RKL", "on-policy", gen(distill.GKDOptions{Divergence: distill.NewReverseKL(), Lambda: 1})},
		{"on-policy JSD(0.5)", "on-policy", gen(distill.GKDOptions{Divergence: distill.NewJSD(0.5), Lambda: 1})},
		{"on-policy TVD", "on-policy", gen(distill.GKDOptions{Divergence: distill.NewTVD(), Lambda: 1})},
		// Control, not a distillation recipe and not part of the findings: as many further
		// supervised steps on the human solutions, to separate distillation's gain from that
		// of more training of a draft whose supervised run had not early-stopped.
		{controlName, "fixed", gen(distill.GKDOptions{Objective: distill.ObjectiveNLL})},
	}
	if *only != "" {
		keep := strings.Split(*only, ",")
		recipes = slices.DeleteFunc(recipes, func(r recipe) bool { return !slices.Contains(keep, r.name) })
	}
	examples := make([]distill.Example, len(train))
	for i, ex := range train {
		examples[i] = distill.Example{Prompt: ex.Prompt, Output: ex.Completion}
	}
	drafts := []*lm.Transformer{draft0}
	names := []string{"undistilled"}
	for _, rc := range recipes {
		t0 := time.Now()
		d := charlm.Clone(draft0)
		opt := optim.NewAdamW(d.Params(), optim.AdamConfig{LR: *lr, Beta2: 0.99, WeightDecay: 0.01, Decay: optim.DecayMatrices})
		tr, err := distill.NewTrainer(d, target, opt, rc.opts)
		check(err)
		rng := rand.New(rand.NewPCG(*seed, 0x6473))
		b := make([]distill.Example, *batch)
		var last float64
		for range *kSteps {
			for i := range b {
				b[i] = examples[rng.IntN(len(examples))]
			}
			st, err := tr.Step(ctx, b, rng)
			check(err)
			last = st.Divergence
		}
		drafts, names = append(drafts, d), append(names, rc.name)
		logf("distilled %-18s (%d steps, last batch divergence %.4f, %.1fs)", rc.name, *kSteps, last, time.Since(t0).Seconds())
	}

	// The target and the on-policy FKL draft, for distill's speculative-decoding benchmark
	// (go test ./distill -bench Speculative -args -pair DIR).
	if *cache != "" && slices.Contains(names, "on-policy FKL") {
		pairDir := filepath.Join(*cache, "pair")
		check(lm.SaveGPT2(filepath.Join(pairDir, "target"), target))
		check(lm.SaveGPT2(filepath.Join(pairDir, "draft"), drafts[slices.Index(names, "on-policy FKL")]))
		logf("saved the target and the on-policy FKL draft to %s", pairDir)
	}

	if *evalSplit == "train" {
		check(fmt.Errorf("-eval %q: want test or val", *evalSplit))
	}
	evalSet, err := splits.Named(*evalSplit)
	check(err)
	prompts := make([][]int, min(*nPrompts, len(evalSet)))
	for i := range prompts {
		prompts[i] = format.Prompt(evalSet[i])
	}
	temps := []struct {
		name string
		s    lm.SamplingOptions
	}{{"greedy", lm.SamplingOptions{}}, {"T=1", lm.SamplingOptions{Temperature: 1}}}

	// Per draft, temperature and γ: acceptance, block efficiency and measured speedup.
	res := map[string]map[string]map[int]cell{}
	for di, d := range drafts {
		res[names[di]] = map[string]map[int]cell{}
		for _, tp := range temps {
			res[names[di]][tp.name] = map[int]cell{}
			for _, g := range gammas {
				opts := distill.SpecOptions{Sampling: tp.s, Gamma: g, MaxNewTokens: maxNew, StopTokens: eos}
				m := measure(ctx, target, d, prompts, opts, *chunk, *seed)
				c := cell{alpha: m.stats.AcceptanceRate(), be: m.stats.BlockEfficiency(), speedup: m.speedup, cpuSpeedup: m.cpuSpeedup, verifyInSitu: m.verifySteps}
				c.predicted = distill.ExpectedSpeedup(c.alpha, g, costRatio)
				c.predictedVerify = distill.ExpectedTokensPerCall(c.alpha, g) / (float64(g)*costRatio + verifySteps[g])
				res[names[di]][tp.name][g] = c
				rep.Tables["speculative"] = append(rep.Tables["speculative"], map[string]any{
					"draft": names[di], "decoding": tp.name, "gamma": g, "acceptance": c.alpha, "block_efficiency": c.be,
					"speedup": c.speedup, "speedup_cpu": c.cpuSpeedup, "speedup_predicted": c.predicted, "speedup_predicted_verify": c.predictedVerify, "verify_in_situ_steps": c.verifyInSitu, "speedup_chunks_min": m.lo, "speedup_chunks_max": m.hi,
					"target_ms_per_token": m.plainPerToken * 1e3, "spec_ms_per_token": m.specPerToken * 1e3})
			}
			logf("%-18s %-6s α %s  BE %s  speedup %s", names[di], tp.name,
				row(gammas, func(g int) float64 { return res[names[di]][tp.name][g].alpha }),
				row(gammas, func(g int) float64 { return res[names[di]][tp.name][g].be }),
				row(gammas, func(g int) float64 { return res[names[di]][tp.name][g].speedup }))
		}
	}

	// Lossy speculative decoding at T = 1 with the on-policy FKL draft: ε vs speedup vs
	// accuracy (exact decoding at ε = 1 has the target's accuracy in expectation).
	lossyDraft := drafts[max(0, slices.Index(names, "on-policy FKL"))]
	lossyProblems := evalSet[:len(prompts)]
	for _, eps := range epss {
		opts := distill.SpecOptions{Sampling: lm.SamplingOptions{Temperature: 1}, Gamma: *lossyGamma, MaxNewTokens: maxNew,
			StopTokens: eos, Lenience: distill.LenienceLinear, Epsilon: eps}
		m := measure(ctx, target, lossyDraft, prompts, opts, *chunk, *seed+7)
		var right float64
		for i, out := range m.outputs {
			right += float64(ar.Verify(lossyProblems[i], format.Solution(out)))
		}
		acc := right / float64(len(prompts))
		rep.Tables["lossy"] = append(rep.Tables["lossy"], map[string]any{
			"epsilon": eps, "gamma": *lossyGamma, "acceptance": m.stats.AcceptanceRate(), "block_efficiency": m.stats.BlockEfficiency(),
			"speedup": m.speedup, "speedup_cpu": m.cpuSpeedup, "accuracy": acc})
		logf("lossy ε=%-5g α %.3f BE %.2f speedup %.2f accuracy %.3f", eps, m.stats.AcceptanceRate(), m.stats.BlockEfficiency(), m.speedup, acc)
	}
	// Accuracy references at T = 1 and greedy: the target and the drafts alone.
	ev := charlm.Evaluator{Task: ar, Format: format, MaxNew: maxNew}
	for di, d := range append([]*lm.Transformer{target}, drafts...) {
		name := "target"
		if di > 0 {
			name = "draft " + names[di-1]
		}
		rep.Tables["accuracy"] = append(rep.Tables["accuracy"], map[string]any{"model": name,
			"val_greedy_pass@1": ev.Greedy(ctx, d, splits.Validation), *evalSplit + "_greedy_pass@1": ev.Greedy(ctx, d, lossyProblems),
			*evalSplit + "_sampled_pass@1": ev.Sampled(ctx, d, lossyProblems, 4, *seed)})
	}

	// Findings.
	const gF = 5
	undist := res["undistilled"]
	for _, tp := range temps {
		minBE, minName := math.Inf(1), ""
		for _, n := range names[1:] {
			if n == controlName {
				continue
			}
			if be := res[n][tp.name][gF].be; be < minBE {
				minBE, minName = be, n
			}
		}
		rep.Findings = append(rep.Findings, finding{ID: "distillation-raises-block-efficiency-" + tp.name,
			Claim: fmt.Sprintf("every distilled draft has a higher block efficiency than the undistilled draft (γ=%d, %s); value is the lowest distilled (%s)", gF, tp.name, minName),
			Holds: minBE > undist[tp.name][gF].be, Value: minBE, Baseline: undist[tp.name][gF].be, N: len(prompts)})
	}
	meanBE := func(n string) float64 { return (res[n]["greedy"][gF].be + res[n]["T=1"][gF].be) / 2 }
	var dataBE []float64
	for _, n := range []string{"fixed FKL", "target-gen FKL", "on-policy FKL", "mixture FKL"} {
		dataBE = append(dataBE, meanBE(n))
	}
	sorted := slices.Clone(dataBE)
	slices.Sort(sorted)
	med := (sorted[1] + sorted[2]) / 2
	rep.Findings = append(rep.Findings, finding{ID: "on-policy-among-best",
		Claim: fmt.Sprintf("on-policy data is among the best data choices: with forward KL its block efficiency (γ=%d, mean of greedy and T=1) is at least the median of fixed, target-generated, on-policy and mixture", gF),
		Holds: dataBE[2] >= med, Value: dataBE[2], Baseline: med, N: len(prompts)})
	best, bestG := 0.0, 0
	for _, g := range gammas {
		if s := res["on-policy FKL"]["greedy"][g].speedup; s > best {
			best, bestG = s, g
		}
	}
	bc := res["on-policy FKL"]["greedy"][bestG]
	rep.Findings = append(rep.Findings, finding{ID: "real-wall-clock-speedup",
		Claim: fmt.Sprintf("speculative greedy decoding with the on-policy FKL draft is at least 2× faster in wall-clock time than target-only decoding at its best γ (γ=%d, median over interleaved chunks)", bestG),
		Holds: best >= 2, Value: best, Baseline: 2, N: len(prompts),
		Note: fmt.Sprintf("predicted %.2f from α=%.3f, γ=%d, c=%.4f; %.2f with the measured verification cost (%.2f steps); verification in situ %.2f steps; draft/target time per token %.4f (≤ 1/8 required)",
			bc.predicted, bc.alpha, bestG, costRatio, bc.predictedVerify, verifySteps[bestG], bc.verifyInSitu, costRatio)})

	if *outDir != "" {
		check(os.MkdirAll(*outDir, 0o755))
		p1 := filepath.Join(*outDir, "block_efficiency.png")
		check(plotGamma(p1, "block efficiency (tokens per target call)", names, gammas, func(n, t string, g int) float64 { return res[n][t][g].be }))
		p2 := filepath.Join(*outDir, "speedup.png")
		check(plotGamma(p2, "measured wall-clock speedup", names, gammas, func(n, t string, g int) float64 { return res[n][t][g].speedup }))
		p3 := filepath.Join(*outDir, "lossy.png")
		check(plotLossy(p3, rep.Tables["lossy"]))
		logf("wrote %s, %s, %s", p1, p2, p3)
	}
	rep.Config["seconds"] = math.Round(time.Since(start).Seconds())
	rep.Config["cpu_seconds"] = math.Round(report.CPUSeconds() - cpu0)

	if *asJSON {
		check(rep.WriteJSON(os.Stdout))
		return
	}
	fmt.Printf("DistillSpec on arithmetic (%s): target %s trained on %s, draft %s, %d %s prompts\n\n", taskName, rep.Config["target"], targetData, rep.Config["draft"], len(prompts), *evalSplit)
	cr := rep.Tables["cost"][0]
	fmt.Printf("time per token (single-token decoding): target %.0f µs, draft %.1f µs, c = %.4f\n\n", cr["target_us_per_token"], cr["draft_us_per_token"], costRatio)
	fmt.Printf("verifying γ+1 tokens in one target Append, in single-step units (and as a fraction of γ+1 single steps):")
	for _, g := range gammas {
		r := rep.Tables["verify"][slices.IndexFunc(rep.Tables["verify"], func(m map[string]any) bool { return m["gamma"] == g })]
		fmt.Printf("  γ=%d: %.2f (%.2f)", g, r["batched_in_steps"], r["batched_over_singles"])
	}
	fmt.Printf("\n\n")
	fmt.Printf("%-18s %-7s", "draft", "decode")
	for _, h := range []string{"α", "block eff.", "wall speedup", "CPU speedup", "predicted", "pred. w/ verify", "verify in situ"} {
		fmt.Printf(" |%-*s", 6*len(gammas), fmt.Sprintf(" %s γ=%v", h, gammas))
	}
	fmt.Println()
	for _, n := range names {
		for _, tp := range temps {
			fmt.Printf("%-18s %-7s", n, tp.name)
			for _, f := range []func(cell) float64{
				func(c cell) float64 { return c.alpha }, func(c cell) float64 { return c.be },
				func(c cell) float64 { return c.speedup }, func(c cell) float64 { return c.cpuSpeedup },
				func(c cell) float64 { return c.predicted }, func(c cell) float64 { return c.predictedVerify },
				func(c cell) float64 { return c.verifyInSitu }} {
				fmt.Print(" |")
				for _, g := range gammas {
					fmt.Printf(" %5.2f", f(res[n][tp.name][g]))
				}
			}
			fmt.Println()
		}
	}
	fmt.Printf("\nlossy decoding (f = p/ε, T=1, γ=%d, on-policy FKL draft)\n%8s %8s %8s %8s %8s %9s\n", *lossyGamma, "ε", "α", "BE", "speedup", "CPU", "accuracy")
	for _, r := range rep.Tables["lossy"] {
		fmt.Printf("%8g %8.3f %8.2f %8.2f %8.2f %9.3f\n", r["epsilon"], r["acceptance"], r["block_efficiency"], r["speedup"], r["speedup_cpu"], r["accuracy"])
	}
	fmt.Printf("\n%-28s %12s %12s %14s\n", "model", "val greedy", *evalSplit+" greedy", *evalSplit+" sampled")
	for _, r := range rep.Tables["accuracy"] {
		fmt.Printf("%-28s %12.3f %12.3f %14.3f\n", r["model"], r["val_greedy_pass@1"], r[*evalSplit+"_greedy_pass@1"], r[*evalSplit+"_sampled_pass@1"])
	}
	fmt.Println("\nfindings:")
	for _, f := range rep.Findings {
		fmt.Printf("  [%v] %s: %.3f vs %.3f\n", f.Holds, f.Claim, f.Value, f.Baseline)
		if f.Note != "" {
			fmt.Printf("      %s\n", f.Note)
		}
	}
	fmt.Printf("\ntotal %.0fs wall, %.0fs CPU\n", time.Since(start).Seconds(), report.CPUSeconds()-cpu0)
}

func row(gammas []int, f func(int) float64) string {
	parts := make([]string, len(gammas))
	for i, g := range gammas {
		parts[i] = fmt.Sprintf("%.2f", f(g))
	}
	return strings.Join(parts, "/")
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "distillspec:", err)
		os.Exit(1)
	}
}
