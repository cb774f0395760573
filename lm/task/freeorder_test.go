package task

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func mustFreeOrder(t *testing.T, o FreeOrderOptions) *FreeOrder {
	t.Helper()
	f, err := NewFreeOrder(o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestNewFreeOrderRejectsBadOptions(t *testing.T) {
	bad := []FreeOrderOptions{
		{Digits: 0, MinTerms: 3, MaxTerms: 4, Ops: "+"},
		{Digits: 4, MinTerms: 3, MaxTerms: 4, Ops: "+"},
		{Digits: 1, MinTerms: 1, MaxTerms: 4, Ops: "+"},
		{Digits: 1, MinTerms: 4, MaxTerms: 3, Ops: "+"},
		{Digits: 1, MinTerms: 3, MaxTerms: 9, Ops: "+"},
		{Digits: 1, MinTerms: 3, MaxTerms: 4, Ops: ""},
		{Digits: 1, MinTerms: 3, MaxTerms: 4, Ops: "-"},
		{Digits: 1, MinTerms: 3, MaxTerms: 4, Ops: "++"},
		{Digits: 1, MinTerms: 3, MaxTerms: 4, Ops: "+", Slips: 1},
		{Digits: 1, MinTerms: 3, MaxTerms: 4, Ops: "+", Slips: -0.1},
	}
	for _, o := range bad {
		if _, err := NewFreeOrder(o); err == nil {
			t.Errorf("NewFreeOrder(%+v) accepted bad options", o)
		}
	}
	if _, err := NewFreeOrder(DefaultFreeOrderOptions()); err != nil {
		t.Errorf("default options rejected: %v", err)
	}
}

func TestFreeOrderVerifyCases(t *testing.T) {
	f := mustFreeOrder(t, FreeOrderOptions{Digits: 1, MinTerms: 2, MaxTerms: 8, Ops: "+*"})
	p := Problem{Prompt: "Q:7+5+9+3 A:", Answer: "24"}
	cases := []struct {
		sol  string
		want float32
		why  string
	}{
		{"7+9=16;16+3=19;19+5=24####24", 1, "free order"},
		{"7+5=12;12+9=21;21+3=24####24", 1, "left to right"},
		{"3+9=12;5+7=12;12+12=24####24", 1, "two partial sums, equal results used twice"},
		{"9+7=15 no =16;16+3=19;19+5=24####24", 1, "corrected slip"},
		{"9+7=15 no =17 no =16;3+16=19;5+19=24####24", 1, "two corrections"},
		{"9+7=15 no =17 no =18 no =16;3+16=19;5+19=24####24", 0, "too many corrections"},
		{"9+7=16 no =16;16+3=19;19+5=24####24", 0, "retracting a right result"},
		{"9+7=15;15+3=18;18+5=23####23", 0, "wrong step, consistent answer"},
		{"7+9=16;16+3=19;19+5=24####23", 0, "right steps, wrong answer"},
		{"####24", 0, "answer without work"},
		{"7+9=16;16+3=19####19", 0, "a term left unused"},
		{"7+9=16;16+9=25;25+3=28####28", 0, "a term used twice"},
		{"7+9=16;16+3=19;19+5=24;24+0=24####24", 0, "a number not in the problem"},
		{"7+7=14;14+3=17;17+5=22####22", 0, "operand 7 used twice but present once"},
		{"7*9=63;63+3=66;66+5=71####71", 0, "wrong operator"},
		{"7+9=16;16+3=19;19+5=24", 0, "no marker"},
		{"7+9=016;16+3=19;19+5=24####24", 0, "leading zero in a result"},
		{"7+9=16;;16+3=19;19+5=24####24", 0, "empty step"},
		{"7+9=16; 16+3=19;19+5=24####24", 0, "space inside the work"},
		{"7+9=16;16+3=19;19+5=24####24 ", 1, "trailing space after the answer"},
		{"7+9=16;16+3=19;19+5=24####024", 1, "leading zero in the final answer"},
	}
	for _, c := range cases {
		if got := f.Verify(p, c.sol); got != c.want {
			t.Errorf("%s: Verify(%q) = %v, want %v", c.why, c.sol, got, c.want)
		}
	}
	if ans, ok := f.Answer(p, "9+7=15;15+3=18;18+5=23####23"); ok {
		t.Errorf("Answer of an invalid solution = %q, true; want no vote", ans)
	}
	if ans, ok := f.Answer(p, "7+9=16;16+3=19;19+5=24####024"); !ok || ans != "24" {
		t.Errorf("Answer = %q, %v; want 24, true", ans, ok)
	}
	// Products, and equal terms.
	q := Problem{Prompt: "Q:3*3*0*2 A:", Answer: "0"}
	for sol, want := range map[string]float32{
		"3*3=9;9*0=0;0*2=0####0":   1,
		"0*3=0;2*0=0;3*0=0####0":   1,
		"3*3=9;3*0=0;0*2=0####0":   0, // a third 3
		"3*3=9;9*2=18;18*0=0####0": 1,
	} {
		if got := f.Verify(q, sol); got != want {
			t.Errorf("Verify(%q, %q) = %v, want %v", q.Prompt, sol, got, want)
		}
	}
	// A problem not of this task's format casts no vote.
	for _, prompt := range []string{"7+5 A:", "Q:7+5", "Q:7-5 A:", "Q:7 A:", "Q:07+5 A:", "Q:7++5 A:"} {
		if _, ok := f.Answer(Problem{Prompt: prompt}, "7+5=12####12"); ok {
			t.Errorf("Answer accepted a solution to the malformed prompt %q", prompt)
		}
	}
}

func TestFreeOrderSampleHumanSolutionsValidAndVaried(t *testing.T) {
	for _, o := range []FreeOrderOptions{
		DefaultFreeOrderOptions(),
		{Digits: 2, MinTerms: 2, MaxTerms: 8, Ops: "+*"},
		{Digits: 1, MinTerms: 4, MaxTerms: 6, Ops: "+", Slips: 0.3},
	} {
		f := mustFreeOrder(t, o)
		rng := rand.New(rand.NewPCG(3, 4))
		alpha := f.Alphabet()
		corrected := 0
		for range 500 {
			p, err := f.Sample(rng)
			if err != nil {
				t.Fatal(err)
			}
			if f.Verify(p, p.Solution) != 1 {
				t.Fatalf("%+v: human solution %q of %q fails", o, p.Solution, p.Prompt)
			}
			if p.Key != strings.TrimSuffix(strings.TrimPrefix(p.Prompt, "Q:"), " A:") {
				t.Fatalf("key %q of prompt %q", p.Key, p.Prompt)
			}
			n := strings.Count(p.Key, "+") + strings.Count(p.Key, "*") + 1
			if n < o.MinTerms || n > o.MaxTerms || strings.Count(p.Solution, ";") != n-2 {
				t.Fatalf("%+v: %q has %d terms and solution %q", o, p.Prompt, n, p.Solution)
			}
			for _, r := range p.Prompt + p.Solution {
				if !strings.ContainsRune(alpha, r) {
					t.Fatalf("character %q of %q not in the alphabet %q", r, p.Prompt+p.Solution, alpha)
				}
			}
			if strings.Contains(p.Solution, CorrectionMarker) {
				corrected++
			}
		}
		if o.Slips == 0 && corrected > 0 {
			t.Errorf("%+v: %d human solutions hold corrections", o, corrected)
		}
		// 500 solutions of 3–5 steps at Slips 0.3: at least one corrected step in
		// 1−0.7^3 ≥ 66% of them.
		if o.Slips > 0 && corrected < 250 {
			t.Errorf("%+v: only %d of 500 human solutions hold a correction", o, corrected)
		}
	}
}

// The human solutions of one problem draw among its many valid orders.
func TestFreeOrderSolutionsVaryForOneProblem(t *testing.T) {
	f := mustFreeOrder(t, DefaultFreeOrderOptions())
	rng := rand.New(rand.NewPCG(5, 6))
	orders := map[string]map[string]bool{}
	for range 20000 {
		p, err := f.Sample(rng)
		if err != nil {
			t.Fatal(err)
		}
		if orders[p.Key] == nil {
			orders[p.Key] = map[string]bool{}
		}
		orders[p.Key][p.Solution] = true
	}
	// A three-term problem has 12 written solutions (6 ordered first pairs, 2 orders of the
	// last step) and is drawn about 7 times in 20,000 draws: most show more than one.
	var multi, seen int
	for _, sols := range orders {
		if len(sols) > 1 {
			multi++
		}
		seen++
	}
	if multi < 200 {
		t.Errorf("only %d of %d problems drawn twice or more had two distinct human solutions", multi, seen)
	}
}

func TestFreeOrderSampleDeterministic(t *testing.T) {
	f := mustFreeOrder(t, FreeOrderOptions{Digits: 1, MinTerms: 3, MaxTerms: 5, Ops: "+*", Slips: 0.2})
	a, b := rand.New(rand.NewPCG(7, 8)), rand.New(rand.NewPCG(7, 8))
	for range 50 {
		p, _ := f.Sample(a)
		q, _ := f.Sample(b)
		if p.Prompt != q.Prompt || p.Solution != q.Solution || p.Answer != q.Answer {
			t.Fatalf("same seed, different problems: %+v vs %+v", p, q)
		}
	}
}

func TestFreeOrderValidPrefix(t *testing.T) {
	f := mustFreeOrder(t, DefaultFreeOrderOptions())
	p := Problem{Prompt: "Q:7+5+9+3 A:", Answer: "24"}
	sol := "3+9=12;5+7=12;12+12=24####24"
	// Every prefix of a valid solution (and of a corrected one) is valid.
	for _, s := range []string{sol, "9+7=15 no =16;16+3=19;19+5=24####24"} {
		for i := 0; i <= len(s); i++ {
			if !f.ValidPrefix(p, s[:i]) {
				t.Errorf("ValidPrefix(%q) = false for a prefix of a valid solution", s[:i])
			}
		}
	}
	for _, s := range []string{
		"8",                       // no term starts with 8
		"7+7",                     // only one 7
		"7+9=16;16+9",             // 9 used already
		"7+9=16 no =16",           // retracting a right result
		"7+9=15;",                 // a wrong step finished
		"7+9=15 no =14 no =13 no", // no correction left
		"7+9=16;16+3=19####",      // a term left
		"7+9=16;16+3=19;19+5=24####3",
		"####",
		"7-",
	} {
		if f.ValidPrefix(p, s) {
			t.Errorf("ValidPrefix(%q) = true, want false", s)
		}
	}
	// A wrong number may still be corrected while corrections remain.
	for _, s := range []string{"7+9=15", "7+9=15 n", "7+9=15 no =17 no =1"} {
		if !f.ValidPrefix(p, s) {
			t.Errorf("ValidPrefix(%q) = false, want true (correctable)", s)
		}
	}
	if f.ValidPrefix(p, "7+9=15 no =17 no =2") {
		t.Error("ValidPrefix accepted a third wrong result")
	}
}

// Answer and ValidPrefix never panic on arbitrary text; a verified solution whose answer is
// in canonical form has every prefix valid.
func FuzzFreeOrderAnswer(f *testing.F) {
	task := &FreeOrder{opts: FreeOrderOptions{Digits: 1, MinTerms: 2, MaxTerms: 8, Ops: "+*"}}
	f.Add("Q:7+5+9+3 A:", "7+9=16;16+3=19;19+5=24####24")
	f.Add("Q:2*3 A:", "2*3=5 no =6####6")
	f.Add("Q:1+1 A:", "1+1=2 no")
	f.Fuzz(func(t *testing.T, prompt, sol string) {
		p := Problem{Prompt: prompt}
		ans, ok := task.Answer(p, sol)
		task.ValidPrefix(p, sol)
		if ok {
			if _, err := strconv.ParseInt(ans, 10, 64); err != nil {
				t.Fatalf("answer %q not an integer", ans)
			}
			if !strings.HasSuffix(sol, AnswerMarker+ans) {
				return // ValidPrefix expects the answer in canonical form
			}
			for i := 0; i <= len(sol); i++ {
				if !task.ValidPrefix(p, sol[:i]) {
					t.Fatalf("prefix %q of valid solution %q judged invalid", sol[:i], sol)
				}
			}
		}
	})
}

// Products that would exceed the value bound are redrawn; when no draw fits, Sample says so.
func TestFreeOrderSampleBoundsProducts(t *testing.T) {
	f := mustFreeOrder(t, FreeOrderOptions{Digits: 2, MinTerms: 8, MaxTerms: 8, Ops: "*"})
	rng := rand.New(rand.NewPCG(9, 10))
	ok := 0
	for range 20 {
		p, err := f.Sample(rng)
		if err != nil {
			continue
		}
		ok++
		if v, _ := strconv.ParseInt(p.Answer, 10, 64); v > maxFreeOrderValue || f.Verify(p, p.Solution) != 1 {
			t.Fatalf("problem %q answer %s solution %q", p.Prompt, p.Answer, p.Solution)
		}
	}
	if ok == 0 {
		t.Error("no 8-term product of 2-digit terms within range in 20 samples")
	}
	// Eight three-digit factors almost never stay within 10^12 in every order: Sample gives
	// up with an error rather than loop forever (or returns a valid problem).
	g := mustFreeOrder(t, FreeOrderOptions{Digits: 3, MinTerms: 8, MaxTerms: 8, Ops: "*"})
	if p, err := g.Sample(rng); err == nil && g.Verify(p, p.Solution) != 1 {
		t.Errorf("invalid problem %q", p.Prompt)
	}
	if _, ok := combine(maxFreeOrderValue, 2, '*'); ok {
		t.Error("combine accepted a product beyond the bound")
	}
	if v, ok := combine(maxFreeOrderValue, 0, '*'); !ok || v != 0 {
		t.Errorf("combine(max, 0) = %d, %v", v, ok)
	}
}

func TestSlipIsWrongAndNonNegative(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, r := range []int64{0, 1, 5, 10, 37} {
		for range 200 {
			w := slip(r, rng)
			if w == r || w < 0 {
				t.Fatalf("slip(%d) = %d", r, w)
			}
		}
	}
}

// TestFreeOrderInOrder checks that InOrder draws the same problems as a random order and
// solves each as a left fold: the first step combines the first two terms and every later
// step the previous result with the next term.
func TestFreeOrderInOrder(t *testing.T) {
	for _, ops := range []string{"+", "*"} {
		random := mustFreeOrder(t, FreeOrderOptions{Digits: 1, MinTerms: 2, MaxTerms: 6, Ops: ops})
		inOrder := mustFreeOrder(t, FreeOrderOptions{Digits: 1, MinTerms: 2, MaxTerms: 6, Ops: ops, InOrder: true})
		a, b := rand.New(rand.NewPCG(3, 4)), rand.New(rand.NewPCG(3, 4))
		for range 200 {
			p, err := random.Sample(a)
			if err != nil {
				t.Fatal(err)
			}
			q, err := inOrder.Sample(b)
			if err != nil {
				t.Fatal(err)
			}
			if p.Prompt != q.Prompt || p.Answer != q.Answer {
				t.Fatalf("InOrder drew another problem: %q against %q", q.Prompt, p.Prompt)
			}
			terms := strings.Split(strings.TrimSuffix(strings.TrimPrefix(q.Prompt, "Q:"), " A:"), ops)
			acc, _ := strconv.ParseInt(terms[0], 10, 64)
			var want []string
			for _, s := range terms[1:] {
				v, _ := strconv.ParseInt(s, 10, 64)
				r := acc + v
				if ops == "*" {
					r = acc * v
				}
				want = append(want, strconv.FormatInt(acc, 10)+ops+s+"="+strconv.FormatInt(r, 10))
				acc = r
			}
			if got := strings.Join(want, ";") + AnswerMarker + q.Answer; q.Solution != got {
				t.Fatalf("%s: solution %q, want the left fold %q", q.Prompt, q.Solution, got)
			}
			if random.Verify(q, q.Solution) != 1 {
				t.Fatalf("%s: in-order solution %q does not verify", q.Prompt, q.Solution)
			}
		}
	}
}
