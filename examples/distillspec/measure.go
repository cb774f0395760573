package main

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tenet-ml/tenet/distill"
	"github.com/tenet-ml/tenet/examples/internal/report"
	"github.com/tenet-ml/tenet/lm"
)

// measurement is speculative decoding of a set of prompts, timed against target-only
// decoding of the same prompts.
type measurement struct {
	stats   distill.SpecStats
	outputs [][]int
	// speedup is the median over chunks of target-only time / speculative time; lo and hi
	// are the smallest and largest chunk ratios.
	speedup, lo, hi float64
	// cpuSpeedup is the ratio of the process CPU times of the two, over all chunks: less
	// sensitive than wall time to other programs competing for the cores.
	cpuSpeedup float64
	// plainPerToken and specPerToken are wall seconds per generated token over all chunks.
	plainPerToken, specPerToken float64
	// verifySteps is the in-situ cost of the target's verification calls (Appends of γ+1
	// tokens after the first round) in units of its single-token Appends during the
	// target-only decoding of the same prompts (mean durations).
	verifySteps float64
}

// timedModel wraps a model to time its states' Appends by the number of tokens appended.
type timedModel struct {
	lm.Model
	calls map[int]int
	dur   map[int]time.Duration
}

type timedState struct {
	lm.State
	m *timedModel
}

func newTimed(m lm.Model) *timedModel {
	return &timedModel{Model: m, calls: map[int]int{}, dur: map[int]time.Duration{}}
}

func (m *timedModel) NewState() lm.State { return &timedState{m.Model.NewState(), m} }

func (s *timedState) Append(ids []int) [][]float32 {
	t0 := time.Now()
	r := s.State.Append(ids)
	s.m.dur[len(ids)] += time.Since(t0)
	s.m.calls[len(ids)]++
	return r
}

func (m *timedModel) mean(k int) float64 {
	if m.calls[k] == 0 {
		return 0
	}
	return m.dur[k].Seconds() / float64(m.calls[k])
}

// measure decodes every prompt speculatively with opts and with the target alone (same
// sampling options and token budget), chunk prompts at a time, alternating which of the two
// goes first in each chunk so that slow drifts in the machine's load hit both alike.
func measure(ctx context.Context, target0, draft lm.Model, prompts [][]int, opts distill.SpecOptions, chunk int, seed uint64) measurement {
	var m measurement
	target := newTimed(target0)
	plainTarget := newTimed(target0)
	rng := rand.New(rand.NewPCG(seed, 0x73706563))
	prng := rand.New(rand.NewPCG(seed, 0x706c61))
	var ratios []float64
	var plainTime, specTime time.Duration
	var plainTokens int
	var plainCPU, specCPU float64
	for c0 := 0; c0 < len(prompts); c0 += chunk {
		ps := prompts[c0:min(c0+chunk, len(prompts))]
		var tp, ts time.Duration
		plain := func() {
			t0, c0 := time.Now(), report.CPUSeconds()
			for _, p := range ps {
				plainTokens += len(plainDecode(plainTarget, p, opts, prng))
			}
			tp = time.Since(t0)
			plainCPU += report.CPUSeconds() - c0
		}
		spec := func() {
			t0, c0 := time.Now(), report.CPUSeconds()
			for _, p := range ps {
				out, st, err := distill.SpeculativeDecode(ctx, target, draft, p, opts, rng)
				check(err)
				m.stats.Add(st)
				m.outputs = append(m.outputs, out)
			}
			ts = time.Since(t0)
			specCPU += report.CPUSeconds() - c0
		}
		if (c0/chunk)%2 == 0 {
			plain()
			spec()
		} else {
			spec()
			plain()
		}
		plainTime += tp
		specTime += ts
		ratios = append(ratios, tp.Seconds()/ts.Seconds())
	}
	slices.Sort(ratios)
	n := len(ratios)
	m.speedup = (ratios[(n-1)/2] + ratios[n/2]) / 2
	m.lo, m.hi = ratios[0], ratios[n-1]
	m.cpuSpeedup = plainCPU / specCPU
	m.plainPerToken = plainTime.Seconds() / float64(max(plainTokens, 1))
	m.specPerToken = specTime.Seconds() / float64(max(m.stats.Tokens, 1))
	if one := plainTarget.mean(1); one > 0 {
		m.verifySteps = target.mean(opts.Gamma+1) / one
	}
	return m
}

// plainDecode is target-only decoding: one Append per token, each token drawn from
// lm.Distribution of the last row of logits with the same options as the speculative
// decoder (greedy: the first maximum).
func plainDecode(target lm.Model, prompt []int, opts distill.SpecOptions, rng *rand.Rand) []int {
	st := target.NewState()
	rows := st.Append(prompt)
	budget := target.MaxLen() - len(prompt)
	if opts.MaxNewTokens > 0 {
		budget = min(budget, opts.MaxNewTokens)
	}
	var out []int
	var probs []float32
	for len(out) < budget {
		probs = lm.Distribution(probs, rows[len(rows)-1], opts.Sampling)
		tok := lm.Sample(probs, rng)
		out = append(out, tok)
		if slices.Contains(opts.StopTokens, tok) || len(out) == budget {
			break
		}
		rows = st.Append([]int{tok})
	}
	return out
}

// tokenTimes returns the seconds per token of single-token decoding (one Append per token
// after a 12-token prompt, 30 tokens) of the target and of the draft: the medians over reps
// interleaved repetitions.
func tokenTimes(target, draft lm.Model, reps int) (tt, dt float64) {
	run := func(m lm.Model) float64 {
		st := m.NewState()
		prompt := make([]int, 12)
		for i := range prompt {
			prompt[i] = 4 + i%(m.VocabSize()-4)
		}
		st.Append(prompt)
		t0 := time.Now()
		const n = 30
		for i := range n {
			st.Append([]int{4 + i%(m.VocabSize()-4)})
		}
		return time.Since(t0).Seconds() / n
	}
	var ts, ds []float64
	for range reps {
		ts = append(ts, run(target))
		ds = append(ds, run(draft))
	}
	slices.Sort(ts)
	slices.Sort(ds)
	return ts[len(ts)/2], ds[len(ds)/2]
}

func parseInts(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		check(err)
		out = append(out, v)
	}
	return out
}

func parseFloats(s string) []float64 {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		check(err)
		out = append(out, v)
	}
	return out
}

// verifyCost returns, for a block of k tokens, the time of one target Append of the k
// tokens (how speculative decoding verifies γ = k−1 proposals) divided by the time of k
// single-token Appends (how plain decoding produces k tokens), and the former in units of
// one single-token step: medians over reps interleaved repetitions after a 12-token prefix.
func verifyCost(target lm.Model, k, reps int) (ratio, steps float64) {
	prefix := make([]int, 12)
	block := make([]int, k)
	for i := range prefix {
		prefix[i] = 4 + i%(target.VocabSize()-4)
	}
	for i := range block {
		block[i] = 4 + (i+5)%(target.VocabSize()-4)
	}
	st := target.NewState()
	st.Append(prefix)
	var rs, ss []float64
	for range reps {
		bd, sd := distill.TimeVerification(st, block)
		b, s := bd.Seconds(), sd.Seconds()
		rs = append(rs, b/s)
		ss = append(ss, b/(s/float64(k)))
	}
	slices.Sort(rs)
	slices.Sort(ss)
	return rs[len(rs)/2], ss[len(ss)/2]
}
