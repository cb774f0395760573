package task

import (
	"fmt"
	"math"
)

// PassAtK returns the unbiased estimate of pass@k from n samples of which c are correct:
// the probability that at least one of k samples drawn without replacement from the n is
// correct, 1 − C(n−c, k)/C(n, k). It is computed as the product
// 1 − ∏_{i=n−c+1}^{n} (1 − k/i), which needs no binomial coefficients and stays accurate for
// large n. The result is 1 when n−c < k (every k-subset holds a correct sample) and 0 when
// c = 0. pass@1 is c/n.
//
// PassAtK panics unless 0 ≤ c ≤ n and 1 ≤ k ≤ n.
func PassAtK(n, c, k int) float64 {
	if c < 0 || c > n || k < 1 || k > n {
		panic(fmt.Sprintf("task: PassAtK: need 0 ≤ c ≤ n and 1 ≤ k ≤ n, got n=%d c=%d k=%d", n, c, k))
	}
	if n-c < k {
		return 1
	}
	prod := 1.0
	for i := n - c + 1; i <= n; i++ {
		prod *= 1 - float64(k)/float64(i)
	}
	return 1 - prod
}

// MeanPassAtK returns the mean of PassAtK(n, c, k) over problems, where correct[j] is the
// number of correct samples among the n drawn for problem j. It returns 0 for no problems.
func MeanPassAtK(n int, correct []int, k int) float64 {
	if len(correct) == 0 {
		return 0
	}
	var s float64
	for _, c := range correct {
		s += PassAtK(n, c, k)
	}
	return s / float64(len(correct))
}

// MajorityVote returns the most frequent answer and its number of votes, ignoring empty
// answers (a sample without a well-formed answer casts no vote). Ties go to the answer that
// occurred first. It returns "", 0 if no answer is non-empty.
func MajorityVote(answers []string) (answer string, votes int) {
	count := make(map[string]int)
	for _, a := range answers {
		if a != "" {
			count[a]++
		}
	}
	for _, a := range answers { // in order of occurrence, so the first of tied answers wins
		if c := count[a]; c > votes {
			answer, votes = a, c
		}
	}
	return answer, votes
}

// MajorityCorrect reports whether the majority answer of the samples, as normalised by
// t.Answer, is p's answer: one problem's contribution to maj@k with k = len(samples).
// maj@k accuracy is the fraction of problems for which it holds.
func MajorityCorrect(t Task, p Problem, samples []string) bool {
	answers := make([]string, len(samples))
	for i, s := range samples {
		if a, ok := t.Answer(p, s); ok && a != "" {
			answers[i] = a
		}
	}
	a, votes := MajorityVote(answers)
	return votes > 0 && a == p.Answer
}

// Stat is a mean with its standard error, for reporting a metric over seeds.
type Stat struct {
	// Mean is the sample mean.
	Mean float64
	// StdErr is the standard error of the mean, s/√N with s the sample standard deviation
	// (denominator N−1); zero when N < 2.
	StdErr float64
	// N is the number of values.
	N int
}

// Summarize returns the mean and standard error of xs, accumulated in float64 in order.
// The mean of no values is NaN.
func Summarize(xs []float64) Stat {
	n := len(xs)
	if n == 0 {
		return Stat{Mean: math.NaN()}
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(n)
	st := Stat{Mean: mean, N: n}
	if n > 1 {
		var ss float64
		for _, x := range xs {
			ss += (x - mean) * (x - mean)
		}
		st.StdErr = math.Sqrt(ss/float64(n-1)) / math.Sqrt(float64(n))
	}
	return st
}

// String formats s as "mean ± stderr (n=N)" with four decimals.
func (s Stat) String() string {
	return fmt.Sprintf("%.4f ± %.4f (n=%d)", s.Mean, s.StdErr, s.N)
}

// Beats reports whether s exceeds base by more than two standard errors of the difference,
// s.Mean − base.Mean > 2·√(s.StdErr² + base.StdErr²): the rule by which a gain counts.
// Both must summarise at least two values; otherwise Beats is false.
func (s Stat) Beats(base Stat) bool {
	if s.N < 2 || base.N < 2 {
		return false
	}
	return s.Mean-base.Mean > 2*math.Hypot(s.StdErr, base.StdErr)
}
