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
	invT := 1 / opts.Temperature
	infMax := math.IsInf(m, 1)
	weight := func(l float32) float64 {
		if infMax {
			if math.IsInf(float64(l), 1) {
				return 1
			}
			return 0
		}
		d := float64(l) - m
		if d == 0 {
			return 1 // also when invT overflows to +Inf
		}
		return math.Exp(d * invT)
	}
	filterP := opts.TopP > 0 && opts.TopP < 1

	if opts.TopK > 0 && opts.TopK < n {
		// Top-k: one pass keeps the k best tokens seen so far in a heap whose root is the
		// worst of them; only the kept tokens need their weights.
		kept := topK(s.kept[:0], logits, opts.TopK)
		w := s.e[:0]
		var sum float64
		for _, i := range kept {
			v := weight(logits[i])
			w = append(w, v)
			sum += v
		}
		s.kept, s.e = kept, w
		if filterP {
			target := opts.TopP * sum * (1 - topPTolerance)
			var cum float64
			for j, v := range w {
				cum += v
				if cum >= target {
					kept = kept[:j+1]
					sum = cum
					break
				}
			}
		}
		for j, i := range kept {
			dst[i] = float32(w[j] / sum)
		}
		return dst
	}

	if cap(s.e) < n {
		s.e = make([]float64, n)
	}
	e := s.e[:n]
	var total float64
	for i, l := range logits {
		v := weight(l)
		e[i] = v
		total += v
	}
	if !filterP {
		for i, v := range e {
			dst[i] = float32(v / total)
		}
		return dst
	}

	// Top-p: rank the tokens with nonzero weight (the others cannot change the result) and
	// pop until the nucleus is complete.
	idx := s.idx[:0]
	for i, v := range e {
		if v > 0 {
			idx = append(idx, int32(i))
		}
	}
	s.idx = idx
	h := rankHeap{idx: idx, logits: logits}
	h.init()
	kept := s.kept[:0]
	var sum float64
	target := opts.TopP * total * (1 - topPTolerance)
	for h.len() > 0 {
		i := h.pop()
		kept = append(kept, i)
		sum += e[i]
		if sum >= target {
			break
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

// topK appends to dst the ids of the k tokens ranked first by (logit, -id), excluding
// -Inf logits, best first.
func topK(dst []int32, logits []float32, k int) []int32 {
	// h is a heap whose root is the worst kept token. Its storage is dst's, with room for
	// k, and the result is sliced from dst, not from h, so that logits does not escape.
	if cap(dst) < k {
		dst = make([]int32, 0, k)
	}
	h := rankHeap{idx: dst[:0], logits: logits, worstFirst: true}
	for i, l := range logits {
		if math.IsInf(float64(l), -1) {
			continue
		}
		if len(h.idx) < k {
			h.idx = append(h.idx, int32(i))
			h.up(len(h.idx) - 1)
		} else if h.before(h.idx[0], int32(i)) {
			h.idx[0] = int32(i)
			h.down(0)
		}
	}
	// Pop worst first into the tail: the slice ends best first.
	out := dst[:len(h.idx)]
	for n := len(out); n > 1; n-- {
		out[0], out[n-1] = out[n-1], out[0]
		h.idx = h.idx[:n-1]
		h.down(0)
	}
	return out
}

// rankHeap is a binary heap of token ids ranked by logit, then by lower id: by default the
// first-ranked token is at the root.
type rankHeap struct {
	idx        []int32
	logits     []float32
	worstFirst bool // the root is the last-ranked token instead
}

// before reports whether token a is nearer the root than b.
func (h *rankHeap) before(a, b int32) bool {
	la, lb := h.logits[a], h.logits[b]
	first := la > lb || (la == lb && a < b)
	return first != h.worstFirst
}

func (h *rankHeap) up(i int) {
	idx := h.idx
	for i > 0 {
		p := (i - 1) / 2
		if !h.before(idx[i], idx[p]) {
			return
		}
		idx[i], idx[p] = idx[p], idx[i]
		i = p
	}
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
