package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestBicycleForwardInverseRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := Bicycle{}
	worst := 0.0
	for trial := range 50 {
		// A bicycle trajectory in an SDC-centred frame, speeds kept above the cut-off.
		st := ObjectState{Yaw: float32(rng.Float64()*2*math.Pi - math.Pi), Length: 4.5, Width: 2, Valid: true}
		v := float32(2 + rng.Float64()*18)
		st.VelX, st.VelY = v*float32(math.Cos(float64(st.Yaw))), v*float32(math.Sin(float64(st.Yaw)))
		traj := []ObjectState{st}
		for range 80 {
			a := Action{Valid: true}
			a.Data[0] = float32(rng.Float64()*8 - 4)
			a.Data[1] = float32(rng.Float64()*0.5 - 0.25)
			if traj[len(traj)-1].Speed() < 1.5 && a.Data[0] < 0 {
				a.Data[0] = -a.Data[0]
			}
			traj = append(traj, m.Forward(traj[len(traj)-1], a))
		}
		// Replay: infer each action from the reconstructed state to the next generated one.
		cur := traj[0]
		for k := 1; k < len(traj); k++ {
			cur = m.Forward(cur, m.Inverse(cur, traj[k]))
			d := math.Hypot(float64(cur.X-traj[k].X), float64(cur.Y-traj[k].Y))
			worst = max(worst, d)
			if d > 1e-3 {
				t.Fatalf("trial %d step %d: replay off by %.2e m", trial, k, d)
			}
		}
	}
	t.Logf("worst forward∘inverse error %.2e m", worst)
}

func TestBicycleConstantCurvatureClosedForm(t *testing.T) {
	m := Bicycle{}
	const dt = 0.1
	v, kappa, yaw0 := 8.0, 0.1, 0.3
	st := ObjectState{Yaw: float32(yaw0), VelX: float32(v * math.Cos(yaw0)), VelY: float32(v * math.Sin(yaw0)), Valid: true}
	a := Action{Data: [MaxActionDim]float32{0, float32(kappa)}, Valid: true}
	theta := kappa * v * dt
	for n := 1; n <= 60; n++ {
		st = m.Forward(st, a)
		// x + iy = v·dt·e^{i·yaw0}·(1 − e^{i·n·θ})/(1 − e^{i·θ}): the steps are chords of
		// length v·dt turning by θ each.
		num := complex(1, 0) - complexExp(float64(n)*theta)
		den := complex(1, 0) - complexExp(theta)
		z := complex(v*dt, 0) * complexExp(yaw0) * num / den
		if d := math.Hypot(float64(st.X)-real(z), float64(st.Y)-imag(z)); d > 1e-3 {
			t.Fatalf("step %d: (%v, %v), closed form (%v, %v)", n, st.X, st.Y, real(z), imag(z))
		}
		if wy := WrapAngle(float32(yaw0 + float64(n)*theta)); abs32(WrapAngle(st.Yaw-wy)) > 1e-4 {
			t.Fatalf("step %d: yaw %v, want %v", n, st.Yaw, wy)
		}
		if abs32(st.Speed()-float32(v)) > 1e-4 {
			t.Fatalf("step %d: speed %v, want %v", n, st.Speed(), v)
		}
	}
	// Straight acceleration: x = v0·n·dt + ½·a·(n·dt)².
	st = ObjectState{VelX: 5, Valid: true}
	acc := Action{Data: [MaxActionDim]float32{2, 0}, Valid: true}
	for n := 1; n <= 50; n++ {
		st = m.Forward(st, acc)
		tt := float64(n) * dt
		if want := 5*tt + 0.5*2*tt*tt; math.Abs(float64(st.X)-want) > 1e-3 {
			t.Fatalf("step %d: x %v, want %v", n, st.X, want)
		}
	}
}

func complexExp(a float64) complex128 { return complex(math.Cos(a), math.Sin(a)) }

func TestBicycleInverseLowSpeed(t *testing.T) {
	cur := ObjectState{VelX: 0.3, Yaw: 0, Valid: true}
	next := ObjectState{X: 0.03, VelX: 0.1, VelY: 0.3, Yaw: 1, Valid: true}
	acc, k := BicycleInverse(cur, next, 0.1)
	if k != 0 {
		t.Fatalf("curvature %v below the speed cut-off, want 0", k)
	}
	if want := (next.Speed() - cur.Speed()) / 0.1; abs32(acc-want) > 1e-5 {
		t.Fatalf("acceleration %v, want %v", acc, want)
	}
	a := Bicycle{}.Inverse(cur, ObjectState{Valid: false})
	if a.Valid {
		t.Fatal("inverse of an invalid transition is valid")
	}
	// Bounds are applied.
	b := Bicycle{}.Inverse(ObjectState{VelX: 10, Valid: true}, ObjectState{VelX: 20, Valid: true})
	if b.Data[0] != 6 {
		t.Fatalf("acceleration not clipped: %v", b.Data[0])
	}
}

func TestDeltaModelsInvert(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, m := range []Dynamics{DeltaGlobal{}, DeltaLocal{}, StateDynamics{}} {
		for range 200 {
			cur := ObjectState{X: float32(rng.Float64() * 10), Y: float32(rng.Float64() * 10), Yaw: float32(rng.Float64()*6 - 3), Length: 4, Width: 2, Valid: true}
			next := cur
			next.X += float32(rng.Float64()*6 - 3)
			next.Y += float32(rng.Float64()*6 - 3)
			next.Yaw = WrapAngle(cur.Yaw + float32(rng.Float64()-0.5))
			next.VelX, next.VelY = (next.X-cur.X)/0.1, (next.Y-cur.Y)/0.1
			got := m.Forward(cur, m.Inverse(cur, next))
			if abs32(got.X-next.X) > 1e-4 || abs32(got.Y-next.Y) > 1e-4 || abs32(WrapAngle(got.Yaw-next.Yaw)) > 1e-4 ||
				abs32(got.VelX-next.VelX) > 1e-2 || abs32(got.VelY-next.VelY) > 1e-2 || !got.Valid {
				t.Fatalf("%s: got %+v, want %+v", m.Name(), got, next)
			}
		}
	}
	// Clipping at ±6 m.
	a := DeltaGlobal{}.Inverse(ObjectState{Valid: true}, ObjectState{X: 9, Y: -9, Valid: true})
	if a.Data[0] != 6 || a.Data[1] != -6 {
		t.Fatalf("delta not clipped: %v", a.Data)
	}
	if (DeltaLocal{}).Forward(ObjectState{Valid: true}, Action{}).Valid {
		t.Fatal("an invalid action left the object valid")
	}
}

func TestDiscretized(t *testing.T) {
	d := NewDiscretized(Bicycle{}, 13, 31)
	if d.NumActions() != 13*31 {
		t.Fatalf("NumActions %d", d.NumActions())
	}
	for k := range d.NumActions() {
		if got := d.Encode(d.Decode(k)); got != k {
			t.Fatalf("Encode(Decode(%d)) = %d", k, got)
		}
	}
	a := d.Decode(d.NumActions() - 1)
	if a.Data[0] != 6 || abs32(a.Data[1]-0.3) > 1e-6 {
		t.Fatalf("last grid action %v", a.Data)
	}
	// The inverse snaps to the nearest grid action: bicycle at 1 m/s² and zero curvature.
	cur := ObjectState{VelX: 10, Valid: true}
	next := Bicycle{}.Forward(cur, Action{Data: [MaxActionDim]float32{1, 0}, Valid: true})
	inv := d.Inverse(cur, next)
	g := d.Decode(int(inv.Data[0]))
	if abs32(g.Data[0]-1) > 0.5 || abs32(g.Data[1]) > 1e-6 {
		t.Fatalf("snapped action %v", g.Data)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for an unbounded base")
		}
	}()
	NewDiscretized(StateDynamics{}, 3, 3, 3, 3, 3)
}

func TestReplayResidualOnNoisyLog(t *testing.T) {
	sc := testScene(8)
	rng := rand.New(rand.NewPCG(9, 10))
	for k := range sc.Log.X {
		sc.Log.X[k] += float32(rng.NormFloat64() * 0.05)
		sc.Log.Y[k] += float32(rng.NormFloat64() * 0.05)
		sc.Log.Yaw[k] += float32(rng.NormFloat64() * 0.01)
	}
	for _, m := range []Dynamics{DeltaGlobal{}, Bicycle{}} {
		mean, worst := ReplayResidual(sc, m)
		t.Logf("%s: residual mean %.3f m, max %.3f m", m.Name(), mean, worst)
		if m.Name() == "delta_global" && worst > 1e-4 {
			t.Fatalf("delta replay residual %v", worst)
		}
		if mean > 1 {
			t.Fatalf("%s residual %v m on a 5 cm noisy log", m.Name(), mean)
		}
	}
}
