package stem

import (
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet"
)

// Reference beam settings: the rate models are specified at these, and a zero Current or
// Voltage in a Query means these values.
const (
	// RefCurrent is the reference probe current in picoampere.
	RefCurrent = 50.0
	// RefVoltage is the reference accelerating voltage in kilovolt.
	RefVoltage = 60.0
)

// Query asks for the transition rates of a silicon dopant under a beam. Positions are in the
// site frame: the silicon at the origin, its neighbour 0 on the +x axis and neighbours 1 and 2
// counter-clockwise from it at 120° and 240°.
type Query struct {
	// Offset is the beam position relative to the silicon, in the site frame (ångström).
	Offset Vec
	// Dwell is the dwell time in seconds (rates do not depend on it; the likelihood does).
	Dwell float64
	// Current is the probe current in picoampere (0 means RefCurrent).
	Current float64
	// Voltage is the accelerating voltage in kilovolt (0 means RefVoltage).
	Voltage float64
}

func (q Query) current() float64 {
	if q.Current == 0 {
		return RefCurrent
	}
	return q.Current
}

func (q Query) voltage() float64 {
	if q.Voltage == 0 {
		return RefVoltage
	}
	return q.Voltage
}

// Rates holds the rates (per second) at which the silicon swaps with each of its three
// neighbours, in the order of the site frame.
type Rates [3]float64

// Total returns Λ, the sum of the three rates.
func (r Rates) Total() float64 { return r[0] + r[1] + r[2] }

// RateModel maps a beam query to transition rates. The ground-truth models of this package,
// the learned RateNet and Ensemble and the baselines all implement it, so that a controller
// takes any of them.
type RateModel = tenet.Model[Query, Rates]

// bondFunc is a rate for one neighbour as a function of the beam offset u expressed in that
// neighbour's bond frame (silicon at the origin, the neighbour on +x).
type bondFunc func(u Vec, q Query) float64

// equivariant evaluates f in each neighbour's bond frame: rates built this way permute
// cyclically when the beam is rotated by 120° about the silicon.
func equivariant(q Query, f bondFunc) Rates {
	var r Rates
	for k := range 3 {
		r[k] = f(q.Offset.Rotate(-float64(k)*third), q)
	}
	return r
}

// PriorPeakRate is the peak rate ln 2 / 3 s⁻¹ of the Gaussian prior (a half-life of 3 s).
var PriorPeakRate = math.Ln2 / 3

// GaussianPrior is the human-designed prior of the reference implementation: the rate of
// swapping with a neighbour is a Gaussian bump in the beam position, centred on the Si→C bond
// at Mean (in bond lengths, along the bond) with isotropic variance Var (in squared bond
// lengths), peaking at Peak s⁻¹ at RefCurrent and scaling linearly with the current.
type GaussianPrior struct {
	// Mean is the centre of the bump along the bond, in bond lengths (default 0.85).
	Mean float64
	// Var is the variance of the bump in squared bond lengths (default 0.1).
	Var float64
	// Peak is the rate at the centre in s⁻¹ (default PriorPeakRate).
	Peak float64
}

// DefaultPrior returns the Gaussian prior with the reference constants: mean 0.85 bond
// lengths along the bond, variance 0.1, peak ln 2/3 s⁻¹.
func DefaultPrior() GaussianPrior { return GaussianPrior{Mean: 0.85, Var: 0.1, Peak: PriorPeakRate} }

// Predict returns the rates for q.
func (g GaussianPrior) Predict(q Query) Rates {
	return equivariant(q, func(u Vec, q Query) float64 {
		d := u.Scale(1 / BondLength).Sub(Vec{g.Mean, 0})
		return g.Peak * q.current() / RefCurrent * math.Exp(-0.5*d.Dot(d)/g.Var)
	})
}

// Falloff is a smooth inverse-square falloff about each neighbour: the rate of swapping with a
// neighbour at distance d from the beam is Peak/(1 + (4d/BondLength)²), times the current over
// RefCurrent.
type Falloff struct {
	// Peak is the rate with the beam on the neighbour, in s⁻¹.
	Peak float64
}

// Predict returns the rates for q.
func (f Falloff) Predict(q Query) Rates {
	return equivariant(q, func(u Vec, q Query) float64 {
		d := u.Sub(Vec{BondLength, 0}).Norm() / BondLength
		return f.Peak * q.current() / RefCurrent / (1 + 16*d*d)
	})
}

// Mixture is a randomised rate model for robustness studies: each neighbour's rate is a sum of
// Gaussian bumps placed in its bond frame, every bump mirrored about the bond so that the model
// keeps the site's reflection symmetry. Build one with NewRandomMixture.
type Mixture struct {
	// Centres, Sigmas and Weights describe the bumps in the bond frame (ångström, ångström,
	// s⁻¹ at RefCurrent); each is applied together with its mirror image (x, −y).
	Centres []Vec
	Sigmas  []float64
	Weights []float64
}

// NewRandomMixture draws a mixture of k bumps per neighbour: centres uniform in a box around
// the neighbour (x ∈ [0.3, 2.0] Å along the bond, |y| ≤ 0.8 Å), widths in [0.25, 0.6] Å and
// weights Dirichlet-like, rescaled so that the largest total rate on a fine grid is peak s⁻¹.
func NewRandomMixture(k int, peak float64, rng *rand.Rand) Mixture {
	m := Mixture{}
	for range k {
		m.Centres = append(m.Centres, Vec{0.3 + 1.7*rng.Float64(), 0.8 * (2*rng.Float64() - 1)})
		m.Sigmas = append(m.Sigmas, 0.25+0.35*rng.Float64())
		m.Weights = append(m.Weights, 0.2+rng.ExpFloat64())
	}
	hi := 0.0
	for x := -3.0; x <= 3.0; x += 0.05 {
		for y := -3.0; y <= 3.0; y += 0.05 {
			hi = math.Max(hi, m.Predict(Query{Offset: Vec{x, y}}).Total())
		}
	}
	for i := range m.Weights {
		m.Weights[i] *= peak / hi
	}
	return m
}

// Predict returns the rates for q.
func (m Mixture) Predict(q Query) Rates {
	return equivariant(q, func(u Vec, q Query) float64 {
		s := 0.0
		for i, c := range m.Centres {
			inv := -0.5 / (m.Sigmas[i] * m.Sigmas[i])
			s += m.Weights[i] * (math.Exp(inv*dist2(u, c)) + math.Exp(inv*dist2(u, Vec{c.X, -c.Y})))
		}
		return s * q.current() / RefCurrent
	})
}

// Physical is a physically motivated rate model of electron-driven bond inversion. The rate of
// swapping with neighbour k is
//
//	λ_k = (I/e) · σ(V) · ρ(r_k),
//
// where I/e is the number of beam electrons per second, ρ(r_k) the probe's areal intensity
// (fraction of the electrons per Å²) at the neighbour, a normalised Gaussian of full width at
// half maximum ProbeFWHM evaluated at the beam–neighbour distance r_k, and σ(V) the
// cross-section for a bond-inverting impact on that carbon. Knock-on physics sets σ by the
// largest energy an electron of kinetic energy E can give a carbon nucleus of rest energy Mc²,
//
//	T_max(E) = 2E(E + 2mc²)/(Mc²)   (11.6 eV at 60 keV),
//
// which is below the static threshold; lattice vibrations smear the threshold, so σ rises
// roughly exponentially with T_max. The model takes
//
//	σ(V) = Sigma60 · exp((T_max(V) − T_max(60 kV))/ThresholdWidth).
//
// The constants are Sigma60 = 0.1 barn (so that a 50 pA probe at 60 kV with a 1 Å FWHM probe
// on the carbon gives ≈ 0.28 hops/s, the scale of ~0.2 hops/s seen in experiments),
// ThresholdWidth =
// 0.6 eV and ProbeFWHM = 1.0 Å. This is a deliberately simple stand-in for
// first-principles cross-sections: it has the right ingredients (linear in current, steep in
// voltage, peaked on the neighbour) but not quantitative accuracy.
type Physical struct {
	// Sigma60 is the cross-section at 60 kV in barn (1 barn = 1e-8 Å²).
	Sigma60 float64
	// ThresholdWidth is the energy scale of the smeared threshold in eV.
	ThresholdWidth float64
	// ProbeFWHM is the probe's full width at half maximum in ångström.
	ProbeFWHM float64
}

// DefaultPhysical returns the physical model with the constants documented on Physical.
func DefaultPhysical() Physical {
	return Physical{Sigma60: 0.1, ThresholdWidth: 0.6, ProbeFWHM: 1.0}
}

const (
	electronCharge = 1.602176634e-19 // C
	electronRestEV = 510998.95       // mc² in eV
	carbonRestEV   = 12 * 931.49410242e6
	barnA2         = 1e-8 // 1 barn in Å²
)

// MaxTransfer returns T_max, the largest kinetic energy (eV) an electron accelerated through kV
// kilovolt can transfer to a carbon nucleus in a head-on collision.
func MaxTransfer(kV float64) float64 {
	e := kV * 1e3
	return 2 * e * (e + 2*electronRestEV) / carbonRestEV
}

// CrossSection returns σ(V) in barn.
func (p Physical) CrossSection(kV float64) float64 {
	return p.Sigma60 * math.Exp((MaxTransfer(kV)-MaxTransfer(60))/p.ThresholdWidth)
}

// Predict returns the rates for q.
func (p Physical) Predict(q Query) Rates {
	s := p.ProbeFWHM / (2 * math.Sqrt(2*math.Ln2))
	perSecond := q.current() * 1e-12 / electronCharge
	sigma := p.CrossSection(q.voltage()) * barnA2
	return equivariant(q, func(u Vec, q Query) float64 {
		r2 := dist2(u, Vec{BondLength, 0})
		rho := math.Exp(-0.5*r2/(s*s)) / (2 * math.Pi * s * s)
		return perSecond * sigma * rho
	})
}
