package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// directConv is the float64 oracle: the seven nested loops of the convolution's definition.
// It also returns the analytic adjoints for an output gradient g: dx, dw and db.
func directConv(x, w, b, g *Tensor, stride, pad int) (y, dx, dw, db []float64, oh, ow int) {
	n, c, h, wd := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	f, kh, kw := w.shape[0], w.shape[2], w.shape[3]
	oh, ow = (h+2*pad-kh)/stride+1, (wd+2*pad-kw)/stride+1
	y = make([]float64, n*f*oh*ow)
	dx, dw, db = make([]float64, x.Len()), make([]float64, w.Len()), make([]float64, f)
	for in := range n {
		for fi := range f {
			for i := range oh {
				for j := range ow {
					o := ((in*f+fi)*oh+i)*ow + j
					s := 0.0
					if b != nil {
						s = float64(b.data[fi])
					}
					gv := 0.0
					if g != nil {
						gv = float64(g.data[o])
						db[fi] += gv
					}
					for ci := range c {
						for a := range kh {
							for e := range kw {
								ih, iw := i*stride-pad+a, j*stride-pad+e
								if ih < 0 || ih >= h || iw < 0 || iw >= wd {
									continue
								}
								xi := ((in*c+ci)*h+ih)*wd + iw
								wi := ((fi*c+ci)*kh+a)*kw + e
								s += float64(w.data[wi]) * float64(x.data[xi])
								dx[xi] += float64(w.data[wi]) * gv
								dw[wi] += float64(x.data[xi]) * gv
							}
						}
					}
					y[o] = s
				}
			}
		}
	}
	return y, dx, dw, db, oh, ow
}

func TestConv2DMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	type cfg struct{ n, c, h, w, f, kh, kw, stride, pad int }
	var cases []cfg
	for _, stride := range []int{1, 2, 4} {
		for _, pad := range []int{0, 1} {
			cases = append(cases, cfg{2, 3, 9, 7, 4, 3, 3, stride, pad}, cfg{3, 2, 11, 10, 5, 5, 2, stride, pad})
		}
	}
	cases = append(cases, cfg{2, 4, 5, 5, 3, 1, 1, 1, 0}, cfg{2, 1, 8, 8, 2, 8, 8, 1, 0}, cfg{5, 3, 12, 12, 8, 4, 4, 4, 0})
	for _, c := range cases {
		x := RandNormal(rng, 0, 1, c.n, c.c, c.h, c.w)
		w := RandNormal(rng, 0, 1, c.f, c.c, c.kh, c.kw)
		b := RandNormal(rng, 0, 1, c.f)
		got := Conv2D(x, w, b, c.stride, c.pad)
		gy := RandNormal(rng, 0, 1, got.shape...)
		want, dxw, dww, dbw, oh, ow := directConv(x, w, b, gy, c.stride, c.pad)
		checkClose(t, "Conv2D", got, []int{c.n, c.f, oh, ow}, want, 1e-5)
		checkClose(t, "Conv2D without bias", Conv2D(x, w, nil, c.stride, c.pad), got.shape, sub64(want, dbBroadcast(b, c.n, oh*ow)), 1e-5)
		// Backward accumulates onto existing gradients: start from ones and subtract.
		dx, dw, db := Ones(x.shape...), Ones(w.shape...), Ones(c.f)
		Conv2DBackward(x, w, gy, c.stride, c.pad, dx, dw, db)
		for _, g := range []*Tensor{dx, dw, db} {
			AddScalarInto(g, g, -1)
		}
		checkClose(t, "Conv2D dx", dx, x.shape, dxw, 1e-5)
		checkClose(t, "Conv2D dw", dw, w.shape, dww, 1e-5)
		checkClose(t, "Conv2D db", db, []int{c.f}, dbw, 1e-5)
		// nil gradients are skipped.
		dx2 := New(x.shape...)
		Conv2DBackward(x, w, gy, c.stride, c.pad, dx2, nil, nil)
		checkClose(t, "Conv2D dx alone", dx2, x.shape, dxw, 1e-5)
	}
	x, w := New(2, 3, 5, 5), New(4, 3, 3, 3)
	mustPanic(t, "tensor: Conv2D: x [2 3 5 5] and w [4 2 3 3]", func() { Conv2D(x, New(4, 2, 3, 3), nil, 1, 0) })
	mustPanic(t, "tensor: Conv2D: stride 0, padding 0", func() { Conv2D(x, w, nil, 0, 0) })
	mustPanic(t, "tensor: Conv2D: kernel 7×7 larger than input 5×5 with padding 0", func() { Conv2D(x, New(1, 3, 7, 7), nil, 1, 0) })
	mustPanic(t, "tensor: Conv2D: bias [3] for w [4 3 3 3] (want [4])", func() { Conv2D(x, w, New(3), 1, 0) })
	mustPanic(t, "tensor: Conv2DBackward: dy [2 4 3 4], want [2 4 3 3]", func() { Conv2DBackward(x, w, New(2, 4, 3, 4), 1, 0, nil, nil, nil) })
	mustPanic(t, "tensor: Conv2DBackward: shapes [2 3 5 4] and [2 3 5 5] differ", func() { Conv2DBackward(x, w, New(2, 4, 3, 3), 1, 0, New(2, 3, 5, 4), nil, nil) })
}

func sub64(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

// dbBroadcast lays the bias out as a conv output of n images with p positions each.
func dbBroadcast(b *Tensor, n, p int) []float64 {
	f := b.Len()
	out := make([]float64, n*f*p)
	for i := range out {
		out[i] = float64(b.data[(i/p)%f])
	}
	return out
}

func TestMaxPool2D(t *testing.T) {
	x := FromSlice([]float32{
		1, 5, 2, 0,
		3, 4, 8, 8,
		0, 9, 1, 2,
		7, 6, 3, 4,
	}, 1, 1, 4, 4)
	y, arg := MaxPool2D(x, 2, 2)
	if got := y.String(); got != "[[[[5 8] [9 4]]]]" {
		t.Fatalf("MaxPool2D = %s", got)
	}
	if arg[0] != 1 || arg[1] != 6 || arg[2] != 9 || arg[3] != 15 {
		t.Fatalf("argmax %v (ties pick the first)", arg)
	}
	// Overlapping windows: gradients of a shared maximum add up.
	y, arg = MaxPool2D(x, 3, 1)
	if got := y.String(); got != "[[[[9 9] [9 9]]]]" {
		t.Fatalf("overlapping MaxPool2D = %s", got)
	}
	dx := New(1, 1, 4, 4)
	MaxPool2DBackward(Ones(1, 1, 2, 2), arg, dx)
	if dx.At(0, 0, 2, 1) != 4 || SumAll(dx) != 4 {
		t.Fatalf("MaxPool2DBackward = %v", dx)
	}
	// Random tensors against a direct search, and adjointness of the backward pass.
	rng := rand.New(rand.NewPCG(15, 15))
	for _, c := range [][3]int{{7, 2, 2}, {9, 3, 2}, {8, 3, 3}, {130, 2, 2}} {
		xs := RandNormal(rng, 0, 1, 2, 3, c[0], c[0]+1)
		y, arg := MaxPool2D(xs, c[1], c[2])
		oh, ow := (c[0]-c[1])/c[2]+1, (c[0]+1-c[1])/c[2]+1
		if y.shape[2] != oh || y.shape[3] != ow {
			t.Fatalf("shape %v", y.shape)
		}
		for i, v := range y.data {
			idx := unravel(i, y.shape)
			m := float32(math.Inf(-1))
			for a := range c[1] {
				for b := range c[1] {
					m = max(m, xs.At(idx[0], idx[1], idx[2]*c[2]+a, idx[3]*c[2]+b))
				}
			}
			if v != m || xs.data[arg[i]] != v {
				t.Fatalf("window %v: %v want %v", idx, v, m)
			}
		}
		gy := RandNormal(rng, 0, 1, y.shape...)
		gx := New(xs.shape...)
		MaxPool2DBackward(gy, arg, gx)
		if l, r := dot64(y, gy), dot64(xs, gx); math.Abs(l-r) > 1e-4*(1+math.Abs(l)) {
			t.Fatalf("adjointness %v vs %v", l, r)
		}
	}
	nan := float32(math.NaN())
	yn, _ := MaxPool2D(FromSlice([]float32{1, nan, 3, 2}, 1, 1, 2, 2), 2, 2)
	if !math.IsNaN(float64(yn.data[0])) {
		t.Fatalf("NaN must win: %v", yn)
	}
	mustPanic(t, "tensor: MaxPool2D: x [1 1 4 4] with size 5, stride 1", func() { MaxPool2D(x, 5, 1) })
	mustPanic(t, "tensor: MaxPool2DBackward: 3 positions for dy [1 1 2 2]", func() { MaxPool2DBackward(New(1, 1, 2, 2), make([]int32, 3), dx) })
	mustPanic(t, "tensor: MaxPool2DBackward: position 99 outside dx [1 1 4 4]", func() { MaxPool2DBackward(New(1), []int32{99}, dx) })
}

// BenchmarkConv2D runs the first layer of the Nature DQN / BBF encoder on a batch of 32
// Atari frames (4×84×84, 32 filters of 8×8, stride 4).
func BenchmarkConv2D(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, w, bias := RandNormal(rng, 0, 1, 32, 4, 84, 84), RandNormal(rng, 0, 0.1, 32, 4, 8, 8), New(32)
	y := Conv2D(x, w, bias, 4, 0)
	flops := float64(2 * y.Len() * 4 * 8 * 8)
	b.Run("forward", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Conv2D(x, w, bias, 4, 0)
		}
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
	})
	dx, dw, db := New(x.shape...), New(w.shape...), New(32)
	b.Run("backward", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Conv2DBackward(x, w, y, 4, 0, dx, dw, db)
		}
		b.ReportMetric(2*flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
	})
}
