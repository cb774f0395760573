package tensor

import (
	"fmt"
	"math"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// LayerNorm normalises x over its last axis: for every row (all leading positions) of D values,
//
//	y = (x − mean)·rstd·gamma + beta,  rstd = 1/√(var + eps),
//
// with the population variance. x is (…,D); gamma and beta are (D), or nil for no scale (1) or
// no shift (0). It returns y, shaped like x, and the per-row mean and rstd, shaped x.shape[:-1],
// which LayerNormBackward needs. The statistics are computed on the vector kernels in float32, the
// mean refined by the mean of the centred values.
func LayerNorm(x, gamma, beta *Tensor, eps float32) (y, mean, rstd *Tensor) {
	if x.Rank() == 0 {
		panic(fmt.Sprintf("tensor: LayerNorm: shape %v has no last axis", x.shape))
	}
	rows := x.shape[:len(x.shape)-1]
	y, mean, rstd = New(x.shape...), New(rows...), New(rows...)
	layerNormInto("LayerNorm", y, mean, rstd, x, gamma, beta, eps)
	return y, mean, rstd
}

// LayerNormInto is LayerNorm writing into y (x's shape; it may be x), mean and rstd
// (x.shape[:-1]). It returns y.
func LayerNormInto(y, mean, rstd, x, gamma, beta *Tensor, eps float32) *Tensor {
	mustDst("LayerNormInto", y)
	mustDst("LayerNormInto", mean)
	mustDst("LayerNormInto", rstd)
	layerNormInto("LayerNormInto", y, mean, rstd, x, gamma, beta, eps)
	return y
}

// layerNormShapes checks the shapes shared by the forward and backward passes and returns the
// row count and row length.
func layerNormShapes(op string, x, mean, rstd, gamma, beta *Tensor) (n, d int) {
	if x.Rank() == 0 {
		panic(fmt.Sprintf("tensor: %s: shape %v has no last axis", op, x.shape))
	}
	d = x.shape[len(x.shape)-1]
	rows := x.shape[:len(x.shape)-1]
	n = numel(op, rows)
	for _, s := range []*Tensor{mean, rstd} {
		if s.Rank() != len(rows) || s.Len() != n || !sameDims(s.shape, rows) {
			panic(fmt.Sprintf("tensor: %s: statistics %v for x %v", op, s.shape, x.shape))
		}
	}
	for _, p := range []*Tensor{gamma, beta} {
		if p != nil && (p.Rank() != 1 || p.shape[0] != d) {
			panic(fmt.Sprintf("tensor: %s: parameter %v for x %v (want [%d])", op, p.shape, x.shape, d))
		}
	}
	return n, d
}

func sameDims(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func layerNormInto(op string, y, mean, rstd, x, gamma, beta *Tensor, eps float32) {
	n, d := layerNormShapes(op, x, mean, rstd, gamma, beta)
	mustSameShape(op, y, x)
	var g, b []float32
	if gamma != nil {
		g = gamma.data
	}
	if beta != nil {
		b = beta.data
	}
	body := func(lo, hi int) {
		for r := lo; r < hi; r++ {
			mean.data[r], rstd.data[r] = layerNormRow(y.data[r*d:(r+1)*d], x.data[r*d:(r+1)*d], g, b, eps)
		}
	}
	if n > 1 && n*d >= parallelGrain {
		kernel.Parallel(n, max(1, parallelGrain/(4*max(d, 1))), body)
	} else {
		body(0, n)
	}
}

// LayerNormRow normalises one row held in a slice as LayerNorm normalises each row of a
// tensor, with the same arithmetic and so the same bits: y = (x − mean)·rstd·gamma + beta over
// len(x) values. gamma and beta may be nil (no scale, no shift) or hold len(x) values; y must
// be at least as long as x and may be x. It returns the row's mean and rstd. It serves
// inference passes that keep rows in buffers of their own, such as a key/value-cache decoder.
func LayerNormRow(y, x, gamma, beta []float32, eps float32) (mean, rstd float32) {
	d := len(x)
	if len(y) < d || gamma != nil && len(gamma) != d || beta != nil && len(beta) != d {
		panic(fmt.Sprintf("tensor: LayerNormRow: row of %d values, y %d, gamma %d, beta %d", d, len(y), len(gamma), len(beta)))
	}
	if d == 0 {
		return 0, 0
	}
	return layerNormRow(y[:d], x, gamma, beta, eps)
}

// layerNormRow is LayerNormRow without the checks (len(y) = len(x) ≥ 1).
func layerNormRow(y, x, gamma, beta []float32, eps float32) (mean, rstd float32) {
	d := len(x)
	// Statistics on the vector kernels in float32: a first mean m0, refined by the mean of
	// x − m0 (small values, so accurate even for rows far from zero mean), then the sum of the
	// centred squares. (y may be x: x is read completely before y is written.)
	m0 := kernel.Sum(x) / float32(d)
	m := m0 + centredSum(x, m0)/float32(d)
	for i, v := range x {
		y[i] = v - m
	}
	ss := kernel.Dot(y, y)
	rs := float32(1 / math.Sqrt(float64(ss)/float64(d)+float64(eps)))
	kernel.Scale(y, rs, y)
	if gamma != nil {
		kernel.Mul(y, y, gamma)
	}
	if beta != nil {
		kernel.Add(y, y, beta)
	}
	return m, rs
}

// centredSum returns Σ (x[i] − m) in float32 with four accumulators.
func centredSum(x []float32, m float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		q := (*[4]float32)(x[i:])
		s0 += q[0] - m
		s1 += q[1] - m
		s2 += q[2] - m
		s3 += q[3] - m
	}
	for ; i < len(x); i++ {
		s0 += x[i] - m
	}
	return (s0 + s1) + (s2 + s3)
}

// LayerNormBackward accumulates the gradients of LayerNorm given dy (x's shape), the input x,
// gamma (or nil) and the mean and rstd the forward pass returned. With norm = (x−mean)·rstd
// and dnorm = gamma·dy, per row (llm.c's formula):
//
//	dx     += rstd·(dnorm − mean(dnorm) − norm·mean(dnorm·norm))
//	dgamma += Σ_rows norm·dy
//	dbeta  += Σ_rows dy
//
// dx (x's shape), dgamma and dbeta ((D)) may each be nil when not needed. Rows of dx are
// processed in parallel; dgamma and dbeta sum the rows in a fixed order.
func LayerNormBackward(dy, x, gamma, mean, rstd *Tensor, dx, dgamma, dbeta *Tensor) {
	const op = "LayerNormBackward"
	n, d := layerNormShapes(op, x, mean, rstd, gamma, nil)
	mustSameShape(op, dy, x)
	if dx != nil {
		mustSameShape(op, dx, x)
	}
	for _, p := range []*Tensor{dgamma, dbeta} {
		if p != nil && (p.Rank() != 1 || p.shape[0] != d) {
			panic(fmt.Sprintf("tensor: %s: parameter gradient %v for x %v (want [%d])", op, p.shape, x.shape, d))
		}
	}
	if dx != nil {
		body := func(lo, hi int) {
			for r := lo; r < hi; r++ {
				layerNormBackwardRow(dx.data[r*d:(r+1)*d], dy.data[r*d:(r+1)*d], x.data[r*d:(r+1)*d], gamma, mean.data[r], rstd.data[r])
			}
		}
		if n > 1 && n*d >= parallelGrain {
			kernel.Parallel(n, max(1, parallelGrain/(4*max(d, 1))), body)
		} else {
			body(0, n)
		}
	}
	if dgamma == nil && dbeta == nil {
		return
	}
	// The parameter gradients sum over rows; columns are independent, so large inputs split
	// the columns over goroutines, each column summing its rows in order.
	cols := func(lo, hi int) {
		for r := range n {
			xr, gr := x.data[r*d+lo:r*d+hi], dy.data[r*d+lo:r*d+hi]
			m, rs := mean.data[r], rstd.data[r]
			if dbeta != nil {
				kernel.Add(dbeta.data[lo:hi], dbeta.data[lo:hi], gr)
			}
			if dgamma != nil {
				dg := dgamma.data[lo:hi]
				dg = dg[:len(xr)]
				gr = gr[:len(xr)]
				for i, v := range xr {
					dg[i] += (v - m) * rs * gr[i]
				}
			}
		}
	}
	if n > 1 && d >= 64 && n*d >= parallelGrain {
		kernel.Parallel(d, 32, cols)
	} else {
		cols(0, d)
	}
}

// layerNormBackwardRow adds one row's input gradient to dx (see LayerNormBackward), with the
// row sums accumulated in float64.
func layerNormBackwardRow(dx, dy, x []float32, gamma *Tensor, m, rs float32) {
	var g []float32
	if gamma != nil {
		g = gamma.data
	}
	kernel.LayerNormGrad(dx, dy, x, g, m, rs)
}
