package stem

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/tenet-ml/tenet"
)

// EpisodeResult is the outcome of one control episode.
type EpisodeResult struct {
	// Reached reports that the silicon reached the goal; Time is the microscope time used (to
	// the goal, or until the episode was cut off).
	Reached bool
	Time    float64
	// Steps counts dwells; Hops the lattice distance from start to goal; Distance the
	// straight-line distance (ångström).
	Steps, Hops int
	Distance    float64
	// Return is the discounted reward of the episode.
	Return float64
	// Path is the sequence of silicon positions, when recorded.
	Path []Vec
}

// RunEpisode runs policy in env from a fresh episode drawn from rng until the goal is reached
// or maxTime seconds have passed, optionally recording the silicon's path.
func RunEpisode(env *Env, policy tenet.Policy[State, Action], rng *rand.Rand, maxTime float64, record bool) EpisodeResult {
	s := env.Reset(rng)
	res := EpisodeResult{Hops: HopDistance(s.Si, s.Neighbours, s.Goal), Distance: s.Goal.Sub(s.Si).Norm()}
	if record {
		res.Path = append(res.Path, s.Si)
	}
	for {
		st := env.Step(policy.Act(s, rng))
		res.Steps++
		res.Return += float64(st.Reward)
		s = st.Obs
		if record && (len(res.Path) == 0 || res.Path[len(res.Path)-1] != s.Si) {
			res.Path = append(res.Path, s.Si)
		}
		res.Time = s.Time
		if st.Terminated {
			res.Reached = true
			return res
		}
		if st.Truncated || s.Time >= maxTime {
			return res
		}
	}
}

// Evaluate runs episodes of policy on environments built from cfg, episode i drawing from a
// generator seeded by (seed, i) so that every policy faces the same lattices and goals, on up
// to workers goroutines (the policy must then be safe for concurrent use). Episodes stop at
// maxTime seconds. progress, when not nil, is called after each episode (from one goroutine at
// a time); ctx cancels the evaluation.
func Evaluate(ctx context.Context, cfg EnvConfig, policy tenet.Policy[State, Action], episodes int, seed uint64, maxTime float64, workers int, progress func(done, total int)) ([]EpisodeResult, error) {
	out := make([]EpisodeResult, episodes)
	var mu sync.Mutex
	done := 0
	next := 0
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			env := NewEnv(cfg)
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= episodes {
					return
				}
				out[i] = RunEpisode(env, policy, rand.New(rand.NewPCG(seed, uint64(i))), maxTime, false)
				mu.Lock()
				done++
				if progress != nil {
					progress(done, episodes)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Summary condenses episode results against a time budget.
type Summary struct {
	N int
	// Success is the fraction of episodes that reached the goal within Budget seconds.
	Success, Budget float64
	// Median is the median time to goal (unreached episodes count as +∞), with a 95%
	// bootstrap interval [MedianLo, MedianHi].
	Median, MedianLo, MedianHi float64
	// Mean is the mean time with unreached episodes counted at the time they were cut off
	// (a lower bound on the true mean), and MeanSE its standard error.
	Mean, MeanSE float64
}

// Summarise computes a Summary of rs with the given budget, drawing the bootstrap resamples
// (1000) from rng.
func Summarise(rs []EpisodeResult, budget float64, rng *rand.Rand) Summary {
	s := Summary{N: len(rs), Budget: budget}
	if len(rs) == 0 {
		return s
	}
	times := make([]float64, len(rs))
	capped := make([]float64, len(rs))
	for i, r := range rs {
		times[i] = math.Inf(1)
		if r.Reached {
			times[i] = r.Time
			if r.Time <= budget {
				s.Success++
			}
		}
		capped[i] = r.Time
	}
	s.Success /= float64(len(rs))
	s.Median = median(times)
	boot := make([]float64, 1000)
	res := make([]float64, len(times))
	for b := range boot {
		for i := range res {
			res[i] = times[rng.IntN(len(times))]
		}
		boot[b] = median(res)
	}
	slices.Sort(boot)
	s.MedianLo, s.MedianHi = boot[25], boot[974]
	s.Mean, s.MeanSE = meanSE(capped)
	return s
}

func median(v []float64) float64 {
	c := slices.Clone(v)
	slices.Sort(c)
	n := len(c)
	if n%2 == 1 {
		return c[n/2]
	}
	return (c[n/2-1] + c[n/2]) / 2
}

// PairedDifference returns the mean and standard error of a[i].Time − b[i].Time over episodes
// run with the same seeds (cut-off times included as they are).
func PairedDifference(a, b []EpisodeResult) (mean, stderr float64) {
	d := make([]float64, min(len(a), len(b)))
	for i := range d {
		d[i] = a[i].Time - b[i].Time
	}
	return meanSE(d)
}
