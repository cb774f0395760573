package lm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// GenerateBatchRows is the number of sequences GenerateBatch decodes in lockstep: every
// decoding step is one pass over up to this many rows, so each weight is read once for all of
// them.
const GenerateBatchRows = 64

// GenerateBatch is Generate for a Transformer with the sequences decoded in lockstep: each
// prompt is fed with one Append of its own, then every step feeds the last sampled token of
// up to GenerateBatchRows unfinished sequences in a single forward pass, a matrix product
// over those rows instead of one matrix–vector product per sequence. When a sequence ends,
// the next prompt takes its place (and its cache). Decoding many prompts this way is several
// times faster than Generate, whose batch-1 passes are bound by reading the weights.
//
// Options, validation, errors, random streams (two numbers drawn from rng per prompt before
// any work), stopping rules and results are those of Generate; opts.Workers is ignored
// (the matrix products use GOMAXPROCS goroutines) and opts.Progress is called as each prompt
// finishes, from the calling goroutine. The logits of a row do not depend on which other
// sequences share its pass, but they may differ from Generate's in the last bits (a matrix
// product and a matrix–vector product round differently), so a draw that falls within
// rounding of a boundary can pick a different token.
func (m *Transformer) GenerateBatch(ctx context.Context, prompts [][]int, opts GenerateOptions, rng *rand.Rand) ([]Generation, error) {
	vocab, maxLen := m.cfg.VocabSize, m.cfg.MaxLen
	// Distribution panics on invalid sampling options, as Generate does; check before any work.
	Distribution(nil, []float32{0}, opts.Sampling)
	if opts.MaxNewTokens < 0 {
		return nil, fmt.Errorf("lm: GenerateBatch: MaxNewTokens %d < 0", opts.MaxNewTokens)
	}
	stop := make(map[int]bool, len(opts.StopTokens))
	for _, t := range opts.StopTokens {
		if t < 0 || t >= vocab {
			return nil, fmt.Errorf("lm: GenerateBatch: stop token %d is outside the vocabulary [0, %d)", t, vocab)
		}
		stop[t] = true
	}
	for i, p := range prompts {
		if len(p) == 0 {
			return nil, fmt.Errorf("lm: GenerateBatch: prompt %d is empty", i)
		}
		if len(p) > maxLen {
			return nil, fmt.Errorf("lm: GenerateBatch: prompt %d has %d tokens, more than the model's MaxLen %d", i, len(p), maxLen)
		}
		for j, t := range p {
			if t < 0 || t >= vocab {
				return nil, fmt.Errorf("lm: GenerateBatch: token %d at position %d of prompt %d is outside the vocabulary [0, %d)", t, j, i, vocab)
			}
		}
	}
	gens := make([]Generation, len(prompts))
	rngs := make([]*rand.Rand, len(prompts))
	for i := range prompts {
		gens[i].Stop = StopCanceled
		rngs[i] = rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
	}

	type slot struct {
		prompt int
		st     *kvState
		logits []float32 // the row the next token is sampled from
	}
	var (
		active  []slot
		free    []*kvState
		next    int
		done    int
		dist    []float32
		scratch passScratch
		spans   []seqSpan
		tokens  []int
		logits  []float32
	)
	finish := func() {
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(prompts))
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return gens, err
		}
		// Fill free rows with new prompts.
		for len(active) < GenerateBatchRows && next < len(prompts) {
			var st *kvState
			if n := len(free); n > 0 {
				st, free = free[n-1], free[:n-1]
				st.Truncate(0)
			} else {
				st = m.NewState().(*kvState)
			}
			rows := st.Append(prompts[next])
			active = append(active, slot{prompt: next, st: st, logits: rows[len(rows)-1]})
			next++
		}
		if len(active) == 0 {
			return gens, nil
		}
		// Sample a token for every active sequence; keep those that go on.
		spans, tokens = spans[:0], tokens[:0]
		kept := active[:0]
		for _, a := range active {
			g, p := &gens[a.prompt], prompts[a.prompt]
			if len(p)+len(g.Tokens) >= maxLen {
				g.Stop = StopMaxLen
				free = append(free, a.st)
				finish()
				continue
			}
			dist = Distribution(dist, a.logits, opts.Sampling)
			tok := Sample(dist, rngs[a.prompt])
			g.Tokens = append(g.Tokens, tok)
			g.LogProbs = append(g.LogProbs, float32(math.Log(float64(dist[tok]))))
			switch {
			case stop[tok]:
				g.Stop = StopToken
			case opts.MaxNewTokens > 0 && len(g.Tokens) >= opts.MaxNewTokens:
				g.Stop = StopMaxNewTokens
			case len(p)+len(g.Tokens) >= maxLen:
				g.Stop = StopMaxLen
			default:
				st := a.st
				if st.n+1 > st.rows {
					st.grow(min(2*st.rows, maxLen))
				}
				spans = append(spans, seqSpan{k: st.k, v: st.v, p: st.n, rows: 1})
				tokens = append(tokens, tok)
				kept = append(kept, a)
				continue
			}
			free = append(free, a.st)
			finish()
		}
		active = kept
		if len(tokens) == 0 {
			continue
		}
		if len(logits) < len(tokens)*vocab {
			logits = make([]float32, GenerateBatchRows*vocab)
		}
		m.forwardCached(&scratch, spans, tokens, logits[:len(tokens)*vocab])
		for i := range active {
			active[i].st.n++
			active[i].st.out = active[i].st.out[:0]
			active[i].logits = logits[i*vocab : (i+1)*vocab]
		}
	}
}
