package stem

import (
	"math"
	"sort"
)

// BatchRateModel is a RateModel that can also evaluate many queries at once (RateNet and
// Ensemble do, in one forward pass). The evaluation helpers use it when available.
type BatchRateModel interface {
	RateModel
	PredictBatch(qs []Query) []Rates
}

// PredictAll evaluates m on every query, in batches when m is a BatchRateModel.
func PredictAll(m RateModel, qs []Query) []Rates {
	if b, ok := m.(BatchRateModel); ok {
		out := make([]Rates, 0, len(qs))
		for i := 0; i < len(qs); i += 4096 {
			out = append(out, b.PredictBatch(qs[i:min(i+4096, len(qs))])...)
		}
		return out
	}
	out := make([]Rates, len(qs))
	for i, q := range qs {
		out[i] = m.Predict(q)
	}
	return out
}

func queries(data []Transition) []Query {
	qs := make([]Query, len(data))
	for i, t := range data {
		qs[i] = t.Query()
	}
	return qs
}

// NLLs returns the TransitionNLL of every transition under m.
func NLLs(m RateModel, data []Transition) []float64 {
	rs := PredictAll(m, queries(data))
	out := make([]float64, len(data))
	for i, t := range data {
		out[i] = TransitionNLL(rs[i], t)
	}
	return out
}

// MeanNLL returns the mean negative log-likelihood of data under m (nats per transition) and
// its standard error.
func MeanNLL(m RateModel, data []Transition) (mean, stderr float64) {
	return meanSE(NLLs(m, data))
}

// ExcessNLL returns the mean of NLL(m) − NLL(ref) over data and its standard error: a paired
// comparison, much tighter than comparing the two means. With ref the ground truth this is
// the excess over the floor.
func ExcessNLL(m, ref RateModel, data []Transition) (mean, stderr float64) {
	a, b := NLLs(m, data), NLLs(ref, data)
	for i := range a {
		a[i] -= b[i]
	}
	return meanSE(a)
}

func meanSE(v []float64) (float64, float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	m := s / float64(len(v))
	ss := 0.0
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	if len(v) < 2 {
		return m, math.NaN()
	}
	return m, math.Sqrt(ss / float64(len(v)-1) / float64(len(v)))
}

// CalibrationBin is one bin of a reliability diagram: the mean predicted probability of a hop
// within the dwell, the observed frequency of hops, and the number of transitions.
type CalibrationBin struct {
	Predicted, Observed float64
	N                   int
}

// Calibration is a reliability diagram of the predicted hop probability 1 − e^{−Λt} and its
// expected calibration error (the N-weighted mean |Predicted − Observed|).
type Calibration struct {
	Bins []CalibrationBin
	ECE  float64
}

// HopCalibration bins data into equal-count bins by the hop probability m predicts and
// compares it with the observed hop frequency in each bin.
func HopCalibration(m RateModel, data []Transition, bins int) Calibration {
	rs := PredictAll(m, queries(data))
	type pv struct {
		p   float64
		hop bool
	}
	ps := make([]pv, len(data))
	for i, t := range data {
		ps[i] = pv{-math.Expm1(-rs[i].Total() * t.Dwell), t.Label != NoHop}
	}
	sort.SliceStable(ps, func(a, b int) bool { return ps[a].p < ps[b].p })
	var c Calibration
	if len(ps) == 0 || bins < 1 {
		return c
	}
	for b := range bins {
		lo, hi := b*len(ps)/bins, (b+1)*len(ps)/bins
		if hi <= lo {
			continue
		}
		var bin CalibrationBin
		for _, x := range ps[lo:hi] {
			bin.Predicted += x.p
			if x.hop {
				bin.Observed++
			}
		}
		bin.N = hi - lo
		bin.Predicted /= float64(bin.N)
		bin.Observed /= float64(bin.N)
		c.Bins = append(c.Bins, bin)
		c.ECE += float64(bin.N) * math.Abs(bin.Predicted-bin.Observed)
	}
	c.ECE /= float64(len(ps))
	return c
}
