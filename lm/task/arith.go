package task

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// AnswerMarker separates an arithmetic solution's worked steps from its final answer: the
// verifier reads the integer after the last occurrence.
const AnswerMarker = "####"

// maxArithValue bounds every intermediate value of a generated arithmetic problem; problems
// that exceed it are redrawn.
const maxArithValue = 1_000_000_000_000

// ArithOptions sets the difficulty of Arithmetic problems.
type ArithOptions struct {
	// Digits is the largest number of decimal digits of an operand (1–6): operands are
	// drawn uniformly from [0, 10^Digits).
	Digits int
	// MulDigits, if positive, is the largest number of digits of an operand next to a
	// '*' (at most Digits), which keeps multiplications within reach of a small model.
	// Zero means Digits.
	MulDigits int
	// MinSteps and MaxSteps bound the number of operators, which is the number of worked
	// steps (1 ≤ MinSteps ≤ MaxSteps ≤ 8); the count is drawn uniformly.
	MinSteps, MaxSteps int
	// Ops lists the operators to draw from, a non-empty subset of "+-*" without repeats.
	Ops string
}

// DefaultArithOptions returns the default difficulty: two-digit operands, one-digit factors
// in products, two or three steps, operators + - *.
func DefaultArithOptions() ArithOptions {
	return ArithOptions{Digits: 2, MulDigits: 1, MinSteps: 2, MaxSteps: 3, Ops: "+-*"}
}

// Arithmetic is the arithmetic-reasoning task: evaluate a multi-step integer expression,
// showing the work. See the package documentation for the format and the canonical order
// of the worked steps.
//
// An Arithmetic is immutable and safe for concurrent use.
type Arithmetic struct {
	opts ArithOptions
}

var _ Task = (*Arithmetic)(nil)

// NewArithmetic returns the arithmetic task with the given options, or an error if they are
// out of range.
func NewArithmetic(opts ArithOptions) (*Arithmetic, error) {
	if opts.Digits < 1 || opts.Digits > 6 {
		return nil, fmt.Errorf("task: NewArithmetic: Digits %d outside [1, 6]", opts.Digits)
	}
	if opts.MulDigits < 0 || opts.MulDigits > opts.Digits {
		return nil, fmt.Errorf("task: NewArithmetic: MulDigits %d outside [0, Digits=%d]", opts.MulDigits, opts.Digits)
	}
	if opts.MulDigits == 0 {
		opts.MulDigits = opts.Digits
	}
	if opts.MinSteps < 1 || opts.MaxSteps < opts.MinSteps || opts.MaxSteps > 8 {
		return nil, fmt.Errorf("task: NewArithmetic: steps [%d, %d] not within 1 ≤ MinSteps ≤ MaxSteps ≤ 8", opts.MinSteps, opts.MaxSteps)
	}
	if opts.Ops == "" {
		return nil, errors.New("task: NewArithmetic: no operators")
	}
	for i, c := range opts.Ops {
		if !strings.ContainsRune("+-*", c) || strings.ContainsRune(opts.Ops[:i], c) {
			return nil, fmt.Errorf("task: NewArithmetic: Ops %q must be distinct operators from \"+-*\"", opts.Ops)
		}
	}
	return &Arithmetic{opts: opts}, nil
}

// Options returns the task's options (with MulDigits resolved).
func (a *Arithmetic) Options() ArithOptions { return a.opts }

// Name returns "arith".
func (a *Arithmetic) Name() string { return "arith" }

// Alphabet returns the characters of the arithmetic format: digits, the operators, '=',
// ';', '#', 'Q', 'A', ':' and space.
func (a *Arithmetic) Alphabet() string {
	return alphabetOf("0123456789", a.opts.Ops, "-=;", AnswerMarker, "Q: A:")
}

// Sample draws one problem. The expression has between MinSteps and MaxSteps operators;
// expressions with an intermediate value beyond 10^12 in magnitude are redrawn.
func (a *Arithmetic) Sample(rng *rand.Rand) (Problem, error) {
	for range 1000 {
		steps := a.opts.MinSteps + rng.IntN(a.opts.MaxSteps-a.opts.MinSteps+1)
		ops := make([]byte, steps)
		for i := range ops {
			ops[i] = a.opts.Ops[rng.IntN(len(a.opts.Ops))]
		}
		nums := make([]int64, steps+1)
		for i := range nums {
			d := a.opts.Digits
			if (i > 0 && ops[i-1] == '*') || (i < steps && ops[i] == '*') {
				d = a.opts.MulDigits
			}
			nums[i] = rng.Int64N(pow10(d))
		}
		work, ans, ok := solveArith(nums, ops)
		if !ok {
			continue
		}
		expr := formatExpr(nums, ops)
		answer := strconv.FormatInt(ans, 10)
		return Problem{
			Prompt:   "Q:" + expr + " A:",
			Solution: work + AnswerMarker + answer,
			Answer:   answer,
			Key:      expr,
		}, nil
	}
	return Problem{}, errors.New("task: Arithmetic.Sample: no expression within range after 1000 draws")
}

// Verify returns 1 if the final answer of solution (the integer after the last
// AnswerMarker) equals p.Answer and 0 otherwise, including for malformed solutions.
func (a *Arithmetic) Verify(p Problem, solution string) float32 {
	ans, ok := a.Answer(p, solution)
	if ok && ans == p.Answer {
		return 1
	}
	return 0
}

// Answer returns the final answer of solution in canonical decimal form: the text after the
// last AnswerMarker, with surrounding white space removed, must be an optional '-' followed
// by decimal digits (leading zeros allowed, at most 18 significant digits) and nothing else.
// The worked steps are not checked.
func (a *Arithmetic) Answer(_ Problem, solution string) (string, bool) {
	return ParseFinalAnswer(solution)
}

// ParseFinalAnswer extracts the final answer of an arithmetic solution, as described at
// Arithmetic.Answer, returning it in canonical decimal form ("-0" and "007" become "0" and
// "7") and whether it was well formed.
func ParseFinalAnswer(solution string) (string, bool) {
	i := strings.LastIndex(solution, AnswerMarker)
	if i < 0 {
		return "", false
	}
	s := strings.TrimSpace(solution[i+len(AnswerMarker):])
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	s = strings.TrimLeft(s, "0")
	if len(s) > 18 {
		return "", false
	}
	if s == "" {
		return "0", true
	}
	if neg {
		return "-" + s, true
	}
	return s, true
}

// solveArith evaluates nums joined by ops in the canonical order (every '*' first, leftmost
// first; then '+' and '-' left to right) and returns the worked steps, each "a op b=c;",
// and the result. ok is false if a value exceeds maxArithValue in magnitude.
func solveArith(nums []int64, ops []byte) (work string, result int64, ok bool) {
	vals := append([]int64(nil), nums...)
	ops = append([]byte(nil), ops...)
	var b strings.Builder
	apply := func(j int) bool {
		x, y := vals[j], vals[j+1]
		var r int64
		switch ops[j] {
		case '*':
			// The left factor is at most maxArithValue and the right one an original
			// operand below 10^6, so the product fits in an int64.
			r = x * y
		case '+':
			r = x + y
		default:
			r = x - y
		}
		if r > maxArithValue || r < -maxArithValue {
			return false
		}
		fmt.Fprintf(&b, "%d%c%d=%d;", x, ops[j], y, r)
		vals[j] = r
		vals = append(vals[:j+1], vals[j+2:]...)
		ops = append(ops[:j], ops[j+1:]...)
		return true
	}
	for {
		j := strings.IndexByte(string(ops), '*')
		if j < 0 {
			break
		}
		if !apply(j) {
			return "", 0, false
		}
	}
	for len(ops) > 0 {
		if !apply(0) {
			return "", 0, false
		}
	}
	w := b.String()
	return strings.TrimSuffix(w, ";"), vals[0], true
}

func formatExpr(nums []int64, ops []byte) string {
	var b strings.Builder
	for i, n := range nums {
		if i > 0 {
			b.WriteByte(ops[i-1])
		}
		b.WriteString(strconv.FormatInt(n, 10))
	}
	return b.String()
}

func pow10(d int) int64 {
	p := int64(1)
	for range d {
		p *= 10
	}
	return p
}
