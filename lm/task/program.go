package task

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of the list language that do not depend on the input (see Limits for those that
// do).
const (
	// MaxProgramLen is the longest program source Parse accepts, in bytes.
	MaxProgramLen = 256
	// MaxDepth bounds the nesting of parentheses and unary minus signs in an expression.
	MaxDepth = 16
	// MaxValue bounds the magnitude of every integer: literals, inputs and every
	// intermediate result. Going beyond it is the error ErrRange.
	MaxValue = 1_000_000_000
)

// SyntaxError reports a program that does not follow the grammar.
type SyntaxError struct {
	// Offset is the byte offset in the source at which the error was found.
	Offset int
	// Msg describes the error.
	Msg string
}

// Error returns the message with the offset.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("task: program syntax error at offset %d: %s", e.Offset, e.Msg)
}

// Program is a parsed program of the list language: a pipeline of stages applied to an
// integer list. Parse a source text with Parse and run it with Run.
//
// A Program is immutable and safe for concurrent use.
type Program struct {
	stages []stage
}

// opKind is a pipeline operation.
type opKind uint8

const (
	opMap opKind = iota
	opFilter
	opSort
	opReverse
	opTake
	opDrop
	opSum // the first reduction; every operation from here on is a reduction
	opMax
	opMin
	opCount
	numOps
)

var opNames = [numOps]string{"map", "filter", "sort", "reverse", "take", "drop", "sum", "max", "min", "count"}

func (k opKind) isReduction() bool { return k >= opSum }

// stage is one step of a pipeline. e is the lambda body of map (an arithmetic
// expression) and filter (a comparison); n is the count of take and drop.
type stage struct {
	op opKind
	e  *expr
	n  int64
}

// expr is a node of a lambda body. kind is 'x' (the element), 'n' (the literal val),
// 'u' (negation of l), one of + - * % (l op r), or a comparison of l and r:
// '<', '>', 'l' (<=), 'g' (>=), 'e' (==), '!' (!=).
type expr struct {
	kind byte
	val  int64
	l, r *expr
}

var relSpelling = map[byte]string{'<': "<", '>': ">", 'l': "<=", 'g': ">=", 'e': "==", '!': "!="}

// Stages returns the number of stages (operations) of the pipeline.
func (p *Program) Stages() int { return len(p.stages) }

// ReturnsList reports whether the program's result is a list: its last stage is not a
// reduction. The zero Program has no stages and returns its input.
func (p *Program) ReturnsList() bool {
	return len(p.stages) == 0 || !p.stages[len(p.stages)-1].op.isReduction()
}

// String returns the program in canonical form: no white space, stages joined by '|',
// integers in decimal without leading zeros, and only the parentheses the precedence rules
// need. Parsing the canonical form gives back the same program.
func (p *Program) String() string {
	var b strings.Builder
	for i, s := range p.stages {
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString(opNames[s.op])
		switch s.op {
		case opMap, opFilter:
			b.WriteByte('(')
			writeExpr(&b, s.e)
			b.WriteByte(')')
		case opTake, opDrop:
			b.WriteByte('(')
			b.WriteString(strconv.FormatInt(s.n, 10))
			b.WriteByte(')')
		}
	}
	return b.String()
}

// prec is the binding strength of an expression node: comparisons 0, + - 1, * % 2,
// negation 3, atoms 4.
func prec(e *expr) int {
	switch e.kind {
	case 'x', 'n':
		return 4
	case 'u':
		return 3
	case '*', '%':
		return 2
	case '+', '-':
		return 1
	}
	return 0
}

func writeExpr(b *strings.Builder, e *expr) {
	switch e.kind {
	case 'x':
		b.WriteByte('x')
	case 'n':
		b.WriteString(strconv.FormatInt(e.val, 10))
	case 'u':
		b.WriteByte('-')
		writeOperand(b, e.l, prec(e.l) < 3)
	default:
		p := prec(e)
		writeOperand(b, e.l, prec(e.l) < p)
		if s, ok := relSpelling[e.kind]; ok {
			b.WriteString(s)
		} else {
			b.WriteByte(e.kind)
		}
		writeOperand(b, e.r, prec(e.r) <= p)
	}
}

func writeOperand(b *strings.Builder, e *expr, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	writeExpr(b, e)
	if paren {
		b.WriteByte(')')
	}
}

// Token kinds of the lexer.
const (
	tokEOF = iota
	tokIdent
	tokNum
	tokSym
)

type token struct {
	kind int
	text string
	pos  int
}

// lex splits src into tokens, skipping white space (space, tab, newline, carriage return).
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isLetter(c):
			j := i
			for j < len(src) && isLetter(src[j]) {
				j++
			}
			toks = append(toks, token{tokIdent, src[i:j], i})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			toks = append(toks, token{tokNum, src[i:j], i})
			i = j
		case strings.IndexByte("()|+-*%", c) >= 0:
			toks = append(toks, token{tokSym, src[i : i+1], i})
			i++
		case c == '<' || c == '>' || c == '=' || c == '!':
			if i+1 < len(src) && src[i+1] == '=' {
				toks = append(toks, token{tokSym, src[i : i+2], i})
				i += 2
				continue
			}
			if c == '=' || c == '!' {
				return nil, &SyntaxError{i, fmt.Sprintf("%q must be followed by '='", c)}
			}
			toks = append(toks, token{tokSym, src[i : i+1], i})
			i++
		default:
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, &SyntaxError{i, fmt.Sprintf("unexpected character %q", r)}
		}
	}
	return append(toks, token{tokEOF, "", len(src)}), nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) errf(t token, format string, args ...any) error {
	return &SyntaxError{t.pos, fmt.Sprintf(format, args...)}
}

func describe(t token) string {
	if t.kind == tokEOF {
		return "end of program"
	}
	return strconv.Quote(t.text)
}

func (p *parser) expect(sym string) error {
	t := p.next()
	if t.kind != tokSym || t.text != sym {
		return p.errf(t, "expected %q, found %s", sym, describe(t))
	}
	return nil
}

// Parse parses a program of the list language (the grammar is in the package
// documentation). It returns a *SyntaxError for text that does not follow the grammar, is
// longer than MaxProgramLen bytes, nests deeper than MaxDepth or holds a literal beyond
// MaxValue. Parse never panics.
func Parse(src string) (*Program, error) {
	if len(src) > MaxProgramLen {
		return nil, &SyntaxError{MaxProgramLen, fmt.Sprintf("program longer than %d bytes", MaxProgramLen)}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	prog := &Program{}
	for {
		s, err := p.stage()
		if err != nil {
			return nil, err
		}
		prog.stages = append(prog.stages, s)
		t := p.next()
		if t.kind == tokEOF {
			return prog, nil
		}
		if t.kind != tokSym || t.text != "|" {
			return nil, p.errf(t, "expected '|' or end of program, found %s", describe(t))
		}
		if s.op.isReduction() {
			return nil, p.errf(t, "%s returns a number and must be the last stage", opNames[s.op])
		}
	}
}

func (p *parser) stage() (stage, error) {
	t := p.next()
	if t.kind != tokIdent {
		return stage{}, p.errf(t, "expected an operation, found %s", describe(t))
	}
	op := numOps
	for k, name := range opNames {
		if t.text == name {
			op = opKind(k)
		}
	}
	s := stage{op: op}
	var err error
	switch op {
	case numOps:
		return stage{}, p.errf(t, "unknown operation %q", t.text)
	case opMap, opFilter:
		if err = p.expect("("); err != nil {
			return stage{}, err
		}
		if op == opMap {
			s.e, err = p.sum()
		} else {
			s.e, err = p.cond()
		}
		if err != nil {
			return stage{}, err
		}
		if err = p.expect(")"); err != nil {
			return stage{}, err
		}
	case opTake, opDrop:
		if err = p.expect("("); err != nil {
			return stage{}, err
		}
		n := p.next()
		if n.kind != tokNum {
			return stage{}, p.errf(n, "%s takes a non-negative integer, found %s", opNames[op], describe(n))
		}
		if s.n, err = p.number(n); err != nil {
			return stage{}, err
		}
		if err = p.expect(")"); err != nil {
			return stage{}, err
		}
	}
	return s, nil
}

func (p *parser) number(t token) (int64, error) {
	var v int64
	for i := 0; i < len(t.text); i++ {
		v = 10*v + int64(t.text[i]-'0')
		if v > MaxValue {
			return 0, p.errf(t, "integer %s exceeds %d", t.text, MaxValue)
		}
	}
	return v, nil
}

var relKinds = map[string]byte{"<": '<', ">": '>', "<=": 'l', ">=": 'g', "==": 'e', "!=": '!'}

func (p *parser) cond() (*expr, error) {
	l, err := p.sum()
	if err != nil {
		return nil, err
	}
	t := p.next()
	k, ok := relKinds[t.text]
	if t.kind != tokSym || !ok {
		return nil, p.errf(t, "expected a comparison (< > <= >= == !=), found %s", describe(t))
	}
	r, err := p.sum()
	if err != nil {
		return nil, err
	}
	return &expr{kind: k, l: l, r: r}, nil
}

func (p *parser) sum() (*expr, error) {
	l, err := p.product()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tokSym || (t.text != "+" && t.text != "-") {
			return l, nil
		}
		p.next()
		r, err := p.product()
		if err != nil {
			return nil, err
		}
		l = &expr{kind: t.text[0], l: l, r: r}
	}
}

func (p *parser) product() (*expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tokSym || (t.text != "*" && t.text != "%") {
			return l, nil
		}
		p.next()
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = &expr{kind: t.text[0], l: l, r: r}
	}
}

func (p *parser) unary() (*expr, error) {
	t := p.next()
	switch {
	case t.kind == tokSym && (t.text == "-" || t.text == "("):
		if p.depth++; p.depth > MaxDepth {
			return nil, p.errf(t, "expression nested deeper than %d", MaxDepth)
		}
		defer func() { p.depth-- }()
		if t.text == "-" {
			e, err := p.unary()
			if err != nil {
				return nil, err
			}
			return &expr{kind: 'u', l: e}, nil
		}
		e, err := p.sum()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return e, nil
	case t.kind == tokIdent && t.text == "x":
		return &expr{kind: 'x'}, nil
	case t.kind == tokNum:
		v, err := p.number(t)
		if err != nil {
			return nil, err
		}
		return &expr{kind: 'n', val: v}, nil
	}
	return nil, p.errf(t, "expected x, an integer, '-' or '(', found %s", describe(t))
}
