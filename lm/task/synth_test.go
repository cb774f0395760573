package task

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestProgramSamples(t *testing.T) {
	for _, opts := range []ProgramOptions{
		DefaultProgramOptions(),
		{MinOps: 2, MaxOps: 5, Examples: 3, Tests: 5, MinLen: 0, MaxLen: 8, MinElem: -5, MaxElem: 5},
	} {
		task, err := NewPrograms(opts)
		if err != nil {
			t.Fatal(err)
		}
		alphabet := task.Alphabet()
		rng := rand.New(rand.NewPCG(3, 4))
		n := 200
		if testing.Short() {
			n = 50
		}
		for range n {
			p, err := task.Sample(rng)
			if err != nil {
				t.Fatal(err)
			}
			prog, err := Parse(p.Solution)
			if err != nil {
				t.Fatalf("human solution %q: %v", p.Solution, err)
			}
			if prog.String() != p.Solution {
				t.Fatalf("human solution %q is not canonical", p.Solution)
			}
			if prog.Stages() < opts.MinOps || prog.Stages() > opts.MaxOps {
				t.Fatalf("%q has %d stages", p.Solution, prog.Stages())
			}
			if len(p.Examples) != opts.Examples || len(p.Tests) != opts.Tests {
				t.Fatalf("%d examples and %d tests", len(p.Examples), len(p.Tests))
			}
			if task.Verify(p, p.Solution) != 1 || task.Verify(p, " "+p.Solution+"\n") != 1 {
				t.Fatalf("human solution %q rejected", p.Solution)
			}
			if a, ok := task.Answer(p, p.Solution); !ok || a != p.Answer {
				t.Fatalf("Answer %q, %v; want %q", a, ok, p.Answer)
			}
			seen := map[string]bool{}
			var shown []string
			for i, c := range append(slices.Clone(p.Examples), p.Tests...) {
				k := formatList(c.Input)
				if seen[k] {
					t.Fatalf("%q: input %s repeated", p.Prompt, k)
				}
				seen[k] = true
				if len(c.Input) < opts.MinLen || len(c.Input) > opts.MaxLen {
					t.Fatalf("input %v length outside [%d, %d]", c.Input, opts.MinLen, opts.MaxLen)
				}
				for _, x := range c.Input {
					if x < opts.MinElem || x > opts.MaxElem {
						t.Fatalf("input %v outside [%d, %d]", c.Input, opts.MinElem, opts.MaxElem)
					}
				}
				if i < len(p.Examples) {
					shown = append(shown, FormatCase(c))
				}
			}
			if want := strings.Join(shown, ";") + " P:"; p.Prompt != want {
				t.Fatalf("prompt %q, want %q", p.Prompt, want)
			}
			outs := make([]Value, len(p.Examples))
			ins := make([][]int64, len(p.Examples))
			for i, c := range p.Examples {
				ins[i] = c.Input
				outs[i], _ = prog.Run(c.Input, Limits{})
			}
			if constant(outs) {
				t.Fatalf("%q: constant output on the examples", p.Solution)
			}
			if task.hasShorterEquivalent(prog, ins, outs) {
				t.Fatalf("%q: a shorter program fits the examples", p.Solution)
			}
			for _, r := range p.Prompt + p.Solution {
				if !strings.ContainsRune(alphabet, r) {
					t.Fatalf("%q outside alphabet %q", r, alphabet)
				}
			}
		}
	}
}

func TestProgramsRejectsShorterEquivalents(t *testing.T) {
	task, _ := NewPrograms(DefaultProgramOptions())
	ins := [][]int64{{3, 1, 2}, {5, 0, 7, 7}, {9, 4}}
	check := func(src string, want bool) {
		t.Helper()
		p, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		outs, ok := runAll(p, ins)
		if !ok {
			t.Fatalf("%s fails on the inputs", src)
		}
		if got := task.hasShorterEquivalent(p, ins, outs); got != want {
			t.Errorf("hasShorterEquivalent(%s) = %v, want %v", src, got, want)
		}
	}
	check("sort|sort", true)                          // subsequence
	check("reverse|reverse", true)                    // identity
	check("map(x+1)|map(x+2)", true)                  // one pool stage: map(x+3)
	check("take(5)|sum", true)                        // take is a no-op on these inputs
	check("sort|map(x*2)|sort", true)                 // subsequence map(x*2)|sort
	check("map(x+1)|map(x+1)|filter(x>4)", true)      // two pool stages: map(x+2)|filter(x>4)
	check("map(x-1)|map(x+2)|sort|take(2)", true)     // adjacent pair replaced: map(x+1)|sort|take(2)
	check("map(x*2)|filter(x>5)", false)              // a genuine two-stage function
	check("filter(x%2==1)|map(x*3)|sum", false)       // a genuine three-stage function
	check("sort|reverse|take(1)|sum", true)           // one pool stage: max
	check("sort|map(x+1)|reverse|take(2)|sum", false) // no candidate of the check fits
}

func TestProgramsVerify(t *testing.T) {
	task, _ := NewPrograms(DefaultProgramOptions())
	p := Problem{
		Examples: []Case{{[]int64{3, 1, 2}, "[2,4,6]"}, {[]int64{5}, "[10]"}},
		Tests:    []Case{{[]int64{}, "[]"}, {[]int64{4, 4, 0}, "[0,8,8]"}},
	}
	tests := []struct {
		sol  string
		want float32
	}{
		{"map(x*2)|sort", 1},
		{"sort|map(x*2)", 1},
		{"map(x+x)|sort", 1},
		{" sort | map( x*2 ) \n", 1},
		{"map(x*2)|sort|take(9)", 1},
		{"map(x*2)", 0},                  // right on one shown case only
		{"map(x*2)|sort|reverse", 0},     // wrong order
		{"map(x*2)|sort|filter(x>0)", 0}, // right on the shown cases, wrong on a hidden one
		{"map(x*2)|sort garbage", 0},
		{"map(x*2)|sort####", 0},
		{"map(x*2)|sort|sum", 0},
		{"map(x*2)|sort|max", 0}, // errors on the empty hidden input
		{"map(x%0)", 0},
		{"", 0},
		{"\xff\xfe", 0},
		{strings.Repeat("sort|", 100) + "sort", 0},
	}
	for _, tc := range tests {
		if got := task.Verify(p, tc.sol); got != tc.want {
			t.Errorf("Verify(%q) = %v, want %v", tc.sol, got, tc.want)
		}
	}
	if got := task.Verify(Problem{}, "sort"); got != 0 {
		t.Errorf("a problem without cases verified %v", got)
	}
	a1, ok1 := task.Answer(p, "map(x*2)|sort")
	a2, ok2 := task.Answer(p, "sort|map(x+x)")
	if !ok1 || !ok2 || a1 != a2 || a1 != "[2,4,6];[10];[];[0,8,8]" {
		t.Errorf("behaviourally equal programs answer %q and %q", a1, a2)
	}
	if _, ok := task.Answer(p, "map(x*2)|sort|max"); ok {
		t.Error("a program failing on a test input has an answer")
	}
}

func TestNewProgramsErrors(t *testing.T) {
	d := DefaultProgramOptions()
	mods := []func(o *ProgramOptions){
		func(o *ProgramOptions) { o.MinOps = 1 },
		func(o *ProgramOptions) { o.MaxOps = 6 },
		func(o *ProgramOptions) { o.MinOps, o.MaxOps = 3, 2 },
		func(o *ProgramOptions) { o.Examples = 0 },
		func(o *ProgramOptions) { o.Examples = 11 },
		func(o *ProgramOptions) { o.Tests = -1 },
		func(o *ProgramOptions) { o.Tests = 101 },
		func(o *ProgramOptions) { o.MinLen = -1 },
		func(o *ProgramOptions) { o.MinLen, o.MaxLen = 5, 4 },
		func(o *ProgramOptions) { o.MaxLen = 17 },
		func(o *ProgramOptions) { o.MinElem = -1001 },
		func(o *ProgramOptions) { o.MinElem, o.MaxElem = 3, 2 },
	}
	for i, m := range mods {
		o := d
		m(&o)
		if _, err := NewPrograms(o); err == nil {
			t.Errorf("case %d: NewPrograms(%+v) accepted", i, o)
		}
	}
}

func TestProgramsSampleFailsWhenImpossible(t *testing.T) {
	// Single-element inputs from {0}: every output is constant, so every program is rejected.
	task, err := NewPrograms(ProgramOptions{MinOps: 2, MaxOps: 2, Examples: 1, Tests: 0, MinLen: 1, MaxLen: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := task.Sample(rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("Sample succeeded on an impossible configuration")
	}
}

func TestProgramsDeterministic(t *testing.T) {
	task, _ := NewPrograms(DefaultProgramOptions())
	r1, r2 := rand.New(rand.NewPCG(5, 6)), rand.New(rand.NewPCG(5, 6))
	for range 50 {
		p1, _ := task.Sample(r1)
		p2, _ := task.Sample(r2)
		if p1.Prompt != p2.Prompt || p1.Solution != p2.Solution || p1.Answer != p2.Answer || p1.Key != p2.Key {
			t.Fatalf("same seed, different problems: %q vs %q", p1.Prompt, p2.Prompt)
		}
	}
}

func TestProgramVocabulary(t *testing.T) {
	opts := DefaultProgramOptions()
	opts.MinOps, opts.MaxOps = 2, 3
	opts.Vocabulary = []string{"map(x+1)", "map( x*2 )", "filter(x>3)", "sort", "reverse", "sum", "max"}
	task, err := NewPrograms(opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Vocabulary[0] = "map(x+9)" // the task keeps its own copy
	allowed := map[string]bool{"map(x+1)": true, "map(x*2)": true, "filter(x>3)": true, "sort": true, "reverse": true, "sum": true, "max": true}
	if got := task.Options().Vocabulary; len(got) != 7 || got[0] != "map(x+1)" {
		t.Fatalf("Options().Vocabulary = %q", got)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	kinds := map[string]int{}
	n := 300
	if testing.Short() {
		n = 80
	}
	for range n {
		p, err := task.Sample(rng)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range strings.Split(p.Solution, "|") {
			if !allowed[s] {
				t.Fatalf("solution %q has stage %q outside the vocabulary", p.Solution, s)
			}
			kinds[s]++
		}
		if task.Verify(p, p.Solution) != 1 {
			t.Fatalf("human solution %q rejected", p.Solution)
		}
	}
	for s := range allowed {
		if kinds[s] == 0 {
			t.Errorf("stage %s never drawn in %d problems (%v)", s, n, kinds)
		}
	}
	// A vocabulary without maps or filters draws its list stages in their place.
	only, err := NewPrograms(ProgramOptions{MinOps: 2, MaxOps: 2, Examples: 3, Tests: 3, MinLen: 3, MaxLen: 5, MaxElem: 9,
		Vocabulary: []string{"sort", "take(2)", "count"}})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		p, err := only.Sample(rng)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(p.Solution, "map") || strings.Contains(p.Solution, "filter") {
			t.Fatalf("solution %q", p.Solution)
		}
	}
	for _, bad := range [][]string{{"map(x+1"}, {"sort|reverse"}, {"sum", "max"}, {""}} {
		o := DefaultProgramOptions()
		o.Vocabulary = bad
		if _, err := NewPrograms(o); err == nil {
			t.Errorf("vocabulary %q: no error", bad)
		}
	}
}

func TestProgramsSplitByProblem(t *testing.T) {
	opts := DefaultProgramOptions()
	opts.MinOps, opts.MaxOps = 2, 2
	opts.Vocabulary = []string{"map(x+1)", "map(x*2)", "filter(x>4)", "sort", "reverse", "take(2)", "sum", "max"}
	byFunc, err := NewPrograms(opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.SplitByProblem = true
	byProb, err := NewPrograms(opts)
	if err != nil {
		t.Fatal(err)
	}
	// Keyed by function, this small vocabulary cannot fill the splits.
	sizes := SplitSizes{Train: 200, Validation: 50, Test: 100}
	if _, err := MakeSplits(byFunc, sizes, rand.New(rand.NewPCG(3, 4))); err == nil {
		t.Fatal("function-keyed splits of a small vocabulary: no error")
	}
	s, err := MakeSplits(byProb, sizes, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	prompts := map[string]bool{}
	for _, split := range [][]Problem{s.Train, s.Validation, s.Test} {
		for _, p := range split {
			if p.Key != p.Prompt {
				t.Fatalf("key %q is not the prompt %q", p.Key, p.Prompt)
			}
			if prompts[p.Prompt] {
				t.Fatalf("prompt %q in two splits", p.Prompt)
			}
			prompts[p.Prompt] = true
			prog, err := Parse(p.Solution)
			if err != nil || prog.Stages() != 2 {
				t.Fatalf("solution %q: %v", p.Solution, err)
			}
		}
	}
	// With few functions, almost every test function occurs in the training split.
	if o := byProb.FunctionOverlap(s.Train, s.Test); o < 0.9 || o > 1 {
		t.Errorf("overlap %.3f, want ≥ 0.9", o)
	}
	if o := byProb.FunctionOverlap(s.Test, s.Test); o != 1 {
		t.Errorf("self-overlap %.3f, want 1", o)
	}
	if o := byProb.FunctionOverlap(nil, s.Test); o != 0 {
		t.Errorf("overlap with no training problems %.3f, want 0", o)
	}
	// Splits keyed by function have no overlap.
	full, err := NewPrograms(DefaultProgramOptions())
	if err != nil {
		t.Fatal(err)
	}
	fs, err := MakeSplits(full, SplitSizes{Train: 100, Validation: 10, Test: 40}, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	if o := full.FunctionOverlap(fs.Train, fs.Test); o != 0 {
		t.Errorf("function-keyed splits: overlap %.3f, want 0", o)
	}
	// Function is the key of a function-keyed problem and fails on a malformed solution.
	if f, ok := full.Function(fs.Test[0]); !ok || f != fs.Test[0].Key {
		t.Errorf("Function = %q, %v; want the key %q", f, ok, fs.Test[0].Key)
	}
	bad := fs.Test[0]
	bad.Solution = "map("
	if _, ok := full.Function(bad); ok {
		t.Error("Function accepted a malformed solution")
	}
}
