package task

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// ProgramOptions sets the size and difficulty of Programs problems.
type ProgramOptions struct {
	// MinOps and MaxOps bound the number of stages of a generating program
	// (2 ≤ MinOps ≤ MaxOps ≤ 5); the count is drawn uniformly.
	MinOps, MaxOps int
	// Examples is the number of input→output cases shown in the prompt (1–10).
	Examples int
	// Tests is the number of hidden cases (0–100).
	Tests int
	// MinLen and MaxLen bound the length of an input list (0 ≤ MinLen ≤ MaxLen ≤ 16).
	MinLen, MaxLen int
	// MinElem and MaxElem bound the integers of an input list (|bound| ≤ 1000).
	MinElem, MaxElem int64
	// Vocabulary, if not empty, replaces the generator's vocabulary: the single stages,
	// written in the list language (such as "map(x+1)", "filter(x%2==0)", "sort", "take(2)",
	// "sum"), that generated programs are built from and that the rejection of programs
	// with a shorter equivalent searches. It must hold at least one stage that is not a
	// reduction. Empty means the built-in vocabulary. A smaller vocabulary makes an easier
	// task.
	Vocabulary []string
	// SplitByProblem, if true, keys problems by their prompt (the shown cases) instead of
	// by the behaviour of their generating function, so that MakeSplits makes splits that
	// are disjoint by problem: no prompt is in two splits, but one function may appear in
	// several splits with different examples. The default (false) keeps every function in a
	// single split, which supplies enough distinct problems only with three or more stages;
	// with SplitByProblem, two-stage programs suffice, and Programs.FunctionOverlap measures
	// how many test problems share their function with a training problem.
	SplitByProblem bool
}

// DefaultProgramOptions returns the default size: programs of 2 or 3 stages, 4 shown and 8
// hidden cases, input lists of 3 to 6 integers in [0, 9].
func DefaultProgramOptions() ProgramOptions {
	return ProgramOptions{MinOps: 2, MaxOps: 3, Examples: 4, Tests: 8, MinLen: 3, MaxLen: 6, MinElem: 0, MaxElem: 9}
}

// Programs is the program-synthesis task: from input→output examples of an integer-list
// function, write a program of the list language that computes it. Verify runs the program
// on the shown and the hidden cases; see the package documentation for the language, the
// generator and its rejection rules.
//
// A Programs is immutable and safe for concurrent use.
type Programs struct {
	opts   ProgramOptions
	maps   []stage // the lambdas the generator draws from, by kind
	filter []stage
	shape  []stage // sort, reverse, take(n), drop(n)
	reduce []stage
	pool   []stage // all of the above: the single stages "shorter program" is checked against
	lists  []stage // maps, filters and shapes: the stages that return a list
	probes [][]int64
}

var _ Task = (*Programs)(nil)

// Generator vocabulary: the lambdas and counts a generated program is built from.
var (
	genMaps    = []string{"x+1", "x+2", "x+3", "x+5", "x-1", "x-2", "x-3", "x*2", "x*3", "x%2", "x%3", "x%4", "x*x", "-x", "10-x"}
	genFilters = []string{"x>0", "x>1", "x>2", "x>3", "x>4", "x>5", "x>6", "x<2", "x<3", "x<4", "x<5", "x<6", "x<7", "x<8", "x%2==0", "x%2==1", "x%3==0", "x%3!=0"}
	genShapes  = []string{"sort", "reverse", "take(1)", "take(2)", "take(3)", "drop(1)", "drop(2)", "drop(3)"}
	genReduce  = []string{"sum", "max", "min", "count"}
)

// NewPrograms returns the program-synthesis task with the given options, or an error if
// they are out of range.
func NewPrograms(opts ProgramOptions) (*Programs, error) {
	o := opts
	switch {
	case o.MinOps < 2 || o.MaxOps < o.MinOps || o.MaxOps > 5:
		return nil, fmt.Errorf("task: NewPrograms: ops [%d, %d] not within 2 ≤ MinOps ≤ MaxOps ≤ 5", o.MinOps, o.MaxOps)
	case o.Examples < 1 || o.Examples > 10:
		return nil, fmt.Errorf("task: NewPrograms: Examples %d outside [1, 10]", o.Examples)
	case o.Tests < 0 || o.Tests > 100:
		return nil, fmt.Errorf("task: NewPrograms: Tests %d outside [0, 100]", o.Tests)
	case o.MinLen < 0 || o.MaxLen < o.MinLen || o.MaxLen > 16:
		return nil, fmt.Errorf("task: NewPrograms: lengths [%d, %d] not within 0 ≤ MinLen ≤ MaxLen ≤ 16", o.MinLen, o.MaxLen)
	case o.MinElem < -1000 || o.MaxElem < o.MinElem || o.MaxElem > 1000:
		return nil, fmt.Errorf("task: NewPrograms: elements [%d, %d] not within -1000 ≤ MinElem ≤ MaxElem ≤ 1000", o.MinElem, o.MaxElem)
	}
	t := &Programs{opts: o}
	o.Vocabulary = slices.Clone(o.Vocabulary)
	t.opts.Vocabulary = o.Vocabulary
	if len(o.Vocabulary) > 0 {
		for _, src := range o.Vocabulary {
			p, err := Parse(src)
			if err != nil {
				return nil, fmt.Errorf("task: NewPrograms: vocabulary stage %q: %v", src, err)
			}
			if p.Stages() != 1 {
				return nil, fmt.Errorf("task: NewPrograms: vocabulary entry %q has %d stages, want 1", src, p.Stages())
			}
			switch st := p.stages[0]; {
			case st.op == opMap:
				t.maps = append(t.maps, st)
			case st.op == opFilter:
				t.filter = append(t.filter, st)
			case st.op.isReduction():
				t.reduce = append(t.reduce, st)
			default:
				t.shape = append(t.shape, st)
			}
		}
		if len(t.maps)+len(t.filter)+len(t.shape) == 0 {
			return nil, errors.New("task: NewPrograms: the vocabulary has no stage that returns a list")
		}
	} else {
		single := func(src string) stage {
			p, err := Parse(src)
			if err != nil {
				panic("task: bad generator stage " + src) // the vocabulary above is fixed and valid
			}
			return p.stages[0]
		}
		for _, s := range genMaps {
			t.maps = append(t.maps, single("map("+s+")"))
		}
		for _, s := range genFilters {
			t.filter = append(t.filter, single("filter("+s+")"))
		}
		for _, s := range genShapes {
			t.shape = append(t.shape, single(s))
		}
		for _, s := range genReduce {
			t.reduce = append(t.reduce, single(s))
		}
	}
	t.pool = append(append(append(append(t.pool, t.maps...), t.filter...), t.shape...), t.reduce...)
	t.lists = append(append(append(t.lists, t.maps...), t.filter...), t.shape...)
	// Fixed probe inputs fingerprint a program's behaviour for deduplication.
	r := rand.New(rand.NewPCG(0x7e4e7, 0x9b0b5))
	t.probes = [][]int64{{}, {o.MinElem}, {o.MaxElem, o.MinElem, o.MaxElem}}
	for range 13 {
		t.probes = append(t.probes, t.randomList(r))
	}
	return t, nil
}

// Options returns the task's options (a copy of the vocabulary).
func (t *Programs) Options() ProgramOptions {
	o := t.opts
	o.Vocabulary = slices.Clone(o.Vocabulary)
	return o
}

// Name returns "program".
func (t *Programs) Name() string { return "program" }

// Alphabet returns the characters of prompts (digits, "[],;>-", " P:") and of every
// program written without tabs or newlines: the letters of the operation names, 'x', and
// "()|+-*%<>=!" and space.
func (t *Programs) Alphabet() string {
	return alphabetOf("0123456789[],;>- P:", strings.Join(opNames[:], ""), "x()|+-*%<>=! ")
}

func (t *Programs) randomList(r *rand.Rand) []int64 {
	n := t.opts.MinLen + r.IntN(t.opts.MaxLen-t.opts.MinLen+1)
	xs := make([]int64, n)
	for i := range xs {
		xs[i] = t.opts.MinElem + r.Int64N(t.opts.MaxElem-t.opts.MinElem+1)
	}
	return xs
}

// randomStage draws a stage: a reduction for half of the last stages, otherwise a map,
// filter or shape stage with probabilities 0.3, 0.3 and 0.4. A kind missing from a custom
// vocabulary is replaced by a uniform draw from all its list stages.
func (t *Programs) randomStage(r *rand.Rand, last bool) stage {
	if last && r.IntN(2) == 0 && len(t.reduce) > 0 {
		return t.reduce[r.IntN(len(t.reduce))]
	}
	kind := t.shape
	switch k := r.IntN(10); {
	case k < 3:
		kind = t.maps
	case k < 6:
		kind = t.filter
	}
	if len(kind) == 0 {
		kind = t.lists
	}
	return kind[r.IntN(len(kind))]
}

// Sample draws one problem: a random program, random distinct inputs and their outputs,
// redrawn until the program is acceptable (see the package documentation). It returns an
// error if 10,000 draws in a row were rejected.
func (t *Programs) Sample(rng *rand.Rand) (Problem, error) {
	total := t.opts.Examples + t.opts.Tests
	for range 10_000 {
		n := t.opts.MinOps + rng.IntN(t.opts.MaxOps-t.opts.MinOps+1)
		prog := &Program{stages: make([]stage, n)}
		for i := range prog.stages {
			prog.stages[i] = t.randomStage(rng, i == n-1)
		}
		inputs := make([][]int64, 0, total)
		seen := make(map[string]bool)
		for tries := 0; len(inputs) < total && tries < 20*total; tries++ {
			in := t.randomList(rng)
			if k := formatList(in); !seen[k] {
				seen[k] = true
				inputs = append(inputs, in)
			}
		}
		if len(inputs) < total {
			continue
		}
		outs, ok := runAll(prog, inputs)
		if !ok || constant(outs[:t.opts.Examples]) {
			continue
		}
		if t.hasShorterEquivalent(prog, inputs[:t.opts.Examples], outs[:t.opts.Examples]) {
			continue
		}
		cases := make([]Case, total)
		answer := make([]string, total)
		for i := range cases {
			cases[i] = Case{Input: inputs[i], Output: outs[i].String()}
			answer[i] = cases[i].Output
		}
		var prompt strings.Builder
		for i, c := range cases[:t.opts.Examples] {
			if i > 0 {
				prompt.WriteByte(';')
			}
			prompt.WriteString(FormatCase(c))
		}
		prompt.WriteString(" P:")
		key := t.fingerprint(prog)
		if t.opts.SplitByProblem {
			key = prompt.String()
		}
		return Problem{
			Prompt:   prompt.String(),
			Solution: prog.String(),
			Answer:   strings.Join(answer, ";"),
			Key:      key,
			Examples: cases[:t.opts.Examples:t.opts.Examples],
			Tests:    cases[t.opts.Examples:],
		}, nil
	}
	return Problem{}, errors.New("task: Programs.Sample: 10000 programs in a row were rejected")
}

// runAll runs prog on every input with the default limits; ok is false if any run fails.
func runAll(prog *Program, inputs [][]int64) ([]Value, bool) {
	outs := make([]Value, len(inputs))
	for i, in := range inputs {
		v, err := prog.Run(in, Limits{})
		if err != nil {
			return nil, false
		}
		outs[i] = v
	}
	return outs, true
}

func constant(vs []Value) bool {
	for _, v := range vs[1:] {
		if !v.Equal(vs[0]) {
			return false
		}
	}
	return true
}

// hasShorterEquivalent reports whether a program with fewer stages computes outs from
// inputs. The candidates are the identity (no stages), every program made of a proper
// subsequence of prog's stages, every program of one or two stages of the generator's pool
// and, for programs of four or more stages, every program made by replacing two adjacent
// stages of prog with one stage of the pool.
func (t *Programs) hasShorterEquivalent(prog *Program, inputs [][]int64, outs []Value) bool {
	same := func(stages []stage) bool {
		for i := range stages[:max(len(stages)-1, 0)] {
			if stages[i].op.isReduction() {
				return false
			}
		}
		q := &Program{stages: stages}
		for i, in := range inputs {
			v, err := q.Run(in, Limits{})
			if err != nil || !v.Equal(outs[i]) {
				return false
			}
		}
		return true
	}
	n := len(prog.stages)
	for mask := 0; mask < 1<<n-1; mask++ {
		var sub []stage
		for i := range n {
			if mask&(1<<i) != 0 {
				sub = append(sub, prog.stages[i])
			}
		}
		if same(sub) {
			return true
		}
	}
	for _, s := range t.pool {
		if same([]stage{s}) {
			return true
		}
	}
	if n >= 3 && t.twoStageEquivalent(inputs, outs) {
		return true
	}
	if n >= 4 {
		for i := 0; i+1 < n; i++ {
			for _, s := range t.pool {
				st := make([]stage, 0, n-1)
				st = append(append(append(st, prog.stages[:i]...), s), prog.stages[i+2:]...)
				if same(st) {
					return true
				}
			}
		}
	}
	return false
}

// twoStageEquivalent reports whether some two-stage program of pool stages computes outs
// from inputs. First stages with the same intermediate results are tried once.
func (t *Programs) twoStageEquivalent(inputs [][]int64, outs []Value) bool {
	tried := make(map[string]bool)
	mids := make([][]int64, len(inputs))
	var key strings.Builder
	for _, first := range t.pool {
		if first.op.isReduction() {
			continue
		}
		q := &Program{stages: []stage{first}}
		key.Reset()
		ok := true
		for i, in := range inputs {
			v, err := q.Run(in, Limits{})
			if err != nil {
				ok = false
				break
			}
			mids[i] = v.List
			key.WriteString(v.String())
			key.WriteByte(';')
		}
		if !ok || tried[key.String()] {
			continue
		}
		tried[key.String()] = true
	second:
		for _, s := range t.pool {
			r := &Program{stages: []stage{s}}
			for i, mid := range mids {
				v, err := r.Run(mid, Limits{})
				if err != nil || !v.Equal(outs[i]) {
					continue second
				}
			}
			return true
		}
	}
	return false
}

// Function returns the behaviour of p's human solution on fixed probe inputs: two problems
// have the same Function exactly when their generating programs agree on every probe
// (programs computing one function always do). It returns false if the solution does not
// parse.
func (t *Programs) Function(p Problem) (string, bool) {
	prog, err := Parse(p.Solution)
	if err != nil {
		return "", false
	}
	return t.fingerprint(prog), true
}

// FunctionOverlap returns the fraction of the problems of test whose Function is also the
// Function of some problem of train: 0 for splits disjoint by function (the default keys),
// and the share of test problems whose function was seen in training, with different
// examples, when ProgramOptions.SplitByProblem is set. It returns 0 for an empty test.
func (t *Programs) FunctionOverlap(train, test []Problem) float64 {
	if len(test) == 0 {
		return 0
	}
	seen := make(map[string]bool, len(train))
	for _, p := range train {
		if f, ok := t.Function(p); ok {
			seen[f] = true
		}
	}
	n := 0
	for _, p := range test {
		if f, ok := t.Function(p); ok && seen[f] {
			n++
		}
	}
	return float64(n) / float64(len(test))
}

// fingerprint is the program's behaviour on the fixed probe inputs ("!" for an error).
func (t *Programs) fingerprint(prog *Program) string {
	parts := make([]string, len(t.probes))
	for i, in := range t.probes {
		v, err := prog.Run(in, Limits{})
		if err != nil {
			parts[i] = "!"
		} else {
			parts[i] = v.String()
		}
	}
	return strings.Join(parts, ";")
}

// Answer runs solution (surrounding white space removed) on the inputs of p's shown
// examples and then its hidden tests, and returns the outputs joined by ';'. It returns
// false if the solution does not parse, or fails on some input (step limit, range, modulo
// by zero, max or min of an empty list). Two solutions have the same answer exactly when
// they agree on every test input, so majority voting groups programs by behaviour, not by
// text; the vote uses the hidden inputs but never their expected outputs.
func (t *Programs) Answer(p Problem, solution string) (string, bool) {
	prog, err := Parse(strings.TrimSpace(solution))
	if err != nil {
		return "", false
	}
	parts := make([]string, 0, len(p.Examples)+len(p.Tests))
	for _, cs := range [2][]Case{p.Examples, p.Tests} {
		for _, c := range cs {
			v, err := prog.Run(c.Input, Limits{})
			if err != nil {
				return "", false
			}
			parts = append(parts, v.String())
		}
	}
	return strings.Join(parts, ";"), true
}

// Verify returns 1 if solution parses and produces the expected output on every shown and
// hidden case of p, and 0 otherwise (a malformed program, a runtime error, a wrong output,
// or a problem without cases).
func (t *Programs) Verify(p Problem, solution string) float32 {
	if len(p.Examples)+len(p.Tests) == 0 {
		return 0
	}
	prog, err := Parse(strings.TrimSpace(solution))
	if err != nil {
		return 0
	}
	for _, cs := range [2][]Case{p.Examples, p.Tests} {
		for _, c := range cs {
			v, err := prog.Run(c.Input, Limits{})
			if err != nil || v.String() != c.Output {
				return 0
			}
		}
	}
	return 1
}

// FormatCase returns the prompt text of one case, such as "[3,1,2]>[1,2,3]".
func FormatCase(c Case) string {
	return formatList(c.Input) + ">" + c.Output
}
