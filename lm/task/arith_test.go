package task

import (
	"go/ast"
	goparser "go/parser"
	gotoken "go/token"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestSolveArithCanonicalOrder(t *testing.T) {
	tests := []struct {
		nums []int64
		ops  string
		work string
		ans  int64
	}{
		{[]int64{23, 4, 17}, "*+", "23*4=92;92+17=109", 109},
		{[]int64{2, 3, 4, 5, 6}, "+**-", "3*4=12;12*5=60;2+60=62;62-6=56", 56},
		{[]int64{3, 10, 2}, "-+", "3-10=-7;-7+2=-5", -5},
		{[]int64{5, 3, 2}, "--", "5-3=2;2-2=0", 0},
		{[]int64{2, 3, 4, 5}, "*+*", "2*3=6;4*5=20;6+20=26", 26},
		{[]int64{7, 0}, "*", "7*0=0", 0},
	}
	for _, tc := range tests {
		work, ans, ok := solveArith(tc.nums, []byte(tc.ops))
		if !ok || work != tc.work || ans != tc.ans {
			t.Errorf("solveArith(%v, %q) = %q, %d, %v; want %q, %d", tc.nums, tc.ops, work, ans, ok, tc.work, tc.ans)
		}
	}
	if _, _, ok := solveArith([]int64{999999, 999999, 999999}, []byte("**")); ok {
		t.Error("solveArith accepted a product beyond 10^12")
	}
}

// evalGo evaluates an integer expression with Go's precedence rules: an oracle independent
// of solveArith.
func evalGo(t *testing.T, src string) int64 {
	t.Helper()
	e, err := goparser.ParseExpr(src)
	if err != nil {
		t.Fatalf("ParseExpr(%q): %v", src, err)
	}
	var ev func(ast.Expr) int64
	ev = func(e ast.Expr) int64 {
		switch e := e.(type) {
		case *ast.BasicLit:
			v, err := strconv.ParseInt(e.Value, 10, 64)
			if err != nil {
				t.Fatalf("literal %q", e.Value)
			}
			return v
		case *ast.UnaryExpr:
			if e.Op == gotoken.SUB {
				return -ev(e.X)
			}
		case *ast.BinaryExpr:
			a, b := ev(e.X), ev(e.Y)
			switch e.Op {
			case gotoken.ADD:
				return a + b
			case gotoken.SUB:
				return a - b
			case gotoken.MUL:
				return a * b
			}
		}
		t.Fatalf("unexpected node %T in %q", e, src)
		return 0
	}
	return ev(e)
}

func TestArithmeticSamples(t *testing.T) {
	for _, opts := range []ArithOptions{
		DefaultArithOptions(),
		{Digits: 3, MinSteps: 1, MaxSteps: 6, Ops: "+-*"},
		{Digits: 1, MinSteps: 4, MaxSteps: 4, Ops: "*"},
		{Digits: 4, MulDigits: 2, MinSteps: 2, MaxSteps: 5, Ops: "-*"},
	} {
		a, err := NewArithmetic(opts)
		if err != nil {
			t.Fatal(err)
		}
		alphabet := a.Alphabet()
		rng := rand.New(rand.NewPCG(1, 2))
		for range 300 {
			p, err := a.Sample(rng)
			if err != nil {
				t.Fatal(err)
			}
			expr, ok := strings.CutPrefix(p.Prompt, "Q:")
			expr, ok2 := strings.CutSuffix(expr, " A:")
			if !ok || !ok2 || expr != p.Key {
				t.Fatalf("prompt %q not of the form Q:<expr> A: with key %q", p.Prompt, p.Key)
			}
			if want := strconv.FormatInt(evalGo(t, expr), 10); p.Answer != want {
				t.Fatalf("%q: answer %s, want %s", expr, p.Answer, want)
			}
			steps := strings.Count(p.Solution, "=")
			ops := strings.Count(expr, "+") + strings.Count(expr, "-") + strings.Count(expr, "*")
			if steps != ops || steps < a.opts.MinSteps || steps > a.opts.MaxSteps {
				t.Fatalf("%q: %d steps for %d operators", p.Solution, steps, ops)
			}
			for _, operand := range strings.FieldsFunc(expr, func(r rune) bool { return strings.ContainsRune("+-*", r) }) {
				if len(operand) > a.opts.Digits {
					t.Fatalf("%q: operand %s has more than %d digits", expr, operand, a.opts.Digits)
				}
			}
			// Each worked step is a true equation.
			work, _, _ := strings.Cut(p.Solution, AnswerMarker)
			for _, st := range strings.Split(work, ";") {
				lhs, rhs, _ := strings.Cut(st, "=")
				if strconv.FormatInt(evalGo(t, "0+"+lhs), 10) != rhs {
					t.Fatalf("%q: step %q is wrong", p.Solution, st)
				}
			}
			if a.Verify(p, p.Solution) != 1 {
				t.Fatalf("human solution %q rejected", p.Solution)
			}
			for _, r := range p.Prompt + p.Solution {
				if !strings.ContainsRune(alphabet, r) {
					t.Fatalf("%q outside alphabet %q", r, alphabet)
				}
			}
		}
	}
}

func TestArithmeticVerify(t *testing.T) {
	a, _ := NewArithmetic(DefaultArithOptions())
	p := Problem{Prompt: "Q:23*4+17 A:", Answer: "109"}
	neg := Problem{Answer: "-12"}
	zero := Problem{Answer: "0"}
	tests := []struct {
		p    Problem
		sol  string
		want float32
	}{
		{p, "23*4=92;92+17=109####109", 1},
		{p, "####109", 1},
		{p, "garbage steps ####109", 1},
		{p, "  #### 109 \n\t", 1},
		{p, "####0109", 1},
		{p, "####108####109", 1},
		{p, "####109####108", 0},
		{p, "####109x", 0},
		{p, "####109 110", 0},
		{p, "####10 9", 0},
		{p, "####+109", 0},
		{p, "####109.0", 0},
		{p, "####1e2", 0},
		{p, "109", 0},
		{p, "###109", 0},
		{p, "", 0},
		{p, "####", 0},
		{p, "####   ", 0},
		{p, "####-", 0},
		{p, "####--109", 0},
		{p, "####１０９", 0},
		{p, "####99999999999999999999999999", 0},
		{p, "####000000000000000000000000109", 1},
		{p, "####\xff", 0},
		{neg, "####-12", 1},
		{neg, "#### -12", 1},
		{neg, "####- 12", 0},
		{neg, "####12", 0},
		{zero, "####-0", 1},
		{zero, "####000", 1},
	}
	for _, tc := range tests {
		if got := a.Verify(tc.p, tc.sol); got != tc.want {
			t.Errorf("Verify(answer %s, %q) = %v, want %v", tc.p.Answer, tc.sol, got, tc.want)
		}
	}
}

func TestParseFinalAnswerCanonical(t *testing.T) {
	for in, want := range map[string]string{"####007": "7", "####-0": "0", "####-00": "0", "####-050": "-50", "#### 5\n": "5"} {
		if got, ok := ParseFinalAnswer(in); !ok || got != want {
			t.Errorf("ParseFinalAnswer(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestNewArithmeticErrors(t *testing.T) {
	bad := []ArithOptions{
		{Digits: 0, MinSteps: 1, MaxSteps: 1, Ops: "+"},
		{Digits: 7, MinSteps: 1, MaxSteps: 1, Ops: "+"},
		{Digits: 2, MulDigits: 3, MinSteps: 1, MaxSteps: 1, Ops: "+"},
		{Digits: 2, MinSteps: 0, MaxSteps: 1, Ops: "+"},
		{Digits: 2, MinSteps: 3, MaxSteps: 2, Ops: "+"},
		{Digits: 2, MinSteps: 1, MaxSteps: 9, Ops: "+"},
		{Digits: 2, MinSteps: 1, MaxSteps: 1, Ops: ""},
		{Digits: 2, MinSteps: 1, MaxSteps: 1, Ops: "+/"},
		{Digits: 2, MinSteps: 1, MaxSteps: 1, Ops: "++"},
	}
	for _, o := range bad {
		if _, err := NewArithmetic(o); err == nil {
			t.Errorf("NewArithmetic(%+v) accepted", o)
		}
	}
	a, err := NewArithmetic(ArithOptions{Digits: 3, MinSteps: 1, MaxSteps: 1, Ops: "*"})
	if err != nil || a.Options().MulDigits != 3 {
		t.Errorf("MulDigits 0 should resolve to Digits: %+v, %v", a.Options(), err)
	}
}

func TestArithmeticDeterministic(t *testing.T) {
	a, _ := NewArithmetic(DefaultArithOptions())
	r1, r2 := rand.New(rand.NewPCG(7, 8)), rand.New(rand.NewPCG(7, 8))
	for range 100 {
		p1, _ := a.Sample(r1)
		p2, _ := a.Sample(r2)
		if p1.Prompt != p2.Prompt || p1.Solution != p2.Solution {
			t.Fatalf("same seed, different problems: %q vs %q", p1.Prompt, p2.Prompt)
		}
	}
}
