package task

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// Runtime errors of the list language. Run wraps them with detail; test with errors.Is.
var (
	// ErrStepLimit means the program used more steps than Limits.MaxSteps allows.
	ErrStepLimit = errors.New("task: step limit exceeded")
	// ErrRange means an integer went beyond ±MaxValue.
	ErrRange = errors.New("task: integer out of range")
	// ErrModZero means x % 0 was evaluated.
	ErrModZero = errors.New("task: modulo by zero")
	// ErrEmpty means max or min was applied to an empty list.
	ErrEmpty = errors.New("task: max or min of an empty list")
	// ErrInput means the input list is longer than Limits.MaxLen or holds an integer
	// beyond ±MaxValue.
	ErrInput = errors.New("task: input out of bounds")
)

// Limits bounds the work of one Run. A zero field takes its value from DefaultLimits.
type Limits struct {
	// MaxSteps is the step budget. Each stage costs 1 plus the list length; each
	// expression node evaluated costs 1; sort costs n·⌈log₂(n+1)⌉ more for n elements.
	MaxSteps int
	// MaxLen is the longest input list accepted.
	MaxLen int
}

// DefaultLimits returns a budget of 10,000 steps and input lists of at most 64 integers,
// ample for the generated problems.
func DefaultLimits() Limits { return Limits{MaxSteps: 10_000, MaxLen: 64} }

// Value is the result of a program: a list, or a single integer when the last stage is a
// reduction.
type Value struct {
	// List is the result when IsInt is false.
	List []int64
	// Int is the result when IsInt is true.
	Int int64
	// IsInt reports whether the result is an integer rather than a list.
	IsInt bool
}

// String returns the canonical text of v: a decimal integer such as "-3", or a list such as
// "[1,2,3]" or "[]".
func (v Value) String() string {
	if v.IsInt {
		return strconv.FormatInt(v.Int, 10)
	}
	return formatList(v.List)
}

// Equal reports whether v and w are the same integer or the same list.
func (v Value) Equal(w Value) bool {
	if v.IsInt || w.IsInt {
		return v.IsInt == w.IsInt && v.Int == w.Int
	}
	return slices.Equal(v.List, w.List)
}

func formatList(xs []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(x, 10))
	}
	b.WriteByte(']')
	return b.String()
}

type machine struct {
	steps, max int
}

func (m *machine) spend(n int) error {
	m.steps += n
	if m.steps > m.max {
		return fmt.Errorf("%w (%d steps)", ErrStepLimit, m.max)
	}
	return nil
}

// Run applies p to input within the limits and returns the result. The input is not
// modified. Every failure is a returned error wrapping one of ErrStepLimit, ErrRange,
// ErrModZero, ErrEmpty or ErrInput; Run never panics and always terminates (the language
// has no loops, and the budget bounds the work).
func (p *Program) Run(input []int64, lim Limits) (Value, error) {
	def := DefaultLimits()
	if lim.MaxSteps <= 0 {
		lim.MaxSteps = def.MaxSteps
	}
	if lim.MaxLen <= 0 {
		lim.MaxLen = def.MaxLen
	}
	if len(input) > lim.MaxLen {
		return Value{}, fmt.Errorf("%w: %d integers, limit %d", ErrInput, len(input), lim.MaxLen)
	}
	for _, x := range input {
		if x > MaxValue || x < -MaxValue {
			return Value{}, fmt.Errorf("%w: %d beyond ±%d", ErrInput, x, MaxValue)
		}
	}
	m := &machine{max: lim.MaxSteps}
	xs := slices.Clone(input)
	for _, s := range p.stages {
		if err := m.spend(1 + len(xs)); err != nil {
			return Value{}, err
		}
		switch s.op {
		case opMap:
			for i, x := range xs {
				v, err := m.eval(s.e, x)
				if err != nil {
					return Value{}, err
				}
				xs[i] = v
			}
		case opFilter:
			out := xs[:0]
			for _, x := range xs {
				v, err := m.eval(s.e, x)
				if err != nil {
					return Value{}, err
				}
				if v != 0 {
					out = append(out, x)
				}
			}
			xs = out
		case opSort:
			if err := m.spend(len(xs) * bits.Len(uint(len(xs)))); err != nil {
				return Value{}, err
			}
			slices.Sort(xs)
		case opReverse:
			slices.Reverse(xs)
		case opTake:
			xs = xs[:min(int64(len(xs)), s.n)]
		case opDrop:
			xs = xs[min(int64(len(xs)), s.n):]
		case opSum:
			var t int64
			for _, x := range xs {
				t += x
				if t > MaxValue || t < -MaxValue {
					return Value{}, fmt.Errorf("%w: sum beyond ±%d", ErrRange, MaxValue)
				}
			}
			return Value{Int: t, IsInt: true}, nil
		case opCount:
			return Value{Int: int64(len(xs)), IsInt: true}, nil
		case opMax, opMin:
			if len(xs) == 0 {
				return Value{}, ErrEmpty
			}
			if s.op == opMax {
				return Value{Int: slices.Max(xs), IsInt: true}, nil
			}
			return Value{Int: slices.Min(xs), IsInt: true}, nil
		}
	}
	return Value{List: xs}, nil
}

// eval evaluates e with the element x bound; comparisons give 1 or 0.
func (m *machine) eval(e *expr, x int64) (int64, error) {
	if err := m.spend(1); err != nil {
		return 0, err
	}
	switch e.kind {
	case 'x':
		return x, nil
	case 'n':
		return e.val, nil
	case 'u':
		v, err := m.eval(e.l, x)
		return -v, err
	}
	a, err := m.eval(e.l, x)
	if err != nil {
		return 0, err
	}
	b, err := m.eval(e.r, x)
	if err != nil {
		return 0, err
	}
	var v int64
	switch e.kind {
	case '+':
		v = a + b
	case '-':
		v = a - b
	case '*':
		v = a * b // |a|, |b| ≤ MaxValue = 10^9, so |a·b| ≤ 10^18 fits in an int64
	case '%':
		if b == 0 {
			return 0, ErrModZero
		}
		v = a % b
		if v != 0 && (v < 0) != (b < 0) {
			v += b // floored modulo: the result takes the sign of the divisor
		}
	default:
		return compare(e.kind, a, b), nil
	}
	if v > MaxValue || v < -MaxValue {
		return 0, fmt.Errorf("%w: %d %c %d", ErrRange, a, e.kind, b)
	}
	return v, nil
}

func compare(kind byte, a, b int64) int64 {
	var r bool
	switch kind {
	case '<':
		r = a < b
	case '>':
		r = a > b
	case 'l':
		r = a <= b
	case 'g':
		r = a >= b
	case 'e':
		r = a == b
	default:
		r = a != b
	}
	if r {
		return 1
	}
	return 0
}
