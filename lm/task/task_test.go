package task

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func tasks(t *testing.T) []Task {
	t.Helper()
	a, err := NewArithmetic(DefaultArithOptions())
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPrograms(DefaultProgramOptions())
	if err != nil {
		t.Fatal(err)
	}
	return []Task{a, p}
}

func TestMakeSplitsDisjointAndDeterministic(t *testing.T) {
	sizes := SplitSizes{Train: 300, Validation: 50, Test: 200}
	if testing.Short() {
		sizes = SplitSizes{Train: 60, Validation: 20, Test: 40}
	}
	for _, tk := range tasks(t) {
		s, err := MakeSplits(tk, sizes, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Train) != sizes.Train || len(s.Validation) != sizes.Validation || len(s.Test) != sizes.Test {
			t.Fatalf("%s: sizes %d/%d/%d", tk.Name(), len(s.Train), len(s.Validation), len(s.Test))
		}
		keys := map[string]bool{}
		prompts := map[string]bool{}
		for _, split := range [][]Problem{s.Train, s.Validation, s.Test} {
			for _, p := range split {
				if keys[p.Key] || prompts[p.Prompt] {
					t.Fatalf("%s: problem %q repeated across splits", tk.Name(), p.Prompt)
				}
				keys[p.Key], prompts[p.Prompt] = true, true
			}
		}
		again, _ := MakeSplits(tk, sizes, rand.New(rand.NewPCG(1, 2)))
		if !slices.EqualFunc(s.Train, again.Train, sameProblem) || !slices.EqualFunc(s.Test, again.Test, sameProblem) {
			t.Fatalf("%s: same seed, different splits", tk.Name())
		}
		// A larger training pool leaves the test split unchanged.
		bigger, err := MakeSplits(tk, SplitSizes{Train: 2 * sizes.Train, Validation: sizes.Validation, Test: sizes.Test}, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(s.Test, bigger.Test, sameProblem) || !slices.EqualFunc(s.Validation, bigger.Validation, sameProblem) {
			t.Fatalf("%s: the test split depends on the training size", tk.Name())
		}
		other, _ := MakeSplits(tk, sizes, rand.New(rand.NewPCG(9, 9)))
		if slices.EqualFunc(s.Test, other.Test, sameProblem) {
			t.Fatalf("%s: different seeds, same test split", tk.Name())
		}
	}
}

func sameProblem(a, b Problem) bool {
	return a.Prompt == b.Prompt && a.Solution == b.Solution && a.Answer == b.Answer && a.Key == b.Key
}

func TestMakeSplitsDefaultSizes(t *testing.T) {
	d := DefaultSplitSizes()
	if d.Test < 500 {
		t.Errorf("default test split %d < 500", d.Test)
	}
	if testing.Short() {
		t.Skip("full default splits in -short mode")
	}
	for _, tk := range tasks(t) {
		s, err := MakeSplits(tk, d, rand.New(rand.NewPCG(1, 1)))
		if err != nil || len(s.Test) != d.Test || len(s.Train) != d.Train {
			t.Errorf("%s: %v", tk.Name(), err)
		}
	}
}

func TestMakeSplitsErrors(t *testing.T) {
	// One-digit sums have only 100 distinct expressions.
	small, _ := NewArithmetic(ArithOptions{Digits: 1, MinSteps: 1, MaxSteps: 1, Ops: "+"})
	if _, err := MakeSplits(small, SplitSizes{Test: 101}, rand.New(rand.NewPCG(1, 2))); err == nil {
		t.Error("MakeSplits made 101 distinct problems from 100")
	} else if !strings.Contains(err.Error(), "test") {
		t.Errorf("error %v does not name the split", err)
	}
	s, err := MakeSplits(small, SplitSizes{Train: 40, Validation: 10, Test: 50}, rand.New(rand.NewPCG(1, 2)))
	if err != nil || len(s.Train)+len(s.Validation)+len(s.Test) != 100 {
		t.Errorf("all 100 problems: %v", err)
	}
	if _, err := MakeSplits(small, SplitSizes{Train: -1}, rand.New(rand.NewPCG(1, 2))); err == nil {
		t.Error("negative size accepted")
	}
}

func TestAlphabets(t *testing.T) {
	for _, tk := range tasks(t) {
		a := tk.Alphabet()
		rs := []rune(a)
		if !slices.IsSorted(rs) || len(slices.Compact(slices.Clone(rs))) != len(rs) {
			t.Errorf("%s: alphabet %q not sorted and distinct", tk.Name(), a)
		}
	}
}

func TestSplitsNamed(t *testing.T) {
	s := Splits{Train: make([]Problem, 3), Validation: make([]Problem, 2), Test: make([]Problem, 1)}
	for name, want := range map[string]int{"train": 3, "val": 2, "validation": 2, "test": 1} {
		got, err := s.Named(name)
		if err != nil || len(got) != want {
			t.Errorf("Named(%q): %d problems, %v; want %d", name, len(got), err, want)
		}
	}
	if _, err := s.Named("dev"); err == nil {
		t.Error(`Named("dev"): no error`)
	}
}
