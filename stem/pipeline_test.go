package stem

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

func TestCanonicalise(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for range 500 {
		th := rng.Float64() * 2 * math.Pi
		si := Vec{rng.Float64(), rng.Float64()}
		var nb [3]Vec
		for k := range 3 {
			nb[k] = si.Add(Vec{BondLength, 0}.Rotate(th + float64(k)*third))
		}
		// Shuffle the neighbour order: canonicalisation must not depend on it.
		i, j := rng.IntN(3), rng.IntN(3)
		nb[i], nb[j] = nb[j], nb[i]
		beam := si.Add(Vec{3 * rng.Float64(), 0}.Rotate(rng.Float64() * 2 * math.Pi))
		off, perm := Canonicalise(si, nb, beam)
		if a := off.Angle(); a < -1e-9 || a > math.Pi/3+1e-9 {
			t.Fatalf("canonical offset %v outside the wedge", off)
		}
		if math.Abs(off.Norm()-beam.Sub(si).Norm()) > 1e-9 {
			t.Fatalf("distance not preserved")
		}
		// The canonical neighbour c must sit at angle c·120° in the canonical frame: the beam's
		// distances to the neighbours are preserved by the isometry.
		for k := range 3 {
			want := Vec{BondLength, 0}.Rotate(float64(perm[k]) * third)
			if math.Abs(off.Sub(want).Norm()-beam.Sub(nb[k]).Norm()) > 1e-9 {
				t.Fatalf("neighbour %d mapped to %d inconsistently", k, perm[k])
			}
		}
	}
}

func TestPipelineOnSimulatedSeries(t *testing.T) {
	cfg := RecordConfig{Truth: Falloff{Peak: 0.6}, JumpProb: 0.05}
	dwells := 400
	if testing.Short() {
		dwells = 200
	}
	series, err := Record(context.Background(), cfg, dwells, 3, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	var st PipelineStats
	agree, total := 0, 0
	var obs, exp [3]float64
	for _, s := range series {
		for i := 0; i+1 < len(s.Atoms); i++ {
			reason, tr := extractPair(s.Atoms[i], s.Atoms[i+1], s.Beams, i, PipelineConfig{}.withDefaults())
			if reason != "" {
				continue
			}
			total++
			if (tr.Label != NoHop) == (s.Hops[i] > 0) {
				agree++
			}
			if tr.Label != NoHop {
				obs[tr.Label]++
				r := cfg.Truth.Predict(tr.Query())
				for k := range 3 {
					exp[k] += r[k] / r.Total()
				}
			}
		}
		Extract(s.Atoms, s.Beams, PipelineConfig{}, &st)
	}
	t.Logf("frames %d pairs %d kept %d dropped %v; hop/no-hop agreement %d/%d; directions %v expected %.1f",
		st.Frames, st.Pairs, st.Kept, st.Dropped, agree, total, obs, exp)
	if st.Kept < st.Pairs*8/10 {
		t.Errorf("kept only %d of %d pairs", st.Kept, st.Pairs)
	}
	if st.Dropped[DropDrift] == 0 {
		t.Errorf("stage jumps were not caught by the drift filter")
	}
	if float64(agree) < 0.99*float64(total) {
		t.Errorf("hop detection agrees with the truth on %d of %d pairs", agree, total)
	}
	c2 := 0.0
	for k := range 3 {
		d := obs[k] - exp[k]
		c2 += d * d / exp[k]
	}
	if c2 > 13.816 { // χ²(2), α = 0.001
		t.Errorf("canonical hop directions %v vs expected %v: χ² = %.1f", obs, exp, c2)
	}
}

func TestExtractMalformed(t *testing.T) {
	var st PipelineStats
	frames := []FrameAtoms{
		{},
		{Pos: []Vec{{1, 1}}, Intensity: []float64{1}},
		{Pos: []Vec{{1, 1}, {2, 2}}, Intensity: []float64{1}},
		{Pos: []Vec{{math.NaN(), 1}, {2, 2}, {3, 3}}, Intensity: []float64{100, 1, 1}},
	}
	tr := Extract(frames, []BeamRecord{{X: math.NaN()}, {Dwell: 1}}, PipelineConfig{}, &st)
	if len(tr) != 0 || st.Pairs != 3 {
		t.Fatalf("got %d transitions, stats %+v", len(tr), st)
	}
}
