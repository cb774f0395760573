package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// layerNorm64 is the float64 oracle: it normalises each row of x (n rows of d).
func layerNorm64(x, gamma, beta []float64, n, d int, eps float64) []float64 {
	y := make([]float64, len(x))
	for r := range n {
		row := x[r*d : (r+1)*d]
		var m, v float64
		for _, u := range row {
			m += u
		}
		m /= float64(d)
		for _, u := range row {
			v += (u - m) * (u - m)
		}
		rs := 1 / math.Sqrt(v/float64(d)+eps)
		for i, u := range row {
			y[r*d+i] = (u-m)*rs*gamma[i] + beta[i]
		}
	}
	return y
}

func to64(t *Tensor) []float64 {
	out := make([]float64, t.Len())
	for i, v := range t.data {
		out[i] = float64(v)
	}
	return out
}

func TestLayerNormForwardAndBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	const n0, n1, d, eps = 3, 4, 16, 1e-5
	x := RandNormal(rng, 0.5, 2, n0, n1, d)
	gamma, beta := RandNormal(rng, 1, 0.3, d), RandNormal(rng, 0, 0.3, d)
	y, mean, rstd := LayerNorm(x, gamma, beta, eps)
	if mean.Rank() != 2 || mean.shape[1] != n1 || rstd.Len() != n0*n1 {
		t.Fatalf("statistics shape %v", mean.shape)
	}
	x64, g64, b64 := to64(x), to64(gamma), to64(beta)
	checkClose(t, "LayerNorm", y, x.shape, layerNorm64(x64, g64, b64, n0*n1, d, eps), 1e-5)

	// Loss L = ⟨LayerNorm(x), w⟩; central differences in float64 give every gradient.
	w := RandNormal(rng, 0, 1, x.shape...)
	w64 := to64(w)
	loss := func(x, g, b []float64) float64 {
		var s float64
		for i, v := range layerNorm64(x, g, b, n0*n1, d, eps) {
			s += v * w64[i]
		}
		return s
	}
	fd := func(p []float64) []float64 {
		grad := make([]float64, len(p))
		for i := range p {
			old, h := p[i], 1e-6
			p[i] = old + h
			up := loss(x64, g64, b64)
			p[i] = old - h
			down := loss(x64, g64, b64)
			p[i] = old
			grad[i] = (up - down) / (2 * h)
		}
		return grad
	}
	// Start from ones to check that the gradients accumulate.
	dx, dg, db := Ones(x.shape...), Ones(d), Ones(d)
	LayerNormBackward(w, x, gamma, mean, rstd, dx, dg, db)
	for _, g := range []*Tensor{dx, dg, db} {
		AddScalarInto(g, g, -1)
	}
	checkClose(t, "dx", dx, x.shape, fd(x64), 2e-4)
	checkClose(t, "dgamma", dg, gamma.shape, fd(g64), 2e-4)
	checkClose(t, "dbeta", db, beta.shape, fd(b64), 2e-4)

	// Without gamma and beta: scale 1, shift 0; nil gradients are skipped.
	y2, m2, r2 := LayerNorm(x, nil, nil, eps)
	ones, zeros := make([]float64, d), make([]float64, d)
	for i := range ones {
		ones[i] = 1
	}
	checkClose(t, "LayerNorm without parameters", y2, x.shape, layerNorm64(x64, ones, zeros, n0*n1, d, eps), 1e-5)
	dx2 := New(x.shape...)
	LayerNormBackward(w, x, nil, m2, r2, dx2, nil, nil)
	g64, b64 = ones, zeros
	checkClose(t, "dx without gamma", dx2, x.shape, fd(x64), 2e-4)

	// Large enough for the parallel path; in place.
	big := RandNormal(rng, 3, 1, 512, 128)
	bigY := big.Clone()
	LayerNormInto(bigY, New(512), New(512), bigY, nil, nil, eps)
	yRef, _, _ := LayerNorm(big, nil, nil, eps)
	if !bigY.Equal(yRef) {
		t.Fatal("LayerNormInto in place differs")
	}
	mustPanic(t, "tensor: LayerNorm: parameter [3] for x [3 4 16] (want [16])", func() { LayerNorm(x, New(3), nil, eps) })
	mustPanic(t, "tensor: LayerNormBackward: statistics [3] for x [3 4 16]", func() { LayerNormBackward(w, x, nil, New(3), rstd, nil, nil, nil) })
	mustPanic(t, "tensor: LayerNormBackward: parameter gradient [2] for x [3 4 16] (want [16])", func() { LayerNormBackward(w, x, nil, mean, rstd, nil, New(2), nil) })
}

func BenchmarkLayerNorm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, gamma, beta := RandNormal(rng, 0, 1, 12*64, 384), Ones(384), New(384)
	y, mean, rstd := LayerNorm(x, gamma, beta, 1e-5)
	dx, dg, db := New(x.shape...), New(384), New(384)
	b.Run("forward", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			LayerNormInto(y, mean, rstd, x, gamma, beta, 1e-5)
		}
	})
	b.Run("backward", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			LayerNormBackward(y, x, gamma, mean, rstd, dx, dg, db)
		}
	})
}
