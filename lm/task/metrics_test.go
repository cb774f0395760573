package task

import (
	"math"
	"testing"
)

// bruteForcePassAtK enumerates every k-subset of n samples, the first c of which are
// correct, and returns the fraction holding at least one correct sample.
func bruteForcePassAtK(n, c, k int) float64 {
	var total, hit int
	var rec func(start, left int, any bool)
	rec = func(start, left int, any bool) {
		if left == 0 {
			total++
			if any {
				hit++
			}
			return
		}
		for i := start; i <= n-left; i++ {
			rec(i+1, left-1, any || i < c)
		}
	}
	rec(0, k, false)
	return float64(hit) / float64(total)
}

func TestPassAtKBruteForce(t *testing.T) {
	for n := 1; n <= 10; n++ {
		for c := 0; c <= n; c++ {
			for k := 1; k <= n; k++ {
				got, want := PassAtK(n, c, k), bruteForcePassAtK(n, c, k)
				if math.Abs(got-want) > 1e-12 {
					t.Errorf("PassAtK(%d, %d, %d) = %v, brute force %v", n, c, k, got, want)
				}
			}
		}
	}
}

func TestPassAtKEdges(t *testing.T) {
	if PassAtK(10, 0, 5) != 0 {
		t.Error("c = 0 must give 0")
	}
	if PassAtK(10, 10, 1) != 1 || PassAtK(10, 10, 10) != 1 {
		t.Error("c = n must give 1")
	}
	if PassAtK(10, 7, 4) != 1 {
		t.Error("k > n−c must give 1")
	}
	if got := PassAtK(10, 3, 1); math.Abs(got-0.3) > 1e-15 {
		t.Errorf("pass@1 = %v, want c/n = 0.3", got)
	}
	// Large n: compare with the log-gamma form of the binomial ratio.
	for _, tc := range [][3]int{{1000, 1, 100}, {10000, 37, 500}, {200, 150, 40}, {5000, 2, 4999}} {
		n, c, k := tc[0], tc[1], tc[2]
		lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
		ratio := math.Exp(lg(n-c) - lg(k) - lg(n-c-k) - (lg(n) - lg(k) - lg(n-k)))
		if got := PassAtK(n, c, k); math.Abs(got-(1-ratio)) > 1e-9 || math.IsNaN(got) {
			t.Errorf("PassAtK(%d, %d, %d) = %v, want %v", n, c, k, got, 1-ratio)
		}
	}
	for _, bad := range [][3]int{{5, -1, 1}, {5, 6, 1}, {5, 2, 0}, {5, 2, 6}, {0, 0, 1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("PassAtK%v did not panic", bad)
				}
			}()
			PassAtK(bad[0], bad[1], bad[2])
		}()
	}
}

func TestMeanPassAtK(t *testing.T) {
	got := MeanPassAtK(4, []int{0, 4, 2}, 1)
	if math.Abs(got-0.5) > 1e-15 {
		t.Errorf("MeanPassAtK = %v, want 0.5", got)
	}
	if MeanPassAtK(4, nil, 1) != 0 {
		t.Error("no problems must give 0")
	}
}

func TestMajorityVote(t *testing.T) {
	tests := []struct {
		in    []string
		want  string
		votes int
	}{
		{nil, "", 0},
		{[]string{"", ""}, "", 0},
		{[]string{"3", "4", "4", "3"}, "3", 2}, // tie: first to occur wins
		{[]string{"4", "3", "3", "4"}, "4", 2},
		{[]string{"", "", "1", "2", "2", "", ""}, "2", 2},
		{[]string{"7"}, "7", 1},
	}
	for _, tc := range tests {
		a, v := MajorityVote(tc.in)
		if a != tc.want || v != tc.votes {
			t.Errorf("MajorityVote(%q) = %q, %d; want %q, %d", tc.in, a, v, tc.want, tc.votes)
		}
	}
}

func TestMajorityCorrect(t *testing.T) {
	ts := tasks(t)
	arith, progs := ts[0], ts[1]
	p := Problem{Answer: "109"}
	if !MajorityCorrect(arith, p, []string{"####109", "####108", "#### 0109", "junk", "junk", "junk"}) {
		t.Error("normalised answers 109 and 0109 should win over 108 and unparsable text")
	}
	if MajorityCorrect(arith, p, []string{"####108", "####108", "####109"}) {
		t.Error("a wrong majority counted as correct")
	}
	if MajorityCorrect(arith, p, []string{"junk", ""}) || MajorityCorrect(arith, p, nil) {
		t.Error("no votes counted as correct")
	}
	q := Problem{
		Examples: []Case{{[]int64{3, 1, 2}, "[2,4,6]"}},
		Tests:    []Case{{[]int64{5, 0}, "[0,10]"}},
		Answer:   "[2,4,6];[0,10]",
	}
	// Three different texts of the same function outvote two copies of a wrong program.
	samples := []string{"map(x*2)|sort", "sort|map(x+x)", "map(x*3)", "map(x*3)", "sort|map(2*x)", "map("}
	if !MajorityCorrect(progs, q, samples) {
		t.Error("programs are not grouped by behaviour")
	}
}

func TestSummarize(t *testing.T) {
	s := Summarize([]float64{1, 2, 3, 4})
	if s.N != 4 || s.Mean != 2.5 || math.Abs(s.StdErr-math.Sqrt(5.0/3)/2) > 1e-15 {
		t.Errorf("Summarize = %+v", s)
	}
	if one := Summarize([]float64{0.4}); one.Mean != 0.4 || one.StdErr != 0 || one.N != 1 {
		t.Errorf("one value: %+v", one)
	}
	if none := Summarize(nil); !math.IsNaN(none.Mean) || none.N != 0 {
		t.Errorf("no values: %+v", none)
	}
	if got := s.String(); got != "2.5000 ± 0.6455 (n=4)" {
		t.Errorf("String = %q", got)
	}
	a := Summarize([]float64{0.40, 0.42, 0.41})
	b := Summarize([]float64{0.30, 0.31, 0.29})
	c := Summarize([]float64{0.39, 0.45, 0.35})
	if !a.Beats(b) || b.Beats(a) || c.Beats(a) || a.Beats(c) {
		t.Error("Beats does not apply the two-standard-error rule")
	}
	if Summarize([]float64{1}).Beats(Summarize([]float64{0})) {
		t.Error("Beats with single values must be false")
	}
}
