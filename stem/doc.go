// Package stem learns and controls the electron-beam-driven motion of a silicon dopant in
// graphene, after Schwarzer, Farebrother, Greaves et al., "Learning and controlling silicon
// dopant transitions in graphene using scanning transmission electron microscopy"
// (arXiv 2311.17894, 2023). It ships a simulator of the microscope as the embedded default
// and a processing pipeline that runs unchanged on real observations.
//
// # The physics
//
// Graphene is a honeycomb of carbon atoms 1.42 Å apart (BondLength). A substitutional silicon
// atom sits three-fold coordinated in the sheet. When the focused beam of a scanning
// transmission electron microscope (STEM) dwells near one of the silicon's carbon neighbours,
// an electron occasionally transfers enough momentum to that carbon for the Si–C bond to
// invert: the carbon and the silicon swap places and the dopant has moved one lattice site.
// The event is a Poisson process: with the beam fixed at position b the silicon swaps with
// neighbour k at rate λ_k(b), so the waiting time to the first hop is exponential with the
// total rate Λ = λ₀ + λ₁ + λ₂, and the hop goes to k with probability λ_k/Λ. Over a dwell of t
// seconds
//
//	P(no hop)            = e^{−Λt}
//	P(first hop is to k) = (λ_k/Λ)·(1 − e^{−Λt}).
//
// After a hop the geometry relative to the fixed beam changes, so the rates change: several
// hops in one dwell are possible. SimulateDwell runs this kinetic Monte Carlo on a Lattice,
// re-evaluating the rates after each hop. Lattice builds a disc of graphene with a random
// rotation and offset and answers neighbour queries with a spatial hash.
//
// The rates are a RateModel (a tenet.Model from Query to Rates). A Query gives the beam offset
// in the site frame (silicon at the origin, neighbour 0 on +x, neighbours 1 and 2
// counter-clockwise at 120° and 240°) and the dwell, current and voltage. Ground truths:
//
//   - GaussianPrior: the reference implementation's prior, a Gaussian bump per neighbour
//     centred 0.85 bond lengths along the Si→C bond, variance 0.1 bond², peak ln 2/3 s⁻¹;
//   - Falloff: an inverse-square falloff Peak/(1 + (4d/1.42)²) in the beam–neighbour distance;
//   - Mixture: randomised Gaussian mixtures per neighbour (NewRandomMixture), for robustness;
//   - Physical: λ_k = (I/e)·σ(V)·ρ(r_k), electrons per second times a voltage-dependent
//     cross-section times the probe's areal intensity at the neighbour (formula and constants
//     on the type).
//
// Every one is built per neighbour in that neighbour's bond frame, so it is exactly
// equivariant under the site's 120° rotations and mirror-symmetric about each bond, as the
// physics of a three-fold site requires. Rates scale linearly with the probe current.
//
// # From images to transitions
//
// The paper's data are STEM frames interleaved with beam dwells. Render draws synthetic
// annular dark-field frames: Gaussian spots whose peak scales as Z^1.7 (silicon ≈ 4× as bright
// as carbon), Poisson shot noise, per-atom jitter and occasionally missed atoms; SimulateSeries
// and Record run whole sessions with sample drift (a random walk plus rare stage jumps)
// between frames, the beam placed uniformly within 3 Å of the silicon (DefaultProtocol).
//
// The pipeline (Extract) is what would run on a microscope:
//
//  1. DetectAtoms: smooth, take local maxima, suppress close weaker ones, threshold between the
//     background and the median peak, refine to sub-pixel by a parabola through the logarithm
//     of the peak and its neighbours (exact for Gaussian spots).
//  2. Identify the silicon by brightness (more than twice the median); keep frames with exactly
//     one.
//  3. Check three-fold coordination: exactly three atoms within 2 Å of the silicon.
//  4. Align consecutive frames (Align: point-set registration over candidate shifts, robust to
//     the silicon having moved) and drop pairs whose drift exceeds 0.71 Å.
//  5. Label the dwell: no hop if the drift-corrected silicon is where it was, hop to k if it
//     is on neighbour k, dropped otherwise (it moved further: a multi-hop).
//  6. Canonicalise (Canonicalise): rotate so that the neighbour nearest the beam lies on +x,
//     number the others counter-clockwise, and reflect so that the beam lies in the upper
//     half plane, swapping neighbours 1 and 2 to match. Every transition then lives in a 60°
//     wedge.
//
// Dropped pairs are counted by reason in PipelineStats. Real data come in as grayscale PNG
// frames with a CSV beam log (ReadFramePNG, ReadBeamLog) or as a CSV of atom positions per
// frame (ReadAtomCSV); the formats are documented on those functions, and the readers return
// errors rather than panic.
//
// # The transition model and its likelihood
//
// RateNet is the paper's network: input normalisation, an MLP (swish), four outputs — three
// direction logits and a total rate Λ = softplus(o₃) — giving λ_k = softmax(o)_k·Λ. It is
// trained (TrainRateNet) by maximum likelihood of the observed outcome of each dwell:
//
//	no hop:     −log P = Λt
//	hop to k:   −log P = −log(1 − e^{−Λt}) − log softmax(o)_k
//
// the survival term for the total rate plus the cross-entropy of the direction. A dwell with
// several hops is labelled by where the silicon ended: if it ends on a neighbour it is scored
// as a single hop there, if it ends back home as no hop, and if it ends anywhere else the
// pipeline drops it. This is the paper's treatment; it biases the likelihood slightly where
// rates are high (under the Gaussian prior with 1 s dwells about 3% of the dwells with a hop
// have more than one).
// Symmetry enters through canonicalisation: RateNet.Predict canonicalises any query, so the
// learned model is exactly equivariant; NetConfig.Augment instead trains on the mirror images
// and lets the network see both halves of the canonical frame. TrainEnsemble fits a bootstrap
// ensemble whose rates are averaged. Baselines: Constant (one rate, one direction law), KNN
// and Histogram (local hop frequencies in the canonical frame, smoothed towards the global
// ones, with K or bin size chosen on held-out data). Models are compared by held-out
// TransitionNLL; ExcessNLL gives the paired excess over the ground truth (the floor) and
// HopCalibration a reliability diagram of the predicted hop probability.
//
// # Control
//
// Env is the beam-placement problem as a tenet.Environment: the observation is the symbolic
// State (silicon, neighbours, goal, elapsed time), the action a beam position and dwell, and
// the reward γ^T (γ = 0.9967 per second) when the silicon reaches the goal at time T. The
// Controller (a tenet.Policy) takes any RateModel — the true rates, giving the oracle, or the
// learned one: each step it picks the next site on a shortest lattice path (HopDistance, in
// closed form on the honeycomb) and dwells where the model says the probability that the
// first hop goes there, λ_k/Λ·(1 − e^{−Λt}), is largest. Because the models are equivariant,
// that position is found once by a grid search (0.05 Å within 3 Å, the support of the
// training data) in the site frame and rotated onto each hop. MaxRate maximises λ_k alone,
// as the reference code does. Baselines: FixedOffset (the beam on the target carbon) and
// RandomBeam. Evaluate runs paired episodes (same lattices and goals for every controller)
// and Summarise reports success within a time budget and medians with bootstrap intervals.
//
// # What was simplified
//
// The simulator stands in for a microscope: rates are functions of the beam offset from an
// ideal three-fold site (no strain, no other defects, no four-fold Si, no beam damage), the
// frames are Gaussian spots rather than multislice simulations, drift is a translation (no
// rotation or scan distortion), and atom detection is classical rather than the paper's
// learned detector. The physical rate model is a documented stand-in, not a first-principles
// cross-section. The controller plans hop by hop with a fixed dwell rather than learning a
// policy with reinforcement learning. The paper's own accuracy and time-to-goal figures were
// not used as targets; the example checks the learned model against the simulator's ground
// truth instead.
//
// # Conventions
//
// Lengths are in ångström, times in seconds, currents in picoampere, voltages in kilovolt.
// Every stochastic function takes a *rand.Rand or a seed; long loops (Record, TrainRateNet,
// TrainEnsemble, Evaluate) take a context and a progress callback and give the same results
// whatever the number of workers. Nothing in the package prints.
package stem
