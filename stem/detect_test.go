package stem

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// syntheticFrame renders the patch of l around its centre into a frame with cfg and returns
// the frame and the true atoms (frame coordinates).
func syntheticFrame(l *Lattice, cfg ImagingConfig, rng *rand.Rand) (*Frame, []Atom) {
	half := Vec{float64(cfg.Width) * cfg.PixelSize / 2, float64(cfg.Height) * cfg.PixelSize / 2}
	var atoms []Atom
	for i, p := range l.Pos {
		q := p.Add(half)
		if q.X < -1 || q.Y < -1 || q.X > 2*half.X+1 || q.Y > 2*half.Y+1 {
			continue
		}
		z := Carbon
		if i == l.Si {
			z = Silicon
		}
		atoms = append(atoms, Atom{Pos: q, Z: z})
	}
	return Render(atoms, cfg, rng), atoms
}

type detectionScore struct {
	recall, precision, rmse float64
	siFound                 bool
}

func scoreDetection(f *Frame, truth []Atom, got FrameAtoms, margin float64) detectionScore {
	w, h := float64(f.W)*f.PixelSize, float64(f.H)*f.PixelSize
	inside := func(p Vec) bool { return p.X > margin && p.Y > margin && p.X < w-margin && p.Y < h-margin }
	var s detectionScore
	tp, nTrue, nGot := 0, 0, 0
	se := 0.0
	used := make([]bool, len(got.Pos))
	medI := percentile(got.Intensity, 0.5)
	for _, a := range truth {
		if !inside(a.Pos) {
			continue
		}
		nTrue++
		best, bd := -1, 0.5*0.5
		for j, p := range got.Pos {
			if d := dist2(a.Pos, p); d < bd && !used[j] {
				best, bd = j, d
			}
		}
		if best >= 0 {
			used[best] = true
			tp++
			se += bd
			if a.Z == Silicon && got.Intensity[best] > 2*medI {
				s.siFound = true
			}
		}
	}
	matched := 0
	for _, p := range got.Pos {
		if !inside(p) {
			continue
		}
		nGot++
		for _, a := range truth {
			if dist2(a.Pos, p) < 0.25 {
				matched++
				break
			}
		}
	}
	s.recall = float64(tp) / float64(nTrue)
	s.precision = float64(matched) / math.Max(1, float64(nGot))
	s.rmse = math.Sqrt(se / math.Max(1, float64(tp)))
	return s
}

// TestDetection measures recall, precision and position error of atom detection on synthetic
// frames at three dose (noise) levels, averaged over 10 frames each.
func TestDetection(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, tc := range []struct {
		dose                    float64
		minRecall, minPrecision float64
		maxRMSE                 float64
	}{
		{200, 0.999, 0.999, 0.05},
		{40, 0.995, 0.995, 0.07},
		{10, 0.98, 0.98, 0.12},
		{3, 0.9, 0.9, 0.2},
	} {
		cfg := DefaultImaging()
		cfg.Dose = tc.dose
		cfg.MissProb = 0
		var rec, prec, rmse float64
		si := 0
		const frames = 10
		for range frames {
			l := NewLattice(14, rng)
			f, truth := syntheticFrame(l, cfg, rng)
			s := scoreDetection(f, truth, DetectAtoms(f, DefaultDetect()), 0.6)
			rec += s.recall / frames
			prec += s.precision / frames
			rmse += s.rmse / frames
			if s.siFound {
				si++
			}
		}
		t.Logf("dose %4.0f: recall %.4f precision %.4f position RMSE %.3f Å, Si identified %d/%d", tc.dose, rec, prec, rmse, si, frames)
		if rec < tc.minRecall || prec < tc.minPrecision || rmse > tc.maxRMSE || si < frames {
			t.Errorf("dose %v: %s", tc.dose, fmt.Sprintf("recall %.4f precision %.4f rmse %.3f si %d", rec, prec, rmse, si))
		}
	}
}
