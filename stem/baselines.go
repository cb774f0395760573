package stem

import (
	"math"
	"slices"
)

// Constant is the constant-rate baseline: one total rate Λ and one direction distribution
// over the canonical neighbours, whatever the beam position.
type Constant struct {
	Lambda float64
	Dir    [3]float64
}

// FitConstant returns the maximum-likelihood Constant for data: Λ solves
// Σ_hops t/(e^{Λt} − 1) = Σ_no-hops t (by bisection in log Λ), and Dir holds the hop
// frequencies of the canonical neighbours (add-one smoothed).
func FitConstant(data []Transition) Constant {
	var c Constant
	hops := 0
	var cnt [3]float64
	noT := 0.0
	for _, t := range data {
		if t.Label == NoHop {
			noT += t.Dwell
		} else if t.Label >= 0 && t.Label < 3 {
			hops++
			cnt[t.Label]++
		}
	}
	for k := range 3 {
		c.Dir[k] = (cnt[k] + 1) / (float64(hops) + 3)
	}
	if hops == 0 || noT == 0 {
		c.Lambda = math.Max(float64(hops), 1e-3)
		return c
	}
	deriv := func(lam float64) float64 {
		s := -noT
		for _, t := range data {
			if t.Label >= 0 && t.Label < 3 {
				s += t.Dwell / math.Expm1(lam*t.Dwell)
			}
		}
		return s
	}
	lo, hi := math.Log(1e-9), math.Log(1e4)
	for range 100 {
		mid := (lo + hi) / 2
		if deriv(math.Exp(mid)) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	c.Lambda = math.Exp((lo + hi) / 2)
	return c
}

// Predict returns the constant rates, assigned to the site neighbours through the canonical
// frame of q.
func (c Constant) Predict(q Query) Rates {
	_, perm := canonicalQuery(q, true)
	var r Rates
	for k := range 3 {
		r[k] = c.Lambda * c.Dir[perm[k]]
	}
	return r
}

// localEstimate turns counts in a neighbourhood of the beam position into rates: the hop
// probability within the dwell is smoothed towards the global one with weight alpha, the
// direction frequencies towards the global ones with weight alpha, and Λ = −log(1 − p)/t.
type localPrior struct {
	pHop  float64
	dir   [3]float64
	alpha float64
}

func newLocalPrior(data []Transition, alpha float64) localPrior {
	lp := localPrior{alpha: alpha}
	var cnt [3]float64
	h := 0.0
	for _, t := range data {
		if t.Label >= 0 && t.Label < 3 {
			h++
			cnt[t.Label]++
		}
	}
	lp.pHop = (h + 1) / (float64(len(data)) + 2)
	for k := range 3 {
		lp.dir[k] = (cnt[k] + 1) / (h + 3)
	}
	return lp
}

func (lp localPrior) rates(n, h float64, cnt [3]float64, q Query, perm [3]int) Rates {
	p := (h + lp.alpha*lp.pHop) / (n + lp.alpha)
	dwell := q.Dwell
	if dwell <= 0 {
		dwell = 1
	}
	lam := -math.Log1p(-math.Min(p, 1-1e-9)) / dwell
	var r Rates
	for k := range 3 {
		c := perm[k]
		r[k] = lam * (cnt[c] + lp.alpha*lp.dir[c]) / (h + lp.alpha)
	}
	return r
}

// KNN is the k-nearest-neighbour baseline: the rates at a beam position are estimated from the
// outcomes of the K training transitions whose canonical offsets are nearest, smoothed towards
// the global frequencies.
type KNN struct {
	K     int
	pts   []Vec
	data  []Transition
	prior localPrior
}

// NewKNN returns a k-NN baseline over data with the given K.
func NewKNN(data []Transition, k int) *KNN {
	m := &KNN{K: max(k, 1), data: data, prior: newLocalPrior(data, 2)}
	for _, t := range data {
		m.pts = append(m.pts, t.Offset)
	}
	return m
}

// Predict returns the k-NN estimate of the rates for q.
func (m *KNN) Predict(q Query) Rates {
	off, perm := canonicalQuery(q, true)
	type nd struct {
		d float64
		i int
	}
	k := min(m.K, len(m.pts))
	best := make([]nd, 0, k+1)
	for i, p := range m.pts {
		d := dist2(p, off)
		if len(best) == k && d >= best[k-1].d {
			continue
		}
		pos, _ := slices.BinarySearchFunc(best, d, func(a nd, d float64) int {
			if a.d < d {
				return -1
			}
			return 1
		})
		best = slices.Insert(best, pos, nd{d, i})
		if len(best) > k {
			best = best[:k]
		}
	}
	var cnt [3]float64
	h := 0.0
	for _, b := range best {
		if l := m.data[b.i].Label; l >= 0 && l < 3 {
			h++
			cnt[l]++
		}
	}
	return m.prior.rates(float64(len(best)), h, cnt, q, perm)
}

// Histogram is the histogram baseline: the canonical frame is cut into square bins of side
// Bin ångström and the rates in a bin are estimated from its transitions' outcomes, smoothed
// towards the global frequencies.
type Histogram struct {
	Bin   float64
	cells map[[2]int]*histCell
	prior localPrior
}

type histCell struct {
	n, h float64
	cnt  [3]float64
}

// NewHistogram returns a histogram baseline over data with the given bin size.
func NewHistogram(data []Transition, bin float64) *Histogram {
	m := &Histogram{Bin: bin, cells: map[[2]int]*histCell{}, prior: newLocalPrior(data, 2)}
	for _, t := range data {
		key := m.key(t.Offset)
		c := m.cells[key]
		if c == nil {
			c = &histCell{}
			m.cells[key] = c
		}
		c.n++
		if t.Label >= 0 && t.Label < 3 {
			c.h++
			c.cnt[t.Label]++
		}
	}
	return m
}

func (m *Histogram) key(p Vec) [2]int {
	return [2]int{int(math.Floor(p.X / m.Bin)), int(math.Floor(p.Y / m.Bin))}
}

// Predict returns the histogram estimate of the rates for q.
func (m *Histogram) Predict(q Query) Rates {
	off, perm := canonicalQuery(q, true)
	c := m.cells[m.key(off)]
	if c == nil {
		c = &histCell{}
	}
	return m.prior.rates(c.n, c.h, c.cnt, q, perm)
}

// FitKNN chooses K among 5, 10, 20, 40, 80 and 160 by the likelihood on a held-out fifth of
// data and returns the baseline fitted on all of data.
func FitKNN(data []Transition) *KNN {
	split := len(data) * 4 / 5
	best, bestNLL := 20, math.Inf(1)
	for _, k := range []int{5, 10, 20, 40, 80, 160} {
		if nll, _ := MeanNLL(NewKNN(data[:split], k), data[split:]); nll < bestNLL {
			best, bestNLL = k, nll
		}
	}
	return NewKNN(data, best)
}

// FitHistogram chooses the bin size among 0.1, 0.15, 0.2, 0.3, 0.4 and 0.6 Å by the
// likelihood on a held-out fifth of data and returns the baseline fitted on all of data.
func FitHistogram(data []Transition) *Histogram {
	split := len(data) * 4 / 5
	best, bestNLL := 0.2, math.Inf(1)
	for _, b := range []float64{0.1, 0.15, 0.2, 0.3, 0.4, 0.6} {
		if nll, _ := MeanNLL(NewHistogram(data[:split], b), data[split:]); nll < bestNLL {
			best, bestNLL = b, nll
		}
	}
	return NewHistogram(data, best)
}
