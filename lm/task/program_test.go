package task

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseCanonical(t *testing.T) {
	tests := []struct{ src, canon string }{
		{"map(x*2)|filter(x>3)|sort|take(2)|sum", "map(x*2)|filter(x>3)|sort|take(2)|sum"},
		{" map( x * 2 ) |\tfilter(x >= 3)\n| sort |take( 02 )| count ", "map(x*2)|filter(x>=3)|sort|take(2)|count"},
		{"map(x+2*3)", "map(x+2*3)"},
		{"map((x+2)*3)", "map((x+2)*3)"},
		{"map(((x)))", "map(x)"},
		{"map(x-(1-x))", "map(x-(1-x))"},
		{"map((x-1)-x)", "map(x-1-x)"},
		{"map(x+(1+x))", "map(x+(1+x))"},
		{"map(x*(2%3))", "map(x*(2%3))"},
		{"map(x%(3))", "map(x%3)"},
		{"map(-(x+1))", "map(-(x+1))"},
		{"map(--x)", "map(--x)"},
		{"map(x- -3)", "map(x--3)"},
		{"map(-x*-2)", "map(-x*-2)"},
		{"map(-(x*2))", "map(-(x*2))"},
		{"filter(x%2==0)", "filter(x%2==0)"},
		{"filter(x!=1)|reverse|drop(1)|max", "filter(x!=1)|reverse|drop(1)|max"},
		{"filter((x+1)*2<=x*x)|min", "filter((x+1)*2<=x*x)|min"},
		{"sort|reverse", "sort|reverse"},
		{"take(0)", "take(0)"},
	}
	for _, tc := range tests {
		p, err := Parse(tc.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.src, err)
			continue
		}
		if got := p.String(); got != tc.canon {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.src, got, tc.canon)
		}
		q, err := Parse(p.String())
		if err != nil || q.String() != p.String() {
			t.Errorf("canonical form %q does not reparse to itself: %v", p.String(), err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	deep := "map(" + strings.Repeat("(", MaxDepth+1) + "x" + strings.Repeat(")", MaxDepth+1) + ")"
	negs := "map(" + strings.Repeat("-", MaxDepth+1) + "x)"
	bad := []string{
		"", " ", "|", "map", "map()", "map(x", "map(x))", "map(y)", "map(xx)", "map(2x)",
		"sum|sort", "count|count", "take(-1)", "take(x)", "take()", "take(1", "take(1+1)", "take",
		"filter(x)", "filter(x<1<2)", "map(x<1)", "filter(x=1)", "filter(x!1)", "sort sort",
		"Map(x)", "map(x)|", "|map(x)", "map(x)||sort", "map(x)extra", "map(x×2)", "map(x/2)",
		"map(9999999999)", "map(x+1000000001)", "take(1000000001)", deep, negs,
		strings.Repeat("sort|", 60) + "sort", "map(x)\x00", "sort;reverse", "sum(x)",
	}
	for _, src := range bad {
		p, err := Parse(src)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want an error", src, p)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(src) {
			t.Errorf("Parse(%q): error %v is not a *SyntaxError with an offset in the source", src, err)
		}
	}
	// The deepest accepted nesting.
	ok := "map(" + strings.Repeat("(", MaxDepth) + "x" + strings.Repeat(")", MaxDepth) + ")"
	if _, err := Parse(ok); err != nil {
		t.Errorf("nesting %d rejected: %v", MaxDepth, err)
	}
	if _, err := Parse("map(1000000000)"); err != nil {
		t.Errorf("MaxValue literal rejected: %v", err)
	}
}

func run(t *testing.T, src string, in ...int64) (Value, error) {
	t.Helper()
	p, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return p.Run(in, Limits{})
}

func TestRunSemantics(t *testing.T) {
	tests := []struct {
		src  string
		in   []int64
		want string
	}{
		{"map(x*2)|filter(x>3)|sort|take(2)|sum", []int64{5, 1, 2, 9}, "14"},
		{"map(x*2)|sort", []int64{3, -1, 2}, "[-2,4,6]"},
		{"sort|reverse", []int64{3, 1, 2}, "[3,2,1]"},
		{"reverse|take(2)", []int64{1, 2, 3}, "[3,2]"},
		{"take(10)|drop(1)", []int64{1, 2, 3}, "[2,3]"},
		{"drop(10)|count", []int64{1, 2, 3}, "0"},
		{"take(0)|sum", []int64{1, 2}, "0"},
		{"filter(x>100)|sum", []int64{1, 2}, "0"},
		{"filter(x>100)|sort", []int64{1, 2}, "[]"},
		{"filter(x>100)|count", nil, "0"},
		{"map(x)|max", []int64{-5, -2, -9}, "-2"},
		{"map(x)|min", []int64{-5, -2, -9}, "-9"},
		{"map(x%3)", []int64{-4, -3, -1, 0, 4}, "[2,0,2,0,1]"},
		{"map(x%-3)", []int64{-4, 4, 3}, "[-1,-2,0]"},
		{"map(-x)", []int64{0, 5}, "[0,-5]"},
		{"map(x-1-1)", []int64{5}, "[3]"},
		{"map(2*x+1)", []int64{5}, "[11]"},
		{"map(2*(x+1))", []int64{5}, "[12]"},
		{"filter(x%2==0)", []int64{1, 2, 3, 4, -2}, "[2,4,-2]"},
		{"filter(x%2!=0)", []int64{1, 2, 3, -3}, "[1,3,-3]"},
		{"filter(x<=2)|filter(x>=1)", []int64{0, 1, 2, 3}, "[1,2]"},
		{"filter(x*x==4)", []int64{-2, 2, 3}, "[-2,2]"},
		{"map(1000000000)|sum", []int64{1}, "1000000000"},
		{"map(x*x)", []int64{31622}, "[999950884]"},
		{"map(x-x)|sort", []int64{1000000000, -1000000000}, "[0,0]"},
	}
	for _, tc := range tests {
		v, err := run(t, tc.src, tc.in...)
		if err != nil || v.String() != tc.want {
			t.Errorf("%s on %v = %v, %v; want %s", tc.src, tc.in, v, err, tc.want)
		}
	}
}

func TestRunErrors(t *testing.T) {
	long := make([]int64, 65)
	tests := []struct {
		src  string
		in   []int64
		want error
	}{
		{"sort|max", nil, ErrEmpty},
		{"filter(x>5)|min", []int64{1, 2}, ErrEmpty},
		{"map(x%0)", []int64{1}, ErrModZero},
		{"map(x%(x-x))", []int64{1}, ErrModZero},
		{"filter(1%x==0)", []int64{1, 0}, ErrModZero},
		{"map(x*x)", []int64{1000000000}, ErrRange},
		{"map(x*100000*100000)", []int64{1}, ErrRange},
		{"map(x+1)", []int64{1000000000}, ErrRange},
		{"map(x-1)", []int64{-1000000000}, ErrRange},
		{"sum", []int64{1000000000, 1}, ErrRange},
		{"sum", []int64{-1000000000, -1}, ErrRange},
		{"sort", long, ErrInput},
		{"sort", []int64{1000000001}, ErrInput},
		{"sort", []int64{-1000000001}, ErrInput},
	}
	for _, tc := range tests {
		if _, err := run(t, tc.src, tc.in...); !errors.Is(err, tc.want) {
			t.Errorf("%s on %v: error %v, want %v", tc.src, tc.in, err, tc.want)
		}
	}
	// Underflow past zero is no error: only the magnitude is bounded.
	if v, err := run(t, "sum", 1000000000, -1000000000, 5); err != nil || v.Int != 5 {
		t.Errorf("sum crossing bounds: %v, %v", v, err)
	}
}

func TestRunStepLimit(t *testing.T) {
	p, _ := Parse("map(x+x+x+x)|sort|sum")
	in := make([]int64, 64)
	v, err := p.Run(in, Limits{})
	if err != nil || v.Int != 0 {
		t.Fatalf("default limits: %v, %v", v, err)
	}
	if _, err := p.Run(in, Limits{MaxSteps: 100}); !errors.Is(err, ErrStepLimit) {
		t.Errorf("100 steps: error %v, want ErrStepLimit", err)
	}
	// The budget counts exactly: find the smallest budget that suffices and check it is
	// the documented cost (stages 1+len each, 7 nodes per map element, sort n·⌈log₂(n+1)⌉).
	n := len(in)
	want := (1 + n) + 7*n + (1 + n) + n*7 + (1 + n)
	if _, err := p.Run(in, Limits{MaxSteps: want}); err != nil {
		t.Errorf("budget %d: %v", want, err)
	}
	if _, err := p.Run(in, Limits{MaxSteps: want - 1}); !errors.Is(err, ErrStepLimit) {
		t.Errorf("budget %d: error %v, want ErrStepLimit", want-1, err)
	}
	if _, err := p.Run(make([]int64, 10), Limits{MaxLen: 9}); !errors.Is(err, ErrInput) {
		t.Errorf("MaxLen 9: error %v, want ErrInput", err)
	}
	// The worst programs the length limit admits still finish within the default budget
	// or fail with ErrStepLimit.
	worst := "map(" + strings.Repeat("x*", (MaxProgramLen-6)/2) + "x)"
	if q, err := Parse(worst); err != nil {
		t.Fatal(err)
	} else if _, err := q.Run(in, Limits{}); !errors.Is(err, ErrStepLimit) {
		t.Errorf("worst program: %v, want ErrStepLimit", err)
	}
}

func TestRunDoesNotModifyInput(t *testing.T) {
	p, _ := Parse("map(x*2)|sort|reverse|filter(x>2)")
	in := []int64{3, 1, 2}
	if _, err := p.Run(in, Limits{}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in, []int64{3, 1, 2}) {
		t.Errorf("input modified: %v", in)
	}
}

func TestValue(t *testing.T) {
	if s := (Value{}).String(); s != "[]" {
		t.Errorf("empty list prints %q", s)
	}
	if s := (Value{Int: -3, IsInt: true}).String(); s != "-3" {
		t.Errorf("int prints %q", s)
	}
	if (Value{IsInt: true}).Equal(Value{}) || !(Value{List: []int64{}}).Equal(Value{}) {
		t.Error("Equal distinguishes 0 from [] and treats nil and empty lists alike")
	}
	p, _ := Parse("map(x)|sum")
	if p.Stages() != 2 || p.ReturnsList() {
		t.Errorf("Stages %d ReturnsList %v", p.Stages(), p.ReturnsList())
	}
}

func TestZeroProgram(t *testing.T) {
	var p Program
	v, err := p.Run([]int64{2, 1}, Limits{})
	if err != nil || v.String() != "[2,1]" || !p.ReturnsList() || p.Stages() != 0 || p.String() != "" {
		t.Errorf("zero Program: %v, %v, %q", v, err, p.String())
	}
}
