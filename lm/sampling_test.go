package lm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveDistribution is the oracle for Distribution: sort every token, then filter.
func naiveDistribution(logits []float32, o SamplingOptions) []float64 {
	n := len(logits)
	out := make([]float64, n)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case logits[a] > logits[b]:
			return -1
		case logits[a] < logits[b]:
			return 1
		}
		return a - b
	})
	if o.Temperature == 0 {
		out[order[0]] = 1
		return out
	}
	m := float64(logits[order[0]])
	p := make([]float64, n)
	var z float64
	for i, l := range logits {
		p[i] = math.Exp((float64(l) - m) / o.Temperature)
		z += p[i]
	}
	keep := order
	if o.TopK > 0 && o.TopK < n {
		keep = keep[:o.TopK]
	}
	var zk float64
	for _, i := range keep {
		zk += p[i]
	}
	if o.TopP > 0 && o.TopP < 1 {
		var cum float64
		for j, i := range keep {
			cum += p[i] / zk
			if cum >= o.TopP*(1-1e-9) {
				keep = keep[:j+1]
				break
			}
		}
	}
	var zz float64
	for _, i := range keep {
		zz += p[i]
	}
	for _, i := range keep {
		out[i] = p[i] / zz
	}
	return out
}

func TestDistributionMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	opts := []SamplingOptions{
		{}, {Temperature: 1}, {Temperature: 0.7}, {Temperature: 2, TopK: 1}, {Temperature: 1, TopK: 5},
		{Temperature: 1, TopP: 0.9}, {Temperature: 0.5, TopP: 0.5}, {Temperature: 1.3, TopK: 10, TopP: 0.8},
		{Temperature: 1, TopK: 1000}, {Temperature: 1, TopP: 1}, {Temperature: 1, TopP: 1e-6},
	}
	for iter := 0; iter < 300; iter++ {
		n := 1 + rng.IntN(200)
		logits := make([]float32, n)
		for i := range logits {
			logits[i] = float32(rng.NormFloat64() * 3)
			if rng.IntN(10) == 0 {
				logits[i] = float32(rng.IntN(3)) // ties
			}
		}
		for _, o := range opts {
			got := Distribution(nil, logits, o)
			want := naiveDistribution(logits, o)
			var sum float64
			for i := range got {
				if math.Abs(float64(got[i])-want[i]) > 1e-6 || (got[i] == 0) != (want[i] == 0) {
					t.Fatalf("%+v n=%d: p[%d] = %v, want %v", o, n, i, got[i], want[i])
				}
				sum += float64(got[i])
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Fatalf("%+v: sum %v", o, sum)
			}
		}
	}
}

func TestDistributionTopPBoundary(t *testing.T) {
	eq := func(a []float32, b ...float32) bool { return slices.Equal(a, b) }
	four := []float32{0, 0, 0, 0} // each 1/4, exactly
	cases := []struct {
		logits []float32
		o      SamplingOptions
		want   []float32
	}{
		// Cumulative exactly at p: the token that reaches p is the last one kept.
		{four, SamplingOptions{Temperature: 1, TopP: 0.5}, []float32{0.5, 0.5, 0, 0}},
		{four, SamplingOptions{Temperature: 1, TopP: 0.25}, []float32{1, 0, 0, 0}},
		{four, SamplingOptions{Temperature: 1, TopP: 0.75}, []float32{1.0 / 3, 1.0 / 3, 1.0 / 3, 0}},
		// Just above a boundary takes one more; ties go to lower ids.
		{four, SamplingOptions{Temperature: 1, TopP: 0.5000001}, []float32{1.0 / 3, 1.0 / 3, 1.0 / 3, 0}},
		{four, SamplingOptions{Temperature: 1, TopP: 0.3}, []float32{0.5, 0.5, 0, 0}},
		// Top-k ties by id; then top-p within the renormalised top-k.
		{four, SamplingOptions{Temperature: 1, TopK: 3}, []float32{1.0 / 3, 1.0 / 3, 1.0 / 3, 0}},
		{[]float32{0, 1, 1, 0}, SamplingOptions{Temperature: 1, TopK: 1}, []float32{0, 1, 0, 0}},
		{four, SamplingOptions{Temperature: 1, TopK: 2, TopP: 0.5}, []float32{1, 0, 0, 0}},
		{four, SamplingOptions{Temperature: 1, TopK: 2, TopP: 0.51}, []float32{0.5, 0.5, 0, 0}},
		// The most likely token is kept whatever p.
		{[]float32{0, 5, 0}, SamplingOptions{Temperature: 1, TopP: 1e-9}, []float32{0, 1, 0}},
		// Greedy: first maximum.
		{[]float32{1, 3, 3, 2}, SamplingOptions{}, []float32{0, 1, 0, 0}},
		{[]float32{1, 3, 3, 2}, SamplingOptions{TopK: 3, TopP: 0.1}, []float32{0, 1, 0, 0}},
		// -Inf is impossible; +Inf shares the mass.
		{[]float32{float32(math.Inf(-1)), 0}, SamplingOptions{Temperature: 1}, []float32{0, 1}},
		{[]float32{float32(math.Inf(1)), 0, float32(math.Inf(1))}, SamplingOptions{Temperature: 1}, []float32{0.5, 0, 0.5}},
		// A temperature so small that its inverse overflows: the maxima share the mass.
		{[]float32{1, 3, 3, 2}, SamplingOptions{Temperature: 5e-324}, []float32{0, 0.5, 0.5, 0}},
		// A distribution of 1/2, 1/4, 1/8, 1/8 (logits differ by ln 2 at temperature 1/ln 2).
		{[]float32{3, 2, 1, 1}, SamplingOptions{Temperature: 1 / math.Ln2, TopP: 0.75}, []float32{2.0 / 3, 1.0 / 3, 0, 0}},
	}
	for _, c := range cases {
		got := Distribution(nil, c.logits, c.o)
		ok := eq(got, c.want...)
		if !ok {
			ok = true
			for i := range got {
				if math.Abs(float64(got[i]-c.want[i])) > 1e-6 {
					ok = false
				}
			}
		}
		if !ok {
			t.Errorf("Distribution(%v, %+v) = %v, want %v", c.logits, c.o, got, c.want)
		}
	}
}

func TestDistributionReusesDst(t *testing.T) {
	dst := make([]float32, 10)
	for i := range dst {
		dst[i] = 7
	}
	got := Distribution(dst[:0], []float32{1, 2, 3}, SamplingOptions{Temperature: 1, TopK: 1})
	if &got[0] != &dst[0] || !slices.Equal(got, []float32{0, 0, 1}) {
		t.Fatalf("got %v", got)
	}
	allocs := testing.AllocsPerRun(100, func() {
		Distribution(dst, []float32{1, 2, 3, 4}, SamplingOptions{Temperature: 1, TopK: 2, TopP: 0.9})
	})
	if allocs > 0 && !raceEnabled {
		t.Errorf("%v allocations per call", allocs)
	}
}

func TestDistributionPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"empty":       func() { Distribution(nil, nil, SamplingOptions{}) },
		"nan":         func() { Distribution(nil, []float32{0, float32(math.NaN())}, SamplingOptions{Temperature: 1}) },
		"all -inf":    func() { Distribution(nil, []float32{float32(math.Inf(-1))}, SamplingOptions{Temperature: 1}) },
		"temperature": func() { Distribution(nil, []float32{0}, SamplingOptions{Temperature: -1}) },
		"topk":        func() { Distribution(nil, []float32{0}, SamplingOptions{TopK: -1}) },
		"topp":        func() { Distribution(nil, []float32{0}, SamplingOptions{TopP: 1.5}) },
		"sample zero": func() { Sample([]float32{0, 0}, rand.New(rand.NewPCG(1, 1))) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// chiSquareCritical001 holds the chi-square critical values at significance 0.001 for 1 to
// 15 degrees of freedom.
var chiSquareCritical001 = []float64{0, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322,
	26.124, 27.877, 29.588, 31.264, 32.909, 34.528, 36.123, 37.697}

// TestSampleChiSquare draws from Distribution for several option sets and checks the
// frequencies with a chi-square goodness-of-fit test at significance 0.001 (fixed seeds, so
// the outcome is deterministic); tokens of probability zero must never be drawn.
func TestSampleChiSquare(t *testing.T) {
	logits := []float32{1.2, -0.3, 0.8, 2.0, 0.8, -1.5, 0.1, 1.9, -0.7, 0.5, 0.0, 1.1}
	const draws = 40000
	for ci, o := range []SamplingOptions{
		{Temperature: 1}, {Temperature: 0.5}, {Temperature: 2}, {Temperature: 1, TopK: 4},
		{Temperature: 1, TopP: 0.7}, {Temperature: 0.8, TopK: 6, TopP: 0.9}, {Temperature: 1.5, TopP: 0.95},
		{Temperature: 1, TopK: 5}, // the 5th is tied with the 6th: the lower id is kept
	} {
		p := Distribution(nil, logits, o)
		rng := rand.New(rand.NewPCG(uint64(ci), 99))
		counts := make([]int, len(p))
		for range draws {
			counts[Sample(p, rng)]++
		}
		var chi float64
		df := -1
		for i, pi := range p {
			if pi == 0 {
				if counts[i] != 0 {
					t.Fatalf("%+v: token %d has probability 0 but was drawn %d times", o, i, counts[i])
				}
				continue
			}
			exp := float64(pi) * draws
			chi += (float64(counts[i]) - exp) * (float64(counts[i]) - exp) / exp
			df++
		}
		if df >= 1 && chi > chiSquareCritical001[df] {
			t.Errorf("%+v: chi-square %.2f with %d degrees of freedom exceeds %.3f", o, chi, df, chiSquareCritical001[df])
		}
	}
}

func BenchmarkDistribution(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	logits := make([]float32, 50257)
	for i := range logits {
		logits[i] = float32(rng.NormFloat64() * 3)
	}
	dst := make([]float32, len(logits))
	for _, c := range []struct {
		name string
		o    SamplingOptions
	}{
		{"greedy", SamplingOptions{}},
		{"temperature", SamplingOptions{Temperature: 0.8}},
		{"top-k40", SamplingOptions{Temperature: 0.8, TopK: 40}},
		{"top-p0.9", SamplingOptions{Temperature: 0.8, TopP: 0.9}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Distribution(dst, logits, c.o)
			}
		})
	}
}
