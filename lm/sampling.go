package lm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// SamplingOptions say how a row of logits becomes the distribution a token is drawn from.
// The zero value is greedy decoding.
type SamplingOptions struct {
	// Temperature divides the logits before the softmax. 0 means greedy: all probability on
	// the most likely token (the lowest id among equal maxima). 1 leaves the model's
	// distribution unchanged.
	Temperature float64
	// TopK, if positive, keeps only the K most likely tokens (ties broken by lower id).
	TopK int
	// TopP, if in (0, 1), keeps the nucleus: the smallest set of most likely tokens (ties
	// broken by lower id) whose probability, after temperature and top-k, reaches TopP.
	// 0 and 1 keep every token.
	TopP float64
}

// topPTolerance is the relative rounding allowance when the cumulative probability is
// compared with TopP: a prefix whose probability is TopP up to rounding ends the nucleus.
const topPTolerance = 1e-9

func (o SamplingOptions) check(op string) {
	if !(o.Temperature >= 0) || math.IsInf(o.Temperature, 1) {
		panic(fmt.Sprintf("lm: %s: Temperature %v must be finite and >= 0", op, o.Temperature))
	}
	if o.TopK < 0 {
		panic(fmt.Sprintf("lm: %s: TopK %d < 0", op, o.TopK))
	}
	if !(o.TopP >= 0 && o.TopP <= 1) {
		panic(fmt.Sprintf("lm: %s: TopP %v outside [0, 1]", op, o.TopP))
	}
}

// Distribution writes into dst, and returns, the probability distribution over tokens that
// a sampler with options opts draws the next token from, given a row of raw logits.
//
// The steps, in float64, are: divide the logits by the temperature; softmax; keep the TopK
// most likely tokens; keep the nucleus of probability TopP among them; renormalise. Tokens
// are ranked by logit, equal logits by lower id, so the result is a deterministic function
// of its inputs. With Temperature 0 the result is one-hot on the first maximal logit. A
// logit of -Inf gives probability 0; if some logits are +Inf, they share the probability.
//
// dst is reused if it has capacity for len(logits) values. Every sampler of this package,
// and the speculative decoder of package distill, sample from this distribution. It panics
// if logits is empty, holds a NaN or is all -Inf, or if opts is invalid (negative
// temperature, TopK < 0, TopP outside [0, 1]). It is safe for concurrent use.
func Distribution(dst, logits []float32, opts SamplingOptions) []float32 {
	opts.check("Distribution")
	n := len(logits)
	if n == 0 {
		panic("lm: Distribution: empty logits")
	}
	if cap(dst) >= n {
		dst = dst[:n]
	} else {
		dst = make([]float32, n)
	}
	best := 0
	for i, l := range logits {
		if l != l {
			panic(fmt.Sprintf("lm: Distribution: logit %d is NaN", i))
		}
		if l > logits[best] {
			best = i
		}
	}
	m := float64(logits[best])
	if math.IsInf(m, -1) {
		panic("lm: Distribution: every logit is -Inf")
	}
	clear(dst)
	if opts.Temperature == 0 {
		dst[best] = 1
		return dst
	}

	s := distScratchPool.Get().(*distScratch)
	defer distScratchPool.Put(s)
	if cap(s.e) < n {
		s.e = make([]float64, n)
	}
	e := s.e[:n]
	invT := 1 / opts.Temperature
	var total float64
	for i, l := range logits {
		var v float64
		switch {
		case math.IsInf(m, 1):
			if math.IsInf(float64(l), 1) {
				v = 1
			}
		default:
			v = math.Exp((float64(l) - m) * invT)
		}
		e[i] = v
		total += v
	}

	filterK := opts.TopK > 0 && opts.TopK < n
	filterP := opts.TopP > 0 && opts.TopP < 1
	if !filterK && !filterP {
		for i, v := range e {
			dst[i] = float32(v / total)
		}
		return dst
	}

	// Rank the tokens with nonzero weight (the others cannot change the result) with a
	// binary max-heap on (logit, -id), popping only as many as are kept.
	idx := s.idx[:0]
	for i, v := range e {
		if v > 0 {
			idx = append(idx, int32(i))
		}
	}
	s.idx = idx
	h := rankHeap{idx: idx, logits: logits}
	h.init()
	k := len(idx)
	if filterK && opts.TopK < k {
		k = opts.TopK
	}
	kept := s.kept[:0]
	var sum float64
	if filterK {
		for len(kept) < k {
			i := h.pop()
			kept = append(kept, i)
			sum += e[i]
		}
		if filterP {
			target := opts.TopP * sum * (1 - topPTolerance)
			var cum float64
			for j, i := range kept {
				cum += e[i]
				if cum >= target {
					kept = kept[:j+1]
					sum = cum
					break
				}
			}
		}
	} else {
		target := opts.TopP * total * (1 - topPTolerance)
		for h.len() > 0 {
			i := h.pop()
			kept = append(kept, i)
			sum += e[i]
			if sum >= target {
				break
			}
		}
	}
	s.kept = kept
	for _, i := range kept {
		dst[i] = float32(e[i] / sum)
	}
	return dst
}

type distScratch struct {
	e    []float64
	idx  []int32
	kept []int32
}

var distScratchPool = sync.Pool{New: func() any { return new(distScratch) }}

// rankHeap is a max-heap of token ids ordered by logit, then by lower id.
type rankHeap struct {
	idx    []int32
	logits []float32
}

func (h *rankHeap) before(a, b int32) bool {
	la, lb := h.logits[a], h.logits[b]
	return la > lb || (la == lb && a < b)
}

func (h *rankHeap) len() int { return len(h.idx) }

func (h *rankHeap) init() {
	for i := len(h.idx)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *rankHeap) down(i int) {
	idx := h.idx
	n := len(idx)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && h.before(idx[r], idx[l]) {
			c = r
		}
		if !h.before(idx[c], idx[i]) {
			return
		}
		idx[i], idx[c] = idx[c], idx[i]
		i = c
	}
}

func (h *rankHeap) pop() int32 {
	top := h.idx[0]
	n := len(h.idx) - 1
	h.idx[0] = h.idx[n]
	h.idx = h.idx[:n]
	h.down(0)
	return top
}

// Sample draws a token from a probability distribution such as Distribution returns,
// using one draw of rng. The weights need not sum exactly to 1; zero weights are never
// drawn. It panics if no weight is positive.
func Sample(probs []float32, rng *rand.Rand) int {
	var total float64
	last := -1
	for i, p := range probs {
		if p > 0 {
			total += float64(p)
			last = i
		}
	}
	if last < 0 {
		panic("lm: Sample: no token has positive probability")
	}
	u := rng.Float64() * total
	var cum float64
	for i, p := range probs[:last] {
		if p > 0 {
			cum += float64(p)
			if u < cum {
				return i
			}
		}
	}
	return last
}
