package stem

import "math"

// BeamRecord is one row of a beam log: the control applied after a frame. Row i of a log is
// the dwell between frame i and frame i+1.
type BeamRecord struct {
	// Time is when the dwell began, in seconds from the start of the series.
	Time float64
	// X and Y locate the probe in the frame coordinates of the preceding frame (ångström).
	X, Y float64
	// Dwell is the dwell time in seconds.
	Dwell float64
	// Current is the probe current in picoampere; Voltage the accelerating voltage in kV.
	Current, Voltage float64
}

// NoHop is the label of a transition in which the silicon did not move.
const NoHop = -1

// Transition is one observed beam dwell in symbolic, canonical form: the beam offset from the
// silicon in the canonical frame, the beam settings, and which neighbour the silicon moved to.
//
// In the canonical frame the silicon is at the origin, the neighbour nearest the beam lies on
// +x (index 0) and the other two follow counter-clockwise (index 1 near 120°, index 2 near
// 240°); the frame is reflected when needed so that the beam lies in the upper half plane
// (y ≥ 0), with indices 1 and 2 swapped to match. Every beam position then falls in the 60°
// wedge between the +x axis and the bisector of neighbours 0 and 1.
type Transition struct {
	Offset                  Vec
	Dwell, Current, Voltage float64
	// Label is NoHop or the canonical index (0, 1, 2) of the neighbour the silicon moved to.
	Label int
	// Frame is the index, within its series, of the first frame of the pair the transition
	// came from (Extract sets it; it is informational).
	Frame int
}

// Query returns the rate query of the transition (the canonical frame is a site frame).
func (t Transition) Query() Query {
	return Query{Offset: t.Offset, Dwell: t.Dwell, Current: t.Current, Voltage: t.Voltage}
}

// Canonicalise maps a beam position to the canonical frame of a silicon at si with neighbours
// nb (in any order): it returns the beam offset in that frame and, for each given neighbour,
// its canonical index.
func Canonicalise(si Vec, nb [3]Vec, beam Vec) (Vec, [3]int) {
	b := beam.Sub(si)
	j, bd := 0, math.Inf(1)
	for k := range 3 {
		if d := dist2(b, nb[k].Sub(si)); d < bd {
			j, bd = k, d
		}
	}
	theta := nb[j].Sub(si).Angle()
	b = b.Rotate(-theta)
	var perm [3]int
	perm[j] = 0
	ang := func(k int) float64 {
		a := nb[k].Sub(si).Rotate(-theta).Angle()
		if a < 0 {
			a += 2 * math.Pi
		}
		return a
	}
	// The other two neighbours, in counter-clockwise order from neighbour j.
	others := [2]int{(j + 1) % 3, (j + 2) % 3}
	if ang(others[1]) < ang(others[0]) {
		others[0], others[1] = others[1], others[0]
	}
	perm[others[0]], perm[others[1]] = 1, 2
	if b.Y < 0 {
		b.Y = -b.Y
		perm[others[0]], perm[others[1]] = 2, 1
	}
	return b, perm
}

// PipelineConfig sets the filters of Extract; zero fields take the defaults.
type PipelineConfig struct {
	// SiRatio: an atom is silicon when its intensity exceeds SiRatio × the frame's median
	// intensity (default 2; Z-contrast makes Si about 4× as bright as C).
	SiRatio float64
	// BondCutoff: atoms closer than this to the silicon are its neighbours; a usable silicon
	// has exactly three (default 2 Å).
	BondCutoff float64
	// DriftBound: pairs of frames whose estimated drift exceeds this are dropped (default
	// 0.71 Å, half a bond).
	DriftBound float64
	// MatchTol: the silicon of the second frame, drift-corrected, must lie within this of the
	// old silicon (no hop) or of one of its neighbours (a hop); otherwise the pair is dropped
	// as a multi-hop or an unexplained change (default 0.71 Å).
	MatchTol float64
	// MinInliers: pairs whose alignment matches fewer than this fraction of atoms are dropped
	// (default 0.5).
	MinInliers float64
}

func (c PipelineConfig) withDefaults() PipelineConfig {
	if c.SiRatio == 0 {
		c.SiRatio = 2
	}
	if c.BondCutoff == 0 {
		c.BondCutoff = 2
	}
	if c.DriftBound == 0 {
		c.DriftBound = 0.71
	}
	if c.MatchTol == 0 {
		c.MatchTol = 0.71
	}
	if c.MinInliers == 0 {
		c.MinInliers = 0.5
	}
	return c
}

// Reasons a pair of frames is dropped, as counted in PipelineStats.Dropped.
const (
	DropBeam         = "beam"          // no usable beam record for the dwell
	DropSiCount      = "si_count"      // not exactly one silicon in the first frame
	DropSiCountNext  = "si_count_next" // not exactly one silicon in the second frame
	DropCoordination = "coordination"  // the silicon is not three-fold coordinated
	DropAlignment    = "alignment"     // the frames could not be registered
	DropDrift        = "drift"         // the drift between the frames exceeds the bound
	DropMultiHop     = "multi_hop"     // the silicon moved further than one bond
)

// PipelineStats counts what Extract saw, kept and dropped.
type PipelineStats struct {
	Frames, Pairs, Kept int
	Dropped             map[string]int
}

// Add accumulates o into s.
func (s *PipelineStats) Add(o PipelineStats) {
	s.Frames += o.Frames
	s.Pairs += o.Pairs
	s.Kept += o.Kept
	for k, v := range o.Dropped {
		s.drop(k, v)
	}
}

func (s *PipelineStats) drop(reason string, n int) {
	if s.Dropped == nil {
		s.Dropped = map[string]int{}
	}
	s.Dropped[reason] += n
}

// findSi returns the index of the single silicon of f, or −1 when there is not exactly one.
func findSi(f FrameAtoms, ratio float64) int {
	if len(f.Pos) == 0 || len(f.Intensity) != len(f.Pos) {
		return -1
	}
	med := percentile(f.Intensity, 0.5)
	si := -1
	for i, v := range f.Intensity {
		if v > ratio*med {
			if si >= 0 {
				return -1
			}
			si = i
		}
	}
	return si
}

// Extract turns a series of frames and its beam log into transitions: for each consecutive
// pair of frames it identifies the silicon in both, checks that the first is three-fold
// coordinated, registers the second frame onto the first, labels the outcome (no hop, or the
// neighbour the silicon moved to) and canonicalises the beam offset. beams[i] is the control
// applied between frames i and i+1. Pairs failing a filter are dropped and counted by reason
// in stats (which may be nil). It never panics on malformed input.
func Extract(frames []FrameAtoms, beams []BeamRecord, cfg PipelineConfig, stats *PipelineStats) []Transition {
	cfg = cfg.withDefaults()
	var st PipelineStats
	st.Frames = len(frames)
	var out []Transition
	for i := 0; i+1 < len(frames); i++ {
		st.Pairs++
		if reason, tr := extractPair(frames[i], frames[i+1], beams, i, cfg); reason != "" {
			st.drop(reason, 1)
		} else {
			st.Kept++
			tr.Frame = i
			out = append(out, tr)
		}
	}
	if stats != nil {
		stats.Add(st)
	}
	return out
}

func extractPair(a, b FrameAtoms, beams []BeamRecord, i int, cfg PipelineConfig) (string, Transition) {
	if i >= len(beams) {
		return DropBeam, Transition{}
	}
	bm := beams[i]
	for _, v := range []float64{bm.X, bm.Y, bm.Dwell, bm.Current, bm.Voltage} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return DropBeam, Transition{}
		}
	}
	if bm.Dwell <= 0 {
		return DropBeam, Transition{}
	}
	sa := findSi(a, cfg.SiRatio)
	if sa < 0 {
		return DropSiCount, Transition{}
	}
	si := a.Pos[sa]
	var nb [3]Vec
	n := 0
	for j, p := range a.Pos {
		if j != sa && dist2(p, si) < cfg.BondCutoff*cfg.BondCutoff {
			if n == 3 {
				return DropCoordination, Transition{}
			}
			nb[n] = p
			n++
		}
	}
	if n != 3 {
		return DropCoordination, Transition{}
	}
	sb := findSi(b, cfg.SiRatio)
	if sb < 0 {
		return DropSiCountNext, Transition{}
	}
	d, inl := Align(a.Pos, b.Pos, 1.3)
	if inl < cfg.MinInliers {
		return DropAlignment, Transition{}
	}
	if d.Norm() > cfg.DriftBound {
		return DropDrift, Transition{}
	}
	off, perm := Canonicalise(si, nb, Vec{bm.X, bm.Y})
	moved := b.Pos[sb].Sub(d)
	tol2 := cfg.MatchTol * cfg.MatchTol
	label := -2
	if dist2(moved, si) < tol2 {
		label = NoHop
	} else {
		for k := range 3 {
			if dist2(moved, nb[k]) < tol2 {
				label = perm[k]
			}
		}
	}
	if label == -2 {
		return DropMultiHop, Transition{}
	}
	return "", Transition{Offset: off, Dwell: bm.Dwell, Current: bm.Current, Voltage: bm.Voltage, Label: label}
}
