package lm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// GenerateOptions configure Generate.
type GenerateOptions struct {
	// Sampling turns each row of logits into the distribution the next token is drawn
	// from. Its zero value is greedy decoding.
	Sampling SamplingOptions
	// MaxNewTokens, if positive, bounds the number of tokens generated per prompt. With 0,
	// generation runs until a stop token or the model's MaxLen.
	MaxNewTokens int
	// StopTokens end a generation when sampled; the stop token is kept as the last token.
	StopTokens []int
	// Samples is the number of continuations drawn per prompt; 0 means 1. The prompt is fed
	// once and every sample continues from it (the State is truncated back to the prompt),
	// so n samples of one prompt cost one prompt pass instead of n. The generations of
	// prompt i are at indices i·Samples … i·Samples+Samples−1 of the result, and they are
	// exactly those of Samples copies of the prompt with Samples 1.
	Samples int
	// Workers is the number of goroutines; 0 means GOMAXPROCS. The results do not depend on
	// it.
	Workers int
	// Progress, if not nil, is called after each generation finishes with the number of
	// finished generations and the total (len(prompts)·Samples). Calls are serialised,
	// never concurrent.
	Progress func(done, total int)
}

// StopReason says why a generation ended.
type StopReason int

// Reasons a generation ends.
const (
	// StopToken: a stop token was sampled; it is the last token of the generation.
	StopToken StopReason = iota + 1
	// StopMaxNewTokens: GenerateOptions.MaxNewTokens tokens were generated.
	StopMaxNewTokens
	// StopMaxLen: prompt and generation together reached the model's MaxLen.
	StopMaxLen
	// StopCanceled: the context was canceled first.
	StopCanceled
)

// String returns the name of the reason.
func (r StopReason) String() string {
	switch r {
	case StopToken:
		return "stop token"
	case StopMaxNewTokens:
		return "max new tokens"
	case StopMaxLen:
		return "max length"
	case StopCanceled:
		return "canceled"
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// Generation is the continuation of one prompt.
type Generation struct {
	// Tokens are the generated tokens, without the prompt.
	Tokens []int
	// LogProbs[i] is the natural log of the probability of Tokens[i] under the distribution
	// it was sampled from (Distribution of the logits with the sampling options): 0 for
	// greedy decoding.
	LogProbs []float32
	// Stop says why the generation ended.
	Stop StopReason
}

// Generate continues each prompt with tokens sampled from model, and returns opts.Samples
// Generations per prompt (one by default), in order.
//
// Each prompt is decoded in its own State: the prompt is fed with one Append, then each
// sampled token with another; for every further sample the State is truncated back to the
// prompt and the first token is drawn from the prompt's kept last row of logits. A
// generation ends when it samples a stop token, when it has MaxNewTokens tokens, or when
// prompt and generation together reach the model's MaxLen (a sequence never exceeds MaxLen,
// so a prompt of length MaxLen gets no tokens). Prompts are spread over opts.Workers
// goroutines. Before any work, Generate draws two numbers from rng per generation (prompt
// by prompt, sample by sample) to seed that generation's own generator, so the results
// depend only on rng's state, never on scheduling or the number of workers.
//
// It returns an error, before generating anything, if a prompt is empty, longer than MaxLen
// or holds a token outside the vocabulary, or if a stop token is outside the vocabulary or
// MaxNewTokens or Samples is negative. If ctx is canceled, Generate returns what was generated so
// far (unfinished generations have Stop == StopCanceled) with ctx's error. It panics if
// opts.Sampling is invalid (see Distribution).
func Generate(ctx context.Context, model Model, prompts [][]int, opts GenerateOptions, rng *rand.Rand) ([]Generation, error) {
	opts.Sampling.check("Generate")
	vocab, maxLen := model.VocabSize(), model.MaxLen()
	if opts.MaxNewTokens < 0 {
		return nil, fmt.Errorf("lm: Generate: MaxNewTokens %d < 0", opts.MaxNewTokens)
	}
	if opts.Samples < 0 {
		return nil, fmt.Errorf("lm: Generate: Samples %d < 0", opts.Samples)
	}
	n := max(opts.Samples, 1)
	stop := make(map[int]bool, len(opts.StopTokens))
	for _, t := range opts.StopTokens {
		if t < 0 || t >= vocab {
			return nil, fmt.Errorf("lm: Generate: stop token %d is outside the vocabulary [0, %d)", t, vocab)
		}
		stop[t] = true
	}
	for i, p := range prompts {
		if len(p) == 0 {
			return nil, fmt.Errorf("lm: Generate: prompt %d is empty", i)
		}
		if len(p) > maxLen {
			return nil, fmt.Errorf("lm: Generate: prompt %d has %d tokens, more than the model's MaxLen %d", i, len(p), maxLen)
		}
		for j, t := range p {
			if t < 0 || t >= vocab {
				return nil, fmt.Errorf("lm: Generate: token %d at position %d of prompt %d is outside the vocabulary [0, %d)", t, j, i, vocab)
			}
		}
	}
	seeds := make([][2]uint64, len(prompts)*n)
	for i := range seeds {
		seeds[i] = [2]uint64{rng.Uint64(), rng.Uint64()}
	}
	gens := make([]Generation, len(prompts)*n)
	for i := range gens {
		gens[i].Stop = StopCanceled
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(prompts))

	var (
		next     atomic.Int64
		progress sync.Mutex
		done     int
		wg       sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var d decoder
			for {
				i := int(next.Add(1) - 1)
				if i >= len(prompts) || ctx.Err() != nil {
					return
				}
				d.start(model, prompts[i])
				for s := range n {
					if ctx.Err() != nil {
						return
					}
					j := i*n + s
					r := rand.New(rand.NewPCG(seeds[j][0], seeds[j][1]))
					d.generate(ctx, &opts, stop, r, &gens[j])
					if opts.Progress != nil {
						progress.Lock()
						done++
						opts.Progress(done, len(gens))
						progress.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return gens, err
	}
	return gens, nil
}

// decoder decodes the samples of one prompt at a time in a State it reuses.
type decoder struct {
	model  Model
	st     State
	prompt []int
	last   []float32 // the logits after the prompt's last token
	dist   []float32
	one    [1]int
}

// start feeds prompt into the State (made on first use, emptied afterwards) and keeps the logits of its last position.
func (d *decoder) start(model Model, prompt []int) {
	d.model, d.prompt = model, prompt
	if d.st == nil {
		d.st = model.NewState()
	} else {
		d.st.Truncate(0)
	}
	rows := d.st.Append(prompt)
	d.last = append(d.last[:0], rows[len(rows)-1]...)
}

// generate draws one continuation of the prompt into g, first rolling the State back to the
// prompt.
func (d *decoder) generate(ctx context.Context, opts *GenerateOptions, stop map[int]bool, rng *rand.Rand, g *Generation) {
	maxLen := d.model.MaxLen()
	prompt := d.prompt
	if d.st.Len() > len(prompt) {
		d.st.Truncate(len(prompt))
	}
	logits := d.last
	for {
		if len(prompt)+len(g.Tokens) >= maxLen {
			g.Stop = StopMaxLen
			return
		}
		if ctx.Err() != nil {
			g.Stop = StopCanceled
			return
		}
		d.dist = Distribution(d.dist, logits, opts.Sampling)
		tok := Sample(d.dist, rng)
		g.Tokens = append(g.Tokens, tok)
		g.LogProbs = append(g.LogProbs, float32(math.Log(float64(d.dist[tok]))))
		switch {
		case stop[tok]:
			g.Stop = StopToken
			return
		case opts.MaxNewTokens > 0 && len(g.Tokens) >= opts.MaxNewTokens:
			g.Stop = StopMaxNewTokens
			return
		case len(prompt)+len(g.Tokens) >= maxLen:
			g.Stop = StopMaxLen
			return
		}
		d.one[0] = tok
		logits = d.st.Append(d.one[:])[0]
	}
}
