package optim

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate for a step, counted from 0 (the first update). Schedules
// are plain functions, so any func(int64) float64 is one; those returned here are pure and
// safe for concurrent use. Typical use, before each update:
//
//	opt.SetLR(sched(step))
//	opt.Step()
type Schedule func(step int64) float64

// Constant returns the schedule that is lr at every step.
func Constant(lr float64) Schedule { return func(int64) float64 { return lr } }

// Linear returns the schedule that moves linearly from `from` at step 0 to `to` at step n and
// stays at `to` afterwards (linear decay when to < from). It panics if n < 1.
func Linear(from, to float64, n int64) Schedule {
	mustSteps("Linear", n)
	return func(step int64) float64 {
		if step >= n {
			return to
		}
		step = max(step, 0)
		return from + (to-from)*float64(step)/float64(n)
	}
}

// LinearWarmup returns the schedule peak·(step+1)/n for the first n steps and peak afterwards:
// the first update already uses a small non-zero rate and step n−1 reaches the peak, as in
// nanoGPT and GPT-2 style training. It panics if n < 1.
func LinearWarmup(peak float64, n int64) Schedule {
	mustSteps("LinearWarmup", n)
	return func(step int64) float64 {
		if step >= n-1 {
			return peak
		}
		step = max(step, 0)
		return peak * float64(step+1) / float64(n)
	}
}

// Cosine returns the schedule that decays from `from` at step 0 to `floor` at step n along a
// half cosine, floor + (from−floor)·(1 + cos(π·step/n))/2, and stays at floor afterwards
// (SGDR without restarts; PyTorch's CosineAnnealingLR with eta_min = floor). It panics if
// n < 1.
func Cosine(from, floor float64, n int64) Schedule {
	mustSteps("Cosine", n)
	return func(step int64) float64 {
		if step >= n {
			return floor
		}
		step = max(step, 0)
		return floor + (from-floor)*0.5*(1+math.Cos(math.Pi*float64(step)/float64(n)))
	}
}

// Then returns the schedule that follows first for steps below n and second afterwards,
// shifted so that second sees step 0 at step n. Chain it to compose several phases.
func Then(first Schedule, n int64, second Schedule) Schedule {
	if n < 0 {
		panic(fmt.Sprintf("optim: Then: negative switch step %d", n))
	}
	return func(step int64) float64 {
		if step < n {
			return first(step)
		}
		return second(step - n)
	}
}

// WarmupCosine returns linear warmup to peak over warmup steps followed by cosine decay to
// floor at step total, the usual language-model schedule:
// Then(LinearWarmup(peak, warmup), warmup, Cosine(peak, floor, total−warmup)). It panics
// unless 1 ≤ warmup < total.
func WarmupCosine(peak, floor float64, warmup, total int64) Schedule {
	if warmup < 1 || warmup >= total {
		panic(fmt.Sprintf("optim: WarmupCosine: need 1 ≤ warmup < total, got warmup=%d total=%d", warmup, total))
	}
	return Then(LinearWarmup(peak, warmup), warmup, Cosine(peak, floor, total-warmup))
}

func mustSteps(op string, n int64) {
	if n < 1 {
		panic(fmt.Sprintf("optim: %s: number of steps %d < 1", op, n))
	}
}
