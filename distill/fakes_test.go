package distill

import (
	"fmt"
	"math"

	"github.com/tenet-ml/tenet/lm"
)

// prefixModel is a test model whose next-token logits are a pseudo-random function of the
// whole prefix: any bookkeeping error in a state (a token fed twice, a missed Truncate)
// changes every later distribution. Its logits are base(prefix)·Scale, plus, for a draft
// built with Of, the logits of another prefixModel, so that the draft approximates it.
type prefixModel struct {
	Vocab, Context int
	Seed           uint64
	Scale          float64
	Of             *prefixModel // if not nil, its logits are added
}

func (m *prefixModel) VocabSize() int { return m.Vocab }
func (m *prefixModel) MaxLen() int    { return m.Context }
func (m *prefixModel) NewState() lm.State {
	return &prefixState{m: m}
}

// logits writes the next-token logits after prefix into dst.
func (m *prefixModel) logits(dst []float32, prefix []int) {
	h := m.Seed*0x9E3779B97F4A7C15 + 1
	for _, t := range prefix {
		h = mix64(h ^ uint64(t+1))
	}
	for i := range dst {
		u := mix64(h + uint64(i)*0xBF58476D1CE4E5B9)
		// Uniform in [-1, 1) scaled.
		x := (float64(u>>11)/(1<<53)*2 - 1) * m.Scale
		dst[i] = float32(x)
	}
	if m.Of != nil {
		extra := make([]float32, len(dst))
		m.Of.logits(extra, prefix)
		for i := range dst {
			dst[i] += extra[i]
		}
	}
}

func mix64(z uint64) uint64 {
	z += 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// prefixState records the tokens fed; Append counts calls.
type prefixState struct {
	m      *prefixModel
	tokens []int
	rows   [][]float32
	calls  int
}

func (s *prefixState) Append(tokens []int) [][]float32 {
	if len(s.tokens)+len(tokens) > s.m.Context {
		panic(fmt.Sprintf("prefixState: %d+%d tokens exceed MaxLen %d", len(s.tokens), len(tokens), s.m.Context))
	}
	s.calls++
	s.rows = s.rows[:0]
	for _, t := range tokens {
		if t < 0 || t >= s.m.Vocab {
			panic("prefixState: token out of range")
		}
		s.tokens = append(s.tokens, t)
		row := make([]float32, s.m.Vocab)
		s.m.logits(row, s.tokens)
		s.rows = append(s.rows, row)
	}
	return s.rows
}

func (s *prefixState) Len() int { return len(s.tokens) }

func (s *prefixState) Truncate(n int) {
	if n < 0 || n > len(s.tokens) {
		panic("prefixState: bad Truncate")
	}
	s.tokens = s.tokens[:n]
}

// constModel is a BigramModel whose rows are all the same: its next-token distribution
// ignores the context, so acceptance events are independent draws.
func constModel(row []float32, maxLen int) *lm.BigramModel {
	rows := make([][]float32, len(row))
	for i := range rows {
		rows[i] = row
	}
	return lm.NewBigramModel(rows, maxLen)
}

// chiSquareCritical returns the upper-α critical value of the chi-square distribution with
// k degrees of freedom by the Wilson–Hilferty approximation (z is the normal quantile of
// 1−α; 3.29 for α = 5e-4).
func chiSquareCritical(k int, z float64) float64 {
	kf := float64(k)
	c := 2 / (9 * kf)
	return kf * math.Pow(1-c+z*math.Sqrt(c), 3)
}

// chiSquare returns the statistic and degrees of freedom of counts against expected
// probabilities, pooling cells whose expectation is below 5 into one.
func chiSquare(counts []int, probs []float64, n int) (stat float64, dof int) {
	var poolObs, poolExp float64
	cells := 0
	for i, p := range probs {
		e := p * float64(n)
		if e < 5 {
			poolObs += float64(counts[i])
			poolExp += e
			continue
		}
		d := float64(counts[i]) - e
		stat += d * d / e
		cells++
	}
	if poolExp > 0 {
		d := poolObs - poolExp
		stat += d * d / max(poolExp, 5)
		cells++
	}
	return stat, cells - 1
}
