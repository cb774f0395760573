package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// TestLayerNormWideRows checks the vector-kernel statistics of LayerNorm against float64 on
// the widths the transformers use, with rows far from zero mean (where a one-pass variance
// would cancel; the spread keeps float32 rounding of the mean itself below the tolerance), on
// every kernel path, serial and parallel; and the saved mean and rstd.
func TestLayerNormWideRows(t *testing.T) {
	for _, p := range kernel.Paths() {
		t.Run(p.String(), func(t *testing.T) {
			defer kernel.Use(p)()
			rng := rand.New(rand.NewPCG(17, uint64(p)))
			for _, c := range []struct {
				rows, d     int
				mean, scale float64
			}{{5, 128, 0, 1}, {7, 384, 100, 5}, {3, 1000, -30, 3}, {400, 384, 5, 2}} {
				t.Run(fmt.Sprint(c), func(t *testing.T) {
					x := RandNormal(rng, float32(c.mean), float32(c.scale), c.rows, c.d)
					gamma, beta := RandNormal(rng, 1, 0.3, c.d), RandNormal(rng, 0, 0.3, c.d)
					y, mean, rstd := LayerNorm(x, gamma, beta, 1e-5)
					x64 := to64(x)
					checkClose(t, "LayerNorm", y, x.shape, layerNorm64(x64, to64(gamma), to64(beta), c.rows, c.d, 1e-5), 1e-5)
					for r := range c.rows {
						var m, v float64
						for _, u := range x64[r*c.d : (r+1)*c.d] {
							m += u
						}
						m /= float64(c.d)
						for _, u := range x64[r*c.d : (r+1)*c.d] {
							v += (u - m) * (u - m)
						}
						rs := 1 / math.Sqrt(v/float64(c.d)+1e-5)
						if math.Abs(float64(mean.data[r])-m) > 1e-6*(1+math.Abs(m)) || math.Abs(float64(rstd.data[r])-rs) > 1e-5*rs {
							t.Fatalf("row %d: mean %v rstd %v, float64 %v %v", r, mean.data[r], rstd.data[r], m, rs)
						}
					}
				})
			}
		})
	}
}

// TestLayerNormBackwardWide checks LayerNormBackward on a size whose rows and parameter
// columns are split over goroutines: against float64 sums, and bit for bit across GOMAXPROCS.
func TestLayerNormBackwardWide(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 19))
	const n, d = 300, 384
	x := RandNormal(rng, 2, 3, n, d)
	dy := RandNormal(rng, 0, 1, n, d)
	gamma, beta := RandNormal(rng, 1, 0.3, d), RandNormal(rng, 0, 0.3, d)
	_, mean, rstd := LayerNorm(x, gamma, beta, 1e-5)
	run := func(procs int) (dx, dg, db *Tensor) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		dx, dg, db = New(n, d), New(d), New(d)
		LayerNormBackward(dy, x, gamma, mean, rstd, dx, dg, db)
		return dx, dg, db
	}
	dx, dg, db := run(1)
	wantG, wantB := make([]float64, d), make([]float64, d)
	wantX := make([]float64, n*d)
	for r := range n {
		m, rs := float64(mean.data[r]), float64(rstd.data[r])
		var sd, sdn float64
		for i := range d {
			v, g := float64(x.data[r*d+i]), float64(dy.data[r*d+i])
			wantG[i] += (v - m) * rs * g
			wantB[i] += g
			dn := g * float64(gamma.data[i])
			sd += dn
			sdn += dn * (v - m) * rs
		}
		for i := range d {
			v, dn := float64(x.data[r*d+i]), float64(dy.data[r*d+i])*float64(gamma.data[i])
			wantX[r*d+i] = rs * (dn - sd/d - (v-m)*rs*sdn/d)
		}
	}
	checkClose(t, "dgamma", dg, []int{d}, wantG, 1e-4)
	checkClose(t, "dbeta", db, []int{d}, wantB, 1e-4)
	checkClose(t, "dx", dx, []int{n, d}, wantX, 1e-5)
	for _, procs := range []int{2, 4} {
		dx2, dg2, db2 := run(procs)
		if !dx2.Equal(dx) || !dg2.Equal(dg) || !db2.Equal(db) {
			t.Fatalf("GOMAXPROCS %d: gradients differ from one goroutine's", procs)
		}
	}
}

// TestLayerNormRowMatchesLayerNorm checks that LayerNormRow gives the bits LayerNorm gives
// each row, its mean and rstd included, with and without gamma and beta, in place too, and
// that it panics on mismatched lengths.
func TestLayerNormRowMatchesLayerNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, d := range []int{1, 5, 16, 128, 131} {
		x := RandNormal(rng, 3, 2, 4, d)
		gamma, beta := RandNormal(rng, 1, 0.5, d), RandNormal(rng, 0, 0.5, d)
		for _, gb := range [][2]*Tensor{{gamma, beta}, {nil, beta}, {gamma, nil}, {nil, nil}} {
			y, mean, rstd := LayerNorm(x, gb[0], gb[1], 1e-5)
			var g, b []float32
			if gb[0] != nil {
				g = gb[0].Data()
			}
			if gb[1] != nil {
				b = gb[1].Data()
			}
			for r := range 4 {
				xr := append([]float32(nil), x.Data()[r*d:(r+1)*d]...)
				yr := make([]float32, d)
				m, rs := LayerNormRow(yr, xr, g, b, 1e-5)
				LayerNormRow(xr, xr, g, b, 1e-5) // in place
				if m != mean.Data()[r] || rs != rstd.Data()[r] {
					t.Fatalf("d=%d row %d: mean, rstd %v, %v; LayerNorm %v, %v", d, r, m, rs, mean.Data()[r], rstd.Data()[r])
				}
				for i := range d {
					want := y.Data()[r*d+i]
					if math.Float32bits(yr[i]) != math.Float32bits(want) || math.Float32bits(xr[i]) != math.Float32bits(want) {
						t.Fatalf("d=%d row %d [%d]: %v (in place %v), LayerNorm %v", d, r, i, yr[i], xr[i], want)
					}
				}
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("LayerNormRow with a short gamma did not panic")
		}
	}()
	LayerNormRow(make([]float32, 4), make([]float32, 4), make([]float32, 3), nil, 1e-5)
}
