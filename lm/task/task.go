package task

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/tenet-ml/tenet"
)

// Problem is one verifiable problem of a Task.
//
// A language model is conditioned on Prompt and writes a completion; the task's Verify
// scores the completion. Prompt+Solution is a complete human-written example, the kind of
// text the limited supervised data consists of.
type Problem struct {
	// Prompt is the text the model is conditioned on.
	Prompt string
	// Solution is the human-written worked solution: the ideal completion of Prompt.
	Solution string
	// Answer is the normalised final answer, in the form the task's Answer method returns
	// for a correct solution (majority voting compares answers in this form).
	Answer string
	// Key identifies the problem for deduplication across splits: two problems with the
	// same Key never appear in different splits (nor twice in one).
	Key string
	// Examples are the input→output cases shown in the prompt (program synthesis only).
	Examples []Case
	// Tests are the hidden input→output cases (program synthesis only).
	Tests []Case
}

// Case is one input→output pair of a program-synthesis problem: a list of integers and
// the canonical text of the expected output (see Value.String).
type Case struct {
	// Input is the integer list the program receives.
	Input []int64
	// Output is the expected result in canonical form, such as "[2,4,6]" or "12".
	Output string
}

// Task is a family of verifiable problems: a seeded generator, a verifier and the answer
// normaliser used for majority voting. Arithmetic and Programs implement it; the ReST-EM
// loop accepts any implementation.
//
// Implementations in this package are immutable after construction and safe for
// concurrent use.
type Task interface {
	tenet.Verifier[Problem, string]
	// Name returns a short identifier of the task, such as "arith" or "program".
	Name() string
	// Alphabet returns every character that can occur in prompts, human solutions and
	// well-formed model solutions, sorted by code point and without repeats: the alphabet
	// of a character-level tokenizer.
	Alphabet() string
	// Sample draws one random problem from rng. It returns an error only when the
	// generator cannot find an acceptable problem (options too restrictive).
	Sample(rng *rand.Rand) (Problem, error)
	// Answer returns the normalised final answer of solution to p, and false if solution
	// has no well-formed answer (such a solution casts no vote). A solution is correct
	// exactly when its answer equals p.Answer.
	Answer(p Problem, solution string) (string, bool)
}

// SplitSizes is the number of problems in each split.
type SplitSizes struct {
	// Train is the size of the training pool.
	Train int
	// Validation is the size of the validation split (early stopping of the M-step).
	Validation int
	// Test is the size of the held-out test split.
	Test int
}

// DefaultSplitSizes returns the default sizes: 2000 training, 200 validation and 500 test
// problems.
func DefaultSplitSizes() SplitSizes {
	return SplitSizes{Train: 2000, Validation: 200, Test: 500}
}

// Splits holds disjoint train, validation and test problems of one task.
type Splits struct {
	// Train is the training pool.
	Train []Problem
	// Validation is the validation split.
	Validation []Problem
	// Test is the held-out test split.
	Test []Problem
}

// Named returns the split called name: "train", "val" (or "validation") or "test", as
// command-line flags name them; any other name is an error.
func (s Splits) Named(name string) ([]Problem, error) {
	switch name {
	case "train":
		return s.Train, nil
	case "val", "validation":
		return s.Validation, nil
	case "test":
		return s.Test, nil
	}
	return nil, fmt.Errorf("task: split %q: want train, val or test", name)
}

// MakeSplits draws disjoint train, validation and test splits of t: no Key occurs twice
// across (or within) the splits.
//
// Three seeds are drawn from rng first, one per split; the test split is generated first,
// then validation, then train, each from its own seed and skipping keys already taken. So
// the test split depends only on rng's state and sizes.Test, and enlarging the training pool
// leaves the test set unchanged. MakeSplits returns an error if a size is negative, if
// t.Sample fails, or if the task cannot produce enough distinct problems (it gives up after
// 50·size+1000 draws for a split).
func MakeSplits(t Task, sizes SplitSizes, rng *rand.Rand) (Splits, error) {
	if sizes.Train < 0 || sizes.Validation < 0 || sizes.Test < 0 {
		return Splits{}, fmt.Errorf("task: MakeSplits: negative split size %+v", sizes)
	}
	seeds := [3][2]uint64{}
	for i := range seeds {
		seeds[i] = [2]uint64{rng.Uint64(), rng.Uint64()}
	}
	seen := make(map[string]bool)
	draw := func(name string, n int, seed [2]uint64) ([]Problem, error) {
		r := rand.New(rand.NewPCG(seed[0], seed[1]))
		out := make([]Problem, 0, n)
		budget := 50*n + 1000
		for len(out) < n {
			if budget == 0 {
				return nil, fmt.Errorf("task: MakeSplits: %s: only %d distinct %s problems for the %s split, want %d",
					t.Name(), len(out), t.Name(), name, n)
			}
			budget--
			p, err := t.Sample(r)
			if err != nil {
				return nil, fmt.Errorf("task: MakeSplits: %s split: %w", name, err)
			}
			if seen[p.Key] {
				continue
			}
			seen[p.Key] = true
			out = append(out, p)
		}
		return out, nil
	}
	var s Splits
	var err error
	if s.Test, err = draw("test", sizes.Test, seeds[0]); err != nil {
		return Splits{}, err
	}
	if s.Validation, err = draw("validation", sizes.Validation, seeds[1]); err != nil {
		return Splits{}, err
	}
	if s.Train, err = draw("train", sizes.Train, seeds[2]); err != nil {
		return Splits{}, err
	}
	return s, nil
}

// alphabetOf returns the distinct characters of the given strings, sorted.
func alphabetOf(parts ...string) string {
	set := make(map[rune]bool)
	for _, p := range parts {
		for _, r := range p {
			set[r] = true
		}
	}
	rs := make([]rune, 0, len(set))
	for r := range set {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	var b strings.Builder
	for _, r := range rs {
		b.WriteRune(r)
	}
	return b.String()
}
