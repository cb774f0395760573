package tensor

import (
	"math"
	"testing"
)

// TestAdamUpdate checks two steps against the update computed by hand in float64, with L2
// weight decay, and that mismatched lengths panic.
func TestAdamUpdate(t *testing.T) {
	const lr, b1, b2, eps, wd = 0.1, 0.8, 0.99, 1e-6, 0.05
	x := []float32{1, -2, 0.5, 3}
	g := []float32{0.1, 0.3, -0.2, 0}
	m, v := make([]float32, 4), make([]float32, 4)
	want := make([]float64, 4)
	wm, wv := make([]float64, 4), make([]float64, 4)
	for i := range want {
		want[i] = float64(x[i])
	}
	for step := 1; step <= 2; step++ {
		AdamUpdate(x, g, m, v, NewAdamParams(lr, b1, b2, eps, wd, step))
		s := float64(step)
		for i := range want {
			d := float64(g[i]) + wd*want[i]
			wm[i] = b1*wm[i] + (1-b1)*d
			wv[i] = b2*wv[i] + (1-b2)*d*d
			mh := wm[i] / (1 - math.Pow(b1, s))
			vh := wv[i] / (1 - math.Pow(b2, s))
			want[i] -= lr * mh / (math.Sqrt(vh) + eps)
		}
	}
	for i := range want {
		if math.Abs(float64(x[i])-want[i]) > 2e-6 {
			t.Errorf("x[%d] = %v, want %v", i, x[i], want[i])
		}
		if math.Abs(float64(m[i])-wm[i]) > 1e-7 || math.Abs(float64(v[i])-wv[i]) > 1e-7 {
			t.Errorf("moments[%d] = %v, %v; want %v, %v", i, m[i], v[i], wm[i], wv[i])
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for mismatched lengths")
		}
	}()
	AdamUpdate(x, g[:3], m, v, NewAdamParams(lr, b1, b2, eps, wd, 1))
}
