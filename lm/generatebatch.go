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
// With opts.Samples = n > 1 the prompt is fed once and its cached keys and values are copied
// into the n sequences that continue it.
//
// Options, validation, errors, random streams (two numbers drawn from rng per generation
// before any work), stopping rules and results are those of Generate; opts.Workers is
// ignored (the matrix products use GOMAXPROCS goroutines) and opts.Progress is called as
// each generation finishes, from the calling goroutine. The logits of a row do not depend on which other
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
	if opts.Samples < 0 {
		return nil, fmt.Errorf("lm: GenerateBatch: Samples %d < 0", opts.Samples)
	}
	n := max(opts.Samples, 1)
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
	gens := make([]Generation, len(prompts)*n)
	rngs := make([]*rand.Rand, len(gens))
	for j := range gens {
		gens[j].Stop = StopCanceled
		rngs[j] = rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
	}

	// A seq is one sequence's cache and a copy of the logits of its prompt's last position.
	type seq struct {
		st    *kvState
		first []float32
	}
	type slot struct {
		gen    int // index into gens; its prompt is gen / n
		sq     *seq
		logits []float32 // the row the next token is sampled from
	}
	var (
		active  []slot
		free    []*seq
		next    int
		done    int
		dist    []float32
		scratch passScratch
		spans   []seqSpan
		tokens  []int
		logits  []float32
		ps      = m.NewState().(*kvState) // the prompt being continued
		psLast  []float32                 // ps's logits after the prompt's last token
		c       = m.cfg.Width
	)
	finish := func() {
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(gens))
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return gens, err
		}
		// Fill free rows with new generations. The first sample of a prompt feeds it into
		// ps; every sample copies ps's cache of the prompt.
		for len(active) < GenerateBatchRows && next < len(gens) {
			var sq *seq
			if k := len(free); k > 0 {
				sq, free = free[k-1], free[:k-1]
			} else {
				sq = &seq{st: m.NewState().(*kvState)}
			}
			p := prompts[next/n]
			if next%n == 0 {
				ps.Truncate(0)
				rows := ps.Append(p)
				psLast = rows[len(rows)-1]
			}
			st := sq.st
			st.Truncate(0)
			if st.rows < len(p) {
				st.grow(min(max(2*st.rows, len(p)), maxLen))
			}
			for l := range st.k {
				copy(st.k[l][:len(p)*c], ps.k[l][:len(p)*c])
				copy(st.v[l][:len(p)*c], ps.v[l][:len(p)*c])
			}
			st.n = len(p)
			sq.first = append(sq.first[:0], psLast...)
			active = append(active, slot{gen: next, sq: sq, logits: sq.first})
			next++
		}
		if len(active) == 0 {
			return gens, nil
		}
		// Sample a token for every active sequence; keep those that go on.
		spans, tokens = spans[:0], tokens[:0]
		kept := active[:0]
		for _, a := range active {
			g, p := &gens[a.gen], prompts[a.gen/n]
			if len(p)+len(g.Tokens) >= maxLen {
				g.Stop = StopMaxLen
				free = append(free, a.sq)
				finish()
				continue
			}
			dist = Distribution(dist, a.logits, opts.Sampling)
			tok := Sample(dist, rngs[a.gen])
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
				st := a.sq.st
				if st.n+1 > st.rows {
					st.grow(min(2*st.rows, maxLen))
				}
				spans = append(spans, seqSpan{k: st.k, v: st.v, p: st.n, rows: 1})
				tokens = append(tokens, tok)
				kept = append(kept, a)
				continue
			}
			free = append(free, a.sq)
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
			st := active[i].sq.st
			st.n++
			st.out = st.out[:0]
			active[i].logits = logits[i*vocab : (i+1)*vocab]
		}
	}
}
