package sim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/nn"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/tensor"
)

// BCConfig configures behaviour-cloning training. Zero fields take the defaults noted.
type BCConfig struct {
	// Hidden are the MLP's hidden layer sizes (default 256, 256; ReLU).
	Hidden []int
	// Epochs over the data set (default 20), BatchSize examples per step (default 256),
	// LR Adam's learning rate (default 1e-3, cosine-decayed to a tenth).
	Epochs, BatchSize int
	LR                float64
	// Perturb adds, to a share PerturbShare (default 0.5) of the examples, Gaussian noise of
	// Perturb metres (default 0.5; negative disables) to the ego position and Perturb/10
	// radians to its heading, with the target action recomputed by the inverse dynamics
	// toward the next logged state. Training on such corrective examples (as in DART) keeps
	// closed-loop rollouts from drifting off the demonstrated states.
	Perturb, PerturbShare float32
	// Observation sizes the observation.
	Observation ObservationConfig
	// Seed seeds initialisation, shuffling and perturbations.
	Seed uint64
}

// BCPolicy is a behaviour-cloning policy: an MLP from the ego-centric observation (Observer)
// to a continuous action of its dynamics model, trained by mean squared error on actions the
// inverse dynamics infers from logged motion (standardised per dimension). It implements
// Actor for any objects it is given (each observed as the ego); the actions are converted to
// the group's dynamics through the policy's own model when they differ.
//
// A BCPolicy is not safe for concurrent use (it keeps an observation buffer and a tape);
// Clone gives an independent copy sharing nothing.
type BCPolicy struct {
	Dynamics Dynamics
	Net      *nn.MLP
	Observer *Observer
	// Mean and Std standardise the action targets: action = Mean + Std·output.
	Mean, Std [MaxActionDim]float32

	obs  []float32
	tape *autodiff.Tape
}

// Name returns "bc_" followed by the dynamics model's name.
func (p *BCPolicy) Name() string { return "bc_" + p.Dynamics.Name() }

// Clone returns an independent copy (for use on another goroutine).
func (p *BCPolicy) Clone() *BCPolicy {
	return &BCPolicy{Dynamics: p.Dynamics, Net: p.Net.Clone(), Observer: NewObserver(p.Observer.Config), Mean: p.Mean, Std: p.Std}
}

// Predict returns the policy's action (in its own dynamics' space) for a feature vector.
func (p *BCPolicy) Predict(obs []float32) Action {
	if p.tape == nil {
		p.tape = autodiff.NewTape()
		p.tape.SetGradEnabled(false)
	}
	p.tape.Reset()
	x := p.tape.Const(tensor.FromSlice(obs, 1, len(obs)))
	y := p.Net.Forward(p.tape, x).Value.Data()
	a := Action{Valid: true}
	for d := range p.Dynamics.Spec().Dim {
		a.Data[d] = p.Mean[d] + p.Std[d]*y[d]
	}
	return a
}

// Act observes each object as the ego and returns its action in dyn's space.
func (p *BCPolicy) Act(s *SimulatorState, objs []int, dyn Dynamics, out []Action) {
	if p.obs == nil {
		p.obs = make([]float32, p.Observer.Dim())
	}
	for k, i := range objs {
		cur := s.Current(i)
		if !cur.Valid {
			out[k] = Action{}
			continue
		}
		a := p.Predict(p.Observer.Observe(s, i, p.obs))
		if dyn.Name() != p.Dynamics.Name() {
			a = dyn.Inverse(cur, p.Dynamics.Forward(cur, a))
		}
		out[k] = a
	}
}

// BCExample is one training pair: the ego observation and the inferred action.
type bcData struct {
	x   []float32 // n × dim
	y   []float32 // n × adim
	dim int
	n   int
}

// CollectBC builds the behaviour-cloning data set of the SDC in each scenario: for every step
// t from 1 whose transition t → t+1 is valid in the log, the observation of the logged state
// and the action dyn's inverse assigns to the transition, plus perturbed copies as cfg asks.
func collectBC(scs []*Scenario, dyn Dynamics, obs *Observer, cfg BCConfig, rng *rand.Rand) bcData {
	dim, adim := obs.Dim(), dyn.Spec().Dim
	d := bcData{dim: dim}
	s := &SimulatorState{}
	buf := make([]float32, dim)
	for _, sc := range scs {
		if sc.SDC < 0 {
			continue
		}
		s.Reset(sc)
		for t := 1; t+1 < sc.Log.NumSteps; t++ {
			cur, next := sc.Log.At(sc.SDC, t), sc.Log.At(sc.SDC, t+1)
			if !cur.Valid || !next.Valid {
				continue
			}
			s.Timestep = t
			copies := 1
			if cfg.Perturb > 0 && rng.Float32() < cfg.PerturbShare {
				copies = 2
			}
			for c := range copies {
				st := cur
				if c == 1 {
					st.X += cfg.Perturb * float32(rng.NormFloat64())
					st.Y += cfg.Perturb * float32(rng.NormFloat64())
					st.Yaw = WrapAngle(st.Yaw + cfg.Perturb/10*float32(rng.NormFloat64()))
				}
				s.Sim.Set(sc.SDC, t, st)
				obs.Observe(s, sc.SDC, buf)
				a := dyn.Inverse(st, next)
				d.x = append(d.x, buf...)
				d.y = append(d.y, a.Data[:adim]...)
				d.n++
			}
			s.Sim.Set(sc.SDC, t, cur)
		}
	}
	return d
}

// TrainBC trains a behaviour-cloning policy for the SDC of the given scenarios in dyn's
// action space (a bounded continuous model: Bicycle, DeltaLocal, …). progress, when not nil,
// is called after every epoch with the mean training loss. It returns an error when there is
// no training data or ctx is cancelled.
func TrainBC(ctx context.Context, scs []*Scenario, dyn Dynamics, cfg BCConfig, progress func(epoch int, loss float64)) (*BCPolicy, error) {
	if len(cfg.Hidden) == 0 {
		cfg.Hidden = []int{256, 256}
	}
	if cfg.Epochs <= 0 {
		cfg.Epochs = 20
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 256
	}
	if cfg.LR <= 0 {
		cfg.LR = 1e-3
	}
	if cfg.Perturb == 0 {
		cfg.Perturb = 0.5
	}
	if cfg.PerturbShare <= 0 {
		cfg.PerturbShare = 0.5
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xbc))
	obs := NewObserver(cfg.Observation)
	data := collectBC(scs, dyn, obs, cfg, rng)
	if data.n == 0 {
		return nil, fmt.Errorf("sim: TrainBC: no valid SDC transitions in %d scenarios", len(scs))
	}
	adim := dyn.Spec().Dim
	p := &BCPolicy{Dynamics: dyn, Observer: obs}
	// Standardise the targets.
	for a := range adim {
		var s, s2 float64
		for i := range data.n {
			v := float64(data.y[i*adim+a])
			s += v
			s2 += v * v
		}
		mean := s / float64(data.n)
		std := math.Sqrt(max(s2/float64(data.n)-mean*mean, 1e-8))
		p.Mean[a], p.Std[a] = float32(mean), float32(std)
		for i := range data.n {
			data.y[i*adim+a] = (data.y[i*adim+a] - p.Mean[a]) / p.Std[a]
		}
	}
	sizes := append(append([]int{data.dim}, cfg.Hidden...), adim)
	p.Net = nn.NewMLP("bc", sizes, nn.ReLU, rng)
	opt := optim.NewAdam(p.Net.Params(), optim.AdamConfig{LR: cfg.LR})
	B := min(cfg.BatchSize, data.n)
	steps := cfg.Epochs * (data.n / B)
	sched := optim.Cosine(cfg.LR, cfg.LR/10, int64(max(steps, 1)))
	xb := make([]float32, B*data.dim)
	yb := make([]float32, B*adim)
	xt := tensor.FromSlice(xb, B, data.dim)
	yt := tensor.FromSlice(yb, B, adim)
	perm := make([]int, data.n)
	for i := range perm {
		perm[i] = i
	}
	tp := autodiff.NewTape()
	step := int64(0)
	for epoch := range cfg.Epochs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		var sum float64
		nb := data.n / B
		for b := range nb {
			for r := range B {
				i := perm[b*B+r]
				copy(xb[r*data.dim:(r+1)*data.dim], data.x[i*data.dim:(i+1)*data.dim])
				copy(yb[r*adim:(r+1)*adim], data.y[i*adim:(i+1)*adim])
			}
			tp.Reset()
			pred := p.Net.Forward(tp, tp.Const(xt))
			loss := tp.MSE(pred, tp.Const(yt))
			opt.ZeroGrad()
			tp.Backward(loss)
			opt.SetLR(sched(step))
			opt.Step()
			step++
			sum += float64(loss.Value.Data()[0])
		}
		if progress != nil {
			progress(epoch, sum/float64(max(nb, 1)))
		}
	}
	return p, nil
}
