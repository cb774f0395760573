package task

import (
	"errors"
	"testing"
)

var fuzzSeeds = []string{
	"map(x*2)|filter(x>3)|sort|take(2)|sum",
	"filter(x%2==0)|reverse|drop(1)|max",
	"map(-(x+1)*3%4)|min",
	"map(x--3)|count",
	"filter((x+1)*2<=x*x)|sort",
	"map(x%0)",
	"sum|sort",
	"map(((((x)))))",
	"take(1000000000)",
	"map(x*x*x*x*x*x*x*x)",
	" map ( x ) | sort ",
	"filter(x!=1",
	"map(x×2)",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	inputs := [][]int64{nil, {0}, {3, -1, 2, 9}, {MaxValue, -MaxValue, 7}}
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("Parse(%q): error %v without a valid offset", src, err)
			}
			return
		}
		canon := p.String()
		if len(canon) > len(src) {
			t.Fatalf("canonical form %q longer than the source %q", canon, src)
		}
		q, err := Parse(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, src, err)
		}
		if q.String() != canon {
			t.Fatalf("canonical form not a fixed point: %q -> %q", canon, q.String())
		}
		for _, in := range inputs {
			v1, err1 := p.Run(in, Limits{MaxSteps: 2000})
			v2, err2 := q.Run(in, Limits{MaxSteps: 2000})
			if (err1 == nil) != (err2 == nil) || (err1 == nil && !v1.Equal(v2)) {
				t.Fatalf("%q and its canonical form %q differ on %v: %v, %v vs %v, %v", src, canon, in, v1, err1, v2, err2)
			}
		}
	})
}

func FuzzRun(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, []byte{byte(i), 200, 3, 0, 255, 17})
	}
	f.Fuzz(func(t *testing.T, src string, data []byte) {
		p, err := Parse(src)
		if err != nil {
			return
		}
		in := make([]int64, 0, len(data))
		for i, b := range data {
			x := int64(int8(b))
			if i%3 == 2 {
				x *= 9_000_000 // reach the range bound
			}
			in = append(in, x)
		}
		lim := Limits{MaxSteps: 5000, MaxLen: 32}
		v, err := p.Run(in, lim)
		w, err2 := p.Run(in, lim)
		if (err == nil) != (err2 == nil) || (err == nil && !v.Equal(w)) {
			t.Fatalf("%q on %v is not deterministic", src, in)
		}
		if err != nil {
			for _, known := range []error{ErrStepLimit, ErrRange, ErrModZero, ErrEmpty, ErrInput} {
				if errors.Is(err, known) {
					return
				}
			}
			t.Fatalf("%q on %v: unexpected error %v", src, in, err)
		}
		if v.IsInt == p.ReturnsList() {
			t.Fatalf("%q returned %v, ReturnsList %v", src, v, p.ReturnsList())
		}
		if len(v.List) > len(in) {
			t.Fatalf("%q grew the list: %v -> %v", src, in, v)
		}
		for _, x := range append(v.List, v.Int) {
			if x > MaxValue || x < -MaxValue {
				t.Fatalf("%q produced %d beyond the bound", src, x)
			}
		}
	})
}

func FuzzParseFinalAnswer(f *testing.F) {
	for _, s := range []string{"####109", "a=1;####-0", "#### 007 ", "####1x", "####"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := ParseFinalAnswer(s)
		if !ok {
			return
		}
		if b, ok := ParseFinalAnswer(AnswerMarker + a); !ok || b != a {
			t.Fatalf("answer %q of %q is not canonical (%q, %v)", a, s, b, ok)
		}
	})
}
