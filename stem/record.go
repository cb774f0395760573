package stem

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
)

// Protocol is how data are collected: after each frame the beam is placed uniformly at random
// in a disc of radius BeamRadius about the silicon and dwells there with the given settings.
type Protocol struct {
	BeamRadius, Dwell, Current, Voltage float64
}

// DefaultProtocol returns the protocol of the reference experiment: beam within 3 Å, 1 s
// dwells at 50 pA and 60 kV.
func DefaultProtocol() Protocol {
	return Protocol{BeamRadius: 3, Dwell: 1, Current: RefCurrent, Voltage: RefVoltage}
}

func (p Protocol) offset(rng *rand.Rand) Vec {
	r := p.BeamRadius * math.Sqrt(rng.Float64())
	return Vec{r, 0}.Rotate(2 * math.Pi * rng.Float64())
}

// SimulateTransitions draws n dwells directly in symbolic form, without images: for each, a
// fresh lattice with a random orientation, a beam offset drawn by the protocol, kinetic Monte
// Carlo under truth, and the label the pipeline would give (no hop when the silicon ends where
// it started, the neighbour it ends on, and a dropped dwell when it ends anywhere else). It
// returns the kept transitions and the number dropped as multi-hops.
func SimulateTransitions(truth RateModel, n int, p Protocol, rng *rand.Rand) ([]Transition, int) {
	out := make([]Transition, 0, n)
	dropped := 0
	var hops []Hop
	for range n {
		l := NewLattice(3*BondLength+p.BeamRadius, rng)
		si := l.Pos[l.Si]
		nbIdx, _ := l.SiNeighbours()
		var nb [3]Vec
		for k := range 3 {
			nb[k] = l.Pos[nbIdx[k]]
		}
		beam := si.Add(p.offset(rng))
		start := l.Si
		hops = SimulateDwell(l, truth, Beam{Pos: beam, Dwell: p.Dwell, Current: p.Current, Voltage: p.Voltage}, rng, hops[:0])
		off, perm := Canonicalise(si, nb, beam)
		label := -2
		switch {
		case l.Si == start:
			label = NoHop
		default:
			for k := range 3 {
				if l.Si == nbIdx[k] {
					label = perm[k]
				}
			}
		}
		if label == -2 {
			dropped++
			continue
		}
		out = append(out, Transition{Offset: off, Dwell: p.Dwell, Current: p.Current, Voltage: p.Voltage, Label: label})
	}
	return out, dropped
}

// RecordConfig describes a simulated microscope session: the ground truth, the collection
// protocol, imaging and detection, and the sample drift.
type RecordConfig struct {
	Truth    RateModel
	Protocol Protocol
	Imaging  ImagingConfig
	Detect   DetectConfig
	// SeriesLength is the most frames in one series; a series also ends when the silicon has
	// wandered more than Recentre ångström from the centre of the field of view, and the next
	// series starts re-centred on it (default 40 frames, 3.5 Å).
	SeriesLength int
	Recentre     float64
	// DriftStep is the standard deviation (ångström, per axis) of the sample drift between
	// consecutive frames; with probability JumpProb the stage also jumps by JumpSize in a random
	// direction (defaults 0.08 Å, 0.01, 1.0 Å).
	DriftStep, JumpProb, JumpSize float64
}

func (c RecordConfig) withDefaults() RecordConfig {
	if c.SeriesLength == 0 {
		c.SeriesLength = 40
	}
	if c.Recentre == 0 {
		c.Recentre = 3.5
	}
	if c.DriftStep == 0 {
		c.DriftStep = 0.08
	}
	if c.JumpProb == 0 {
		c.JumpProb = 0.01
	}
	if c.JumpSize == 0 {
		c.JumpSize = 1.0
	}
	if c.Protocol == (Protocol{}) {
		c.Protocol = DefaultProtocol()
	}
	if c.Imaging.Width == 0 {
		c.Imaging = DefaultImaging()
	}
	if c.Detect.SpotSigma == 0 {
		c.Detect = DefaultDetect()
		c.Detect.SpotSigma = c.Imaging.SpotSigma
	}
	return c
}

// Series is one simulated series of frames as the pipeline sees it: the detected atoms of each
// frame and the beam log, plus the truth for checking (the number of hops in each dwell).
type Series struct {
	Atoms []FrameAtoms
	Beams []BeamRecord
	Hops  []int
	// First is the first rendered frame when it was asked for, otherwise nil.
	First *Frame
}

// SimulateSeries simulates one series: a fresh lattice, then frames (rendered and run through
// atom detection) alternating with beam dwells placed by the protocol relative to the
// silicon's position in the last frame, with sample drift between frames. keepFirst keeps the
// first rendered image.
func SimulateSeries(cfg RecordConfig, keepFirst bool, rng *rand.Rand) Series {
	cfg = cfg.withDefaults()
	im := cfg.Imaging
	half := Vec{float64(im.Width) * im.PixelSize / 2, float64(im.Height) * im.PixelSize / 2}
	l := NewLattice(half.Norm()+cfg.Recentre+4, rng)
	centre := l.Pos[l.Si]
	var drift Vec
	toFrame := func(p Vec) Vec { return p.Sub(centre).Add(drift).Add(half) }
	var s Series
	var atoms []Atom
	var hops []Hop
	t := 0.0
	p := cfg.Protocol
	for i := range cfg.SeriesLength {
		atoms = atoms[:0]
		for j, q := range l.Pos {
			f := toFrame(q)
			if f.X < -1 || f.Y < -1 || f.X > 2*half.X+1 || f.Y > 2*half.Y+1 {
				continue
			}
			z := Carbon
			if j == l.Si {
				z = Silicon
			}
			atoms = append(atoms, Atom{Pos: f, Z: z})
		}
		frame := Render(atoms, im, rng)
		if keepFirst && i == 0 {
			s.First = frame
		}
		s.Atoms = append(s.Atoms, DetectAtoms(frame, cfg.Detect))
		if i == cfg.SeriesLength-1 || l.Pos[l.Si].Sub(centre).Norm() > cfg.Recentre {
			break
		}
		beamFrame := toFrame(l.Pos[l.Si]).Add(p.offset(rng))
		s.Beams = append(s.Beams, BeamRecord{Time: t, X: beamFrame.X, Y: beamFrame.Y, Dwell: p.Dwell, Current: p.Current, Voltage: p.Voltage})
		beamLattice := beamFrame.Sub(half).Sub(drift).Add(centre)
		hops = SimulateDwell(l, cfg.Truth, Beam{Pos: beamLattice, Dwell: p.Dwell, Current: p.Current, Voltage: p.Voltage}, rng, hops[:0])
		s.Hops = append(s.Hops, len(hops))
		t += p.Dwell
		drift = drift.Add(Vec{rng.NormFloat64() * cfg.DriftStep, rng.NormFloat64() * cfg.DriftStep})
		if rng.Float64() < cfg.JumpProb {
			drift = drift.Add(Vec{cfg.JumpSize, 0}.Rotate(2 * math.Pi * rng.Float64()))
		}
	}
	return s
}

// Record simulates series until at least dwells beam dwells have been recorded, using up to
// workers goroutines (0 means 1). Series k draws from its own generator seeded by (seed, k),
// so the result does not depend on the number of workers. progress, when not nil, is called
// with the dwells recorded so far (from one goroutine at a time); ctx cancels the run.
func Record(ctx context.Context, cfg RecordConfig, dwells int, seed uint64, workers int, progress func(done, total int)) ([]Series, error) {
	cfg = cfg.withDefaults()
	if dwells <= 0 {
		return nil, ctx.Err()
	}
	workers = max(workers, 1)
	var (
		mu     sync.Mutex
		out    = map[int]Series{}
		done   int
		next   int
		wg     sync.WaitGroup
		stopAt = -1 // first series index not needed
	)
	claim := func() int {
		mu.Lock()
		defer mu.Unlock()
		if stopAt >= 0 && next >= stopAt {
			return -1
		}
		k := next
		next++
		return k
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				k := claim()
				if k < 0 {
					return
				}
				s := SimulateSeries(cfg, k == 0, rand.New(rand.NewPCG(seed, uint64(k))))
				mu.Lock()
				out[k] = s
				// The prefix of series 0..m that has been completed decides when to stop.
				done = 0
				m := 0
				for ; ; m++ {
					ss, ok := out[m]
					if !ok {
						break
					}
					done += len(ss.Beams)
					if done >= dwells {
						if stopAt < 0 || m+1 < stopAt {
							stopAt = m + 1
						}
						break
					}
				}
				if progress != nil {
					progress(min(done, dwells), dwells)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := make([]Series, 0, stopAt)
	for k := 0; k < stopAt; k++ {
		res = append(res, out[k])
	}
	return res, nil
}
