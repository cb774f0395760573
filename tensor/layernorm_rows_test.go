package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
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
