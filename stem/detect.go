package stem

import (
	"math"
	"slices"
)

// FrameAtoms is the symbolic content of one frame: atom positions (ångström, frame
// coordinates) and a brightness per atom, from which the pipeline tells silicon from carbon.
// It is what atom detection produces from an image, and what a CSV of atom positions holds.
type FrameAtoms struct {
	Pos       []Vec
	Intensity []float64
}

// DetectConfig tunes atom detection.
type DetectConfig struct {
	// SpotSigma is the expected spot standard deviation in ångström; the image is smoothed
	// with a Gaussian of half this width before peaks are sought (a full matched filter
	// widens the bright silicon spot until it swallows its neighbours' peaks).
	SpotSigma float64
	// MinSeparation is the smallest distance (ångström) between two detected atoms; weaker
	// peaks closer than this to a stronger one are suppressed. Default 0.9 Å.
	MinSeparation float64
	// Threshold is the fraction of the way from the background level to the median peak
	// height above which a peak counts as an atom. Default 0.5.
	Threshold float64
}

// DefaultDetect returns detection settings for 0.35 Å spots.
func DefaultDetect() DetectConfig {
	return DetectConfig{SpotSigma: 0.35, MinSeparation: 0.9, Threshold: 0.5}
}

// DetectAtoms finds the atoms in a frame: it smooths the image with a Gaussian of half the spot
// width, takes local maxima, suppresses those closer than MinSeparation to a brighter one,
// keeps those higher than the threshold between the background (10th percentile of the
// smoothed image) and the median peak, and refines each to sub-pixel precision by fitting a
// parabola to the logarithm of the smoothed values across the peak in x and in y (exact for a
// Gaussian spot). Intensity is the smoothed peak height above the background.
func DetectAtoms(f *Frame, cfg DetectConfig) FrameAtoms {
	if cfg.MinSeparation == 0 {
		cfg.MinSeparation = 0.9
	}
	if cfg.Threshold == 0 {
		cfg.Threshold = 0.5
	}
	if f == nil || f.W < 3 || f.H < 3 || f.PixelSize <= 0 || len(f.Pix) < f.W*f.H {
		return FrameAtoms{}
	}
	s := smooth(f, 0.5*cfg.SpotSigma/f.PixelSize)
	w, h := f.W, f.H
	type peak struct {
		c, r int
		v    float64
	}
	var peaks []peak
	for r := 1; r < h-1; r++ {
		for c := 1; c < w-1; c++ {
			v := s[r*w+c]
			isMax := true
			for dr := -1; dr <= 1 && isMax; dr++ {
				for dc := -1; dc <= 1; dc++ {
					if (dr != 0 || dc != 0) && s[(r+dr)*w+c+dc] > v {
						isMax = false
						break
					}
				}
			}
			if isMax {
				peaks = append(peaks, peak{c, r, v})
			}
		}
	}
	if len(peaks) == 0 {
		return FrameAtoms{}
	}
	slices.SortStableFunc(peaks, func(a, b peak) int {
		switch {
		case a.v > b.v:
			return -1
		case a.v < b.v:
			return 1
		}
		return 0
	})
	// Non-maximum suppression over a coarse grid of accepted peaks.
	sep := cfg.MinSeparation / f.PixelSize
	sep2 := sep * sep
	var kept []peak
	var keptPts []Vec
	grid := map[[2]int][]int{}
	cell := max(sep, 1)
	for _, p := range peaks {
		gx, gy := int(float64(p.c)/cell), int(float64(p.r)/cell)
		ok := true
		for dy := -1; dy <= 1 && ok; dy++ {
			for dx := -1; dx <= 1; dx++ {
				for _, i := range grid[[2]int{gx + dx, gy + dy}] {
					if dist2(keptPts[i], Vec{float64(p.c), float64(p.r)}) < sep2 {
						ok = false
						break
					}
				}
			}
		}
		if ok {
			grid[[2]int{gx, gy}] = append(grid[[2]int{gx, gy}], len(kept))
			kept = append(kept, p)
			keptPts = append(keptPts, Vec{float64(p.c), float64(p.r)})
		}
	}
	bg := percentile(s, 0.1)
	vals := make([]float64, len(kept))
	for i, p := range kept {
		vals[i] = p.v
	}
	med := percentile(vals, 0.5)
	thr := bg + cfg.Threshold*(med-bg)
	var out FrameAtoms
	for _, p := range kept {
		if p.v <= thr {
			continue
		}
		dx := subpixel(s[p.r*w+p.c-1], p.v, s[p.r*w+p.c+1])
		dy := subpixel(s[(p.r-1)*w+p.c], p.v, s[(p.r+1)*w+p.c])
		out.Pos = append(out.Pos, Vec{(float64(p.c) + 0.5 + dx) * f.PixelSize, (float64(p.r) + 0.5 + dy) * f.PixelSize})
		out.Intensity = append(out.Intensity, p.v-bg)
	}
	return out
}

// subpixel returns the offset in (−0.5, 0.5) of the vertex of the parabola through the
// logarithms of three samples at −1, 0 and 1 (a linear parabola when a value is not positive).
func subpixel(l, c, r float64) float64 {
	if l > 0 && c > 0 && r > 0 {
		l, c, r = math.Log(l), math.Log(c), math.Log(r)
	}
	den := l - 2*c + r
	if den >= 0 {
		return 0
	}
	return math.Max(-0.5, math.Min(0.5, 0.5*(l-r)/den))
}

// smooth returns the image convolved with a Gaussian of standard deviation sigma pixels
// (separable, truncated at 3σ, borders by clamping).
func smooth(f *Frame, sigma float64) []float64 {
	w, h := f.W, f.H
	src := make([]float64, w*h)
	for i, v := range f.Pix[:w*h] {
		src[i] = float64(v)
	}
	if !(sigma > 0.05) {
		return src
	}
	rad := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*rad+1)
	sum := 0.0
	for i := range k {
		d := float64(i - rad)
		k[i] = math.Exp(-0.5 * d * d / (sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float64, w*h)
	for r := range h {
		row := src[r*w : (r+1)*w]
		for c := range w {
			acc := 0.0
			for i, kv := range k {
				cc := min(max(c+i-rad, 0), w-1)
				acc += kv * row[cc]
			}
			tmp[r*w+c] = acc
		}
	}
	out := make([]float64, w*h)
	for r := range h {
		for c := range w {
			acc := 0.0
			for i, kv := range k {
				rr := min(max(r+i-rad, 0), h-1)
				acc += kv * tmp[rr*w+c]
			}
			out[r*w+c] = acc
		}
	}
	return out
}

// percentile returns the q-quantile of v (nearest rank) without modifying v.
func percentile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	c := slices.Clone(v)
	slices.Sort(c)
	i := int(q * float64(len(c)-1))
	return c[i]
}
