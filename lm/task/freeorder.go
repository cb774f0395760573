package task

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// CorrectionMarker introduces a corrected result in a FreeOrder step: "7+9=15 no =16"
// states 15, retracts it and states 16. Only the last result of a step counts.
const CorrectionMarker = " no ="

// MaxCorrections is the largest number of corrections a step of a valid FreeOrder solution
// may hold; a step with more is invalid, so a solution cannot list guesses until one is right.
const MaxCorrections = 2

// maxFreeOrderValue bounds every value in a FreeOrder problem; problems whose result exceeds
// it are redrawn, and a solution stating a larger number is malformed.
const maxFreeOrderValue = 1_000_000_000_000

// FreeOrderOptions sets the difficulty of FreeOrder problems.
type FreeOrderOptions struct {
	// Digits is the largest number of decimal digits of a term (1–3): terms are drawn
	// uniformly from [0, 10^Digits).
	Digits int
	// MinTerms and MaxTerms bound the number of terms (2 ≤ MinTerms ≤ MaxTerms ≤ 8); the
	// count is drawn uniformly. A problem of n terms has n−1 worked steps.
	MinTerms, MaxTerms int
	// Ops lists the operators to draw from, a non-empty subset of "+*" without repeats.
	// Each problem uses one operator, drawn uniformly, between all its terms.
	Ops string
	// Slips is the probability, in [0, 1), that a step of a human solution first states a
	// wrong result and then corrects it ("7+9=15 no =16"): self-correction in the data.
	// Zero gives human solutions without corrections.
	Slips float64
	// InOrder writes the human solutions in reading order: every step combines the first two
	// numbers left, and its result takes their place at the front ("7+5=12;12+9=21;…"), one
	// valid solution among many, in the style of a model trained on one convention. The
	// problems drawn for a seed are the same as without it, and the verifier still accepts
	// every valid order.
	InOrder bool
}

// DefaultFreeOrderOptions returns the default difficulty: sums of three to five one-digit
// terms, without corrections in the human solutions.
func DefaultFreeOrderOptions() FreeOrderOptions {
	return FreeOrderOptions{Digits: 1, MinTerms: 3, MaxTerms: 5, Ops: "+"}
}

// FreeOrder is the free-order arithmetic task: reduce a sum (or product) of several terms to
// one number, one step at a time, where each step combines any two of the numbers still
// left. A problem therefore has many valid worked solutions, and the human solution is one
// of them drawn at random. The verifier checks the whole solution: every step must combine
// two numbers still left with a right result, and the final answer must be the one number
// left. See the package documentation for the format.
//
// A FreeOrder is immutable and safe for concurrent use.
type FreeOrder struct {
	opts FreeOrderOptions
}

var _ Task = (*FreeOrder)(nil)

// NewFreeOrder returns the free-order task with the given options, or an error if they are
// out of range.
func NewFreeOrder(opts FreeOrderOptions) (*FreeOrder, error) {
	if opts.Digits < 1 || opts.Digits > 3 {
		return nil, fmt.Errorf("task: NewFreeOrder: Digits %d outside [1, 3]", opts.Digits)
	}
	if opts.MinTerms < 2 || opts.MaxTerms < opts.MinTerms || opts.MaxTerms > 8 {
		return nil, fmt.Errorf("task: NewFreeOrder: terms [%d, %d] not within 2 ≤ MinTerms ≤ MaxTerms ≤ 8", opts.MinTerms, opts.MaxTerms)
	}
	if opts.Ops == "" {
		return nil, errors.New("task: NewFreeOrder: no operators")
	}
	for i, c := range opts.Ops {
		if !strings.ContainsRune("+*", c) || strings.ContainsRune(opts.Ops[:i], c) {
			return nil, fmt.Errorf("task: NewFreeOrder: Ops %q must be distinct operators from \"+*\"", opts.Ops)
		}
	}
	if !(opts.Slips >= 0 && opts.Slips < 1) {
		return nil, fmt.Errorf("task: NewFreeOrder: Slips %v outside [0, 1)", opts.Slips)
	}
	return &FreeOrder{opts: opts}, nil
}

// Options returns the task's options.
func (f *FreeOrder) Options() FreeOrderOptions { return f.opts }

// Name returns "freeorder".
func (f *FreeOrder) Name() string { return "freeorder" }

// Alphabet returns the characters of the free-order format: digits, the operators, '=',
// ';', '#', 'Q', 'A', ':', space and the letters of the correction marker (which a model
// may write even when the human solutions hold no corrections).
func (f *FreeOrder) Alphabet() string {
	return alphabetOf("0123456789", f.opts.Ops, "=;", AnswerMarker, "Q: A:", CorrectionMarker)
}

// Sample draws one problem: between MinTerms and MaxTerms terms joined by one operator,
// and a human solution that combines a random pair of the numbers left at each step, in a
// random order of the two operands (with InOrder, the first two numbers left), writing a
// slip and its correction with probability Slips per step.
func (f *FreeOrder) Sample(rng *rand.Rand) (Problem, error) {
	for range 1000 {
		n := f.opts.MinTerms + rng.IntN(f.opts.MaxTerms-f.opts.MinTerms+1)
		op := f.opts.Ops[rng.IntN(len(f.opts.Ops))]
		terms := make([]int64, n)
		for i := range terms {
			terms[i] = rng.Int64N(pow10(f.opts.Digits))
		}
		total, ok := combineAll(terms, op)
		if !ok {
			continue
		}
		left := append([]int64(nil), terms...)
		var b strings.Builder
		for len(left) > 1 {
			i := rng.IntN(len(left))
			j := rng.IntN(len(left) - 1)
			if j >= i {
				j++
			}
			if f.opts.InOrder {
				// The same draws as a random order, so that the problems are the same.
				i, j = 0, 1
			}
			x, y := left[i], left[j]
			r, _ := combine(x, y, op)
			if b.Len() > 0 {
				b.WriteByte(';')
			}
			fmt.Fprintf(&b, "%d%c%d=", x, op, y)
			if f.opts.Slips > 0 && rng.Float64() < f.opts.Slips {
				fmt.Fprintf(&b, "%d%s", slip(r, rng), CorrectionMarker)
			}
			b.WriteString(strconv.FormatInt(r, 10))
			if f.opts.InOrder {
				// The result takes the place of the first two numbers.
				left[1] = r
				left = left[1:]
				continue
			}
			// Remove both operands (the larger index first) and append the result.
			hi, lo := max(i, j), min(i, j)
			left = append(left[:hi], left[hi+1:]...)
			left = append(left[:lo], left[lo+1:]...)
			left = append(left, r)
		}
		expr := formatTerms(terms, op)
		answer := strconv.FormatInt(total, 10)
		return Problem{
			Prompt:   "Q:" + expr + " A:",
			Solution: b.String() + AnswerMarker + answer,
			Answer:   answer,
			Key:      expr,
		}, nil
	}
	return Problem{}, errors.New("task: FreeOrder.Sample: no problem within range after 1000 draws")
}

// slip returns a plausible wrong result in place of r: off by one or two, or by ten, never
// negative and never r itself.
func slip(r int64, rng *rand.Rand) int64 {
	deltas := [...]int64{-10, -2, -1, 1, 2, 10}
	for {
		w := r + deltas[rng.IntN(len(deltas))]
		if w >= 0 && w != r {
			return w
		}
	}
}

// Verify returns 1 if solution is a valid worked solution of p with the right final answer
// (see Answer) and 0 otherwise.
func (f *FreeOrder) Verify(p Problem, solution string) float32 {
	ans, ok := f.Answer(p, solution)
	if ok && ans == p.Answer {
		return 1
	}
	return 0
}

// Answer returns the final answer of solution in canonical decimal form, and true, only if
// the whole worked solution is valid: every step "a op b=v" (optionally "a op b=w no =v",
// at most MaxCorrections corrections, each retracting a result other than the right one)
// uses the problem's operator on two numbers still left — terms of the problem or results
// of earlier steps, each used once — with v the right result; the steps leave exactly one
// number; and the text after the AnswerMarker (as read by ParseFinalAnswer) equals it. A
// solution with an invalid step casts no vote. Numbers in steps are written in canonical
// decimal form (no sign, no leading zeros).
func (f *FreeOrder) Answer(p Problem, solution string) (string, bool) {
	st, ok := f.start(p)
	if !ok {
		return "", false
	}
	i := strings.LastIndex(solution, AnswerMarker)
	if i < 0 {
		return "", false
	}
	ans, ok := ParseFinalAnswer(solution[i:])
	if !ok {
		return "", false
	}
	if solution[:i] == "" {
		return "", false
	}
	for _, step := range strings.Split(solution[:i], ";") {
		if !st.apply(step) {
			return "", false
		}
	}
	if len(st.left) != 1 || strconv.FormatInt(st.left[0], 10) != ans {
		return "", false
	}
	return ans, true
}

// ValidPrefix reports whether prefix, a partial solution of p, can still be completed to a
// correct solution: every finished step is valid, and the unfinished text is the start of a
// valid step or of the AnswerMarker and the right final answer in canonical form. A wrong
// result that a correction may still retract counts as completable. ValidPrefix is meant for
// diagnostics: it tells a student's unusual but valid partial solutions from those it cannot
// recover.
func (f *FreeOrder) ValidPrefix(p Problem, prefix string) bool {
	st, ok := f.start(p)
	if !ok {
		return false
	}
	steps, tail := prefix, ""
	if i := strings.Index(prefix, "#"); i >= 0 {
		steps, tail = prefix[:i], prefix[i:]
	}
	parts := strings.Split(steps, ";")
	for _, step := range parts[:len(parts)-1] {
		if !st.apply(step) {
			return false
		}
	}
	last := parts[len(parts)-1]
	if tail == "" {
		return st.validPartialStep(last)
	}
	// The answer has begun: the last step must be finished and leave one number.
	if (last == "" && len(parts) == 1) || !st.apply(last) || len(st.left) != 1 {
		return false
	}
	want := AnswerMarker + strconv.FormatInt(st.left[0], 10)
	return strings.HasPrefix(want, tail)
}

// freeOrderState is the multiset of numbers left while a solution is checked.
type freeOrderState struct {
	op   byte
	left []int64
}

// start parses p's prompt ("Q:" terms " A:") into the initial state.
func (f *FreeOrder) start(p Problem) (*freeOrderState, bool) {
	expr, ok := strings.CutPrefix(p.Prompt, "Q:")
	if !ok {
		return nil, false
	}
	if expr, ok = strings.CutSuffix(expr, " A:"); !ok {
		return nil, false
	}
	var op byte
	for _, c := range []byte(f.opts.Ops) {
		if strings.IndexByte(expr, c) >= 0 {
			op = c
		}
	}
	if op == 0 {
		return nil, false
	}
	st := &freeOrderState{op: op}
	for _, s := range strings.Split(expr, string(op)) {
		v, ok := parseNat(s)
		if !ok {
			return nil, false
		}
		st.left = append(st.left, v)
	}
	if len(st.left) < 2 {
		return nil, false
	}
	return st, true
}

// apply checks one finished step and, if it is valid, replaces its operands by its result.
func (s *freeOrderState) apply(step string) bool {
	lhs, rhs, ok := strings.Cut(step, "=")
	if !ok {
		return false
	}
	x, y, r, vals, ok := s.stepParts(lhs, rhs)
	if !ok {
		return false
	}
	for k, t := range vals {
		v, ok := parseNat(t)
		if !ok || (k < len(vals)-1) == (v == r) {
			return false // malformed, a retracted right result, or a wrong last result
		}
	}
	s.take(x, y)
	s.left = append(s.left, r)
	return true
}

// stepParts parses the two sides of a step "x op y=v1 no =v2…": the operands, which must be
// two numbers still left, their result r, and the stated values (one per correction, plus
// the last), at most MaxCorrections+1 of them.
func (s *freeOrderState) stepParts(lhs, rhs string) (x, y, r int64, vals []string, ok bool) {
	if x, y, ok = s.operands(lhs); !ok {
		return 0, 0, 0, nil, false
	}
	if r, ok = combine(x, y, s.op); !ok {
		return 0, 0, 0, nil, false
	}
	vals = strings.Split(rhs, CorrectionMarker)
	if len(vals) > MaxCorrections+1 {
		return 0, 0, 0, nil, false
	}
	return x, y, r, vals, true
}

// operands parses "x op y" and reports whether x and y are two numbers still left.
func (s *freeOrderState) operands(lhs string) (x, y int64, ok bool) {
	a, b, ok := strings.Cut(lhs, string(s.op))
	if !ok {
		return 0, 0, false
	}
	if x, ok = parseNat(a); !ok {
		return 0, 0, false
	}
	if y, ok = parseNat(b); !ok {
		return 0, 0, false
	}
	need := 1
	if x == y {
		need = 2
	}
	if s.count(x) < need || s.count(y) < 1 {
		return 0, 0, false
	}
	return x, y, true
}

// validPartialStep reports whether t is the start of a valid step from this state.
func (s *freeOrderState) validPartialStep(t string) bool {
	lhs, rhs, finished := strings.Cut(t, "=")
	if !finished {
		// "", "7", "7+", "7+9": the operands typed so far must lead to two numbers left.
		a, b, hasOp := strings.Cut(lhs, string(s.op))
		if !hasOp {
			return s.someNumberStartsWith(a, 0, false)
		}
		x, ok := parseNat(a)
		if !ok || s.count(x) == 0 {
			return false
		}
		return s.someNumberStartsWith(b, x, true)
	}
	_, _, r, vals, ok := s.stepParts(lhs, rhs)
	if !ok {
		return false
	}
	for _, v := range vals[:len(vals)-1] {
		n, ok := parseNat(v)
		if !ok || n == r {
			return false
		}
	}
	// The last piece is a number being written, or the start of a correction marker after
	// a finished wrong number.
	lastPiece := vals[len(vals)-1]
	digits := strings.TrimRight(lastPiece, " no=")
	rest := lastPiece[len(digits):]
	if rest != "" {
		n, ok := parseNat(digits)
		return ok && n != r && len(vals) <= MaxCorrections && strings.HasPrefix(CorrectionMarker, rest)
	}
	if digits == "" {
		return true
	}
	if len(vals) <= MaxCorrections {
		// Any well-formed number may still be retracted by a correction.
		_, ok := parseNat(digits)
		return ok
	}
	return strings.HasPrefix(strconv.FormatInt(r, 10), digits)
}

// someNumberStartsWith reports whether some number left (other than one copy of skip, if
// skipOne) has a canonical decimal form starting with t.
func (s *freeOrderState) someNumberStartsWith(t string, skip int64, skipOne bool) bool {
	skipped := !skipOne
	for _, v := range s.left {
		if !skipped && v == skip {
			skipped = true
			continue
		}
		if strings.HasPrefix(strconv.FormatInt(v, 10), t) {
			return true
		}
	}
	return false
}

func (s *freeOrderState) count(v int64) int {
	n := 0
	for _, w := range s.left {
		if w == v {
			n++
		}
	}
	return n
}

// take removes one copy of x and one of y from the numbers left.
func (s *freeOrderState) take(x, y int64) {
	for _, v := range [2]int64{x, y} {
		for i, w := range s.left {
			if w == v {
				s.left = append(s.left[:i], s.left[i+1:]...)
				break
			}
		}
	}
}

// parseNat parses a non-negative integer in canonical decimal form, at most maxFreeOrderValue.
func parseNat(s string) (int64, bool) {
	if s == "" || len(s) > 13 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = 10*v + int64(s[i]-'0')
	}
	return v, v <= maxFreeOrderValue
}

// combine returns x op y and false if it exceeds maxFreeOrderValue.
func combine(x, y int64, op byte) (int64, bool) {
	var r int64
	if op == '*' {
		if x != 0 && y > maxFreeOrderValue/x {
			return 0, false
		}
		r = x * y
	} else {
		r = x + y
	}
	return r, r <= maxFreeOrderValue
}

// combineAll returns the terms combined by op; every partial result of any order is at
// most the total (the terms are non-negative; a product with a zero factor is 0 but its
// other partial products are bounded by the product of the non-zero terms), so checking
// the product of the non-zero terms bounds every step.
func combineAll(terms []int64, op byte) (int64, bool) {
	acc := int64(0)
	if op == '*' {
		acc = 1
	}
	bound := int64(1)
	for _, t := range terms {
		var ok bool
		if acc, ok = combine(acc, t, op); !ok {
			return 0, false
		}
		if op == '*' && t != 0 {
			if bound, ok = combine(bound, t, op); !ok {
				return 0, false
			}
		}
	}
	return acc, true
}

func formatTerms(terms []int64, op byte) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(op)
		}
		b.WriteString(strconv.FormatInt(t, 10))
	}
	return b.String()
}
