package stem

import (
	"math"
	"math/rand/v2"
)

// Frame is a grayscale STEM image: W×H pixels in row-major order (row 0 at the top), each
// PixelSize ångström square. Pixel (col, row) covers [col·PixelSize, (col+1)·PixelSize) in x
// and the same in y, so frame coordinates run right and down from the top-left corner.
type Frame struct {
	W, H      int
	Pix       []float32
	PixelSize float64
}

// At returns the value of pixel (col, row).
func (f *Frame) At(col, row int) float32 { return f.Pix[row*f.W+col] }

// Atom is an atom to image: its position in frame coordinates (ångström) and atomic number.
type Atom struct {
	Pos Vec
	Z   int
}

// Atomic numbers of the two species.
const (
	Carbon  = 6
	Silicon = 14
)

// ImagingConfig describes how synthetic annular dark-field frames are made.
type ImagingConfig struct {
	// Width and Height are the frame size in pixels; PixelSize is ångström per pixel.
	Width, Height int
	PixelSize     float64
	// SpotSigma is the standard deviation of an atom's Gaussian spot in ångström.
	SpotSigma float64
	// Dose is the expected electron count at the centre of a carbon spot; the image is a
	// Poisson draw around Dose × intensity (shot noise). Lower dose means noisier frames.
	Dose float64
	// Background is the intensity of the empty support relative to a carbon peak.
	Background float64
	// ZExponent sets Z-contrast: a spot's peak scales as Z^ZExponent (1.7 is usual for ADF).
	ZExponent float64
	// Jitter is the standard deviation (ångström) of independent per-atom displacements in a
	// frame (scan noise and vibration).
	Jitter float64
	// MissProb is the probability that an atom does not show in a frame at all.
	MissProb float64
}

// DefaultImaging returns a 100×100-pixel, 0.16 Å/pixel frame (16 Å field of view) with 0.35 Å
// spots, a carbon peak of 40 counts, 10% background, Z^1.7 contrast, 0.02 Å jitter and a 0.2%
// chance of missing an atom.
func DefaultImaging() ImagingConfig {
	return ImagingConfig{
		Width: 100, Height: 100, PixelSize: 0.16, SpotSigma: 0.35, Dose: 40,
		Background: 0.1, ZExponent: 1.7, Jitter: 0.02, MissProb: 0.002,
	}
}

// Render draws a frame of atoms with shot noise, jitter and missed atoms as cfg says, drawing
// the randomness from rng.
func Render(atoms []Atom, cfg ImagingConfig, rng *rand.Rand) *Frame {
	f := &Frame{W: cfg.Width, H: cfg.Height, PixelSize: cfg.PixelSize}
	inten := make([]float64, f.W*f.H)
	for i := range inten {
		inten[i] = cfg.Background
	}
	sp := cfg.SpotSigma / cfg.PixelSize // spot sigma in pixels
	rad := int(math.Ceil(4 * sp))
	inv := -0.5 / (sp * sp)
	for _, a := range atoms {
		if cfg.MissProb > 0 && rng.Float64() < cfg.MissProb {
			continue
		}
		p := a.Pos
		if cfg.Jitter > 0 {
			p = p.Add(Vec{rng.NormFloat64() * cfg.Jitter, rng.NormFloat64() * cfg.Jitter})
		}
		amp := math.Pow(float64(a.Z)/Carbon, cfg.ZExponent)
		cx, cy := p.X/cfg.PixelSize-0.5, p.Y/cfg.PixelSize-0.5 // in pixel-centre units
		c0, r0 := int(math.Round(cx)), int(math.Round(cy))
		for r := max(r0-rad, 0); r <= min(r0+rad, f.H-1); r++ {
			dy := float64(r) - cy
			for c := max(c0-rad, 0); c <= min(c0+rad, f.W-1); c++ {
				dx := float64(c) - cx
				inten[r*f.W+c] += amp * math.Exp(inv*(dx*dx+dy*dy))
			}
		}
	}
	f.Pix = make([]float32, len(inten))
	for i, v := range inten {
		f.Pix[i] = float32(poisson(cfg.Dose*v, rng))
	}
	return f
}

// poisson draws from the Poisson distribution with mean mu: by inversion of the cumulative
// distribution with one uniform below 30, and by the normal approximation (rounded, clamped at
// zero) above.
func poisson(mu float64, rng *rand.Rand) float64 {
	if mu <= 0 {
		return 0
	}
	if mu < 30 {
		u := rng.Float64()
		p := math.Exp(-mu)
		cdf := p
		k := 0
		for u > cdf && k < 200 {
			k++
			p *= mu / float64(k)
			cdf += p
		}
		return float64(k)
	}
	return math.Max(0, math.Round(mu+math.Sqrt(mu)*rng.NormFloat64()))
}
