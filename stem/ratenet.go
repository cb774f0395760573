package stem

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/nn"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/tensor"
)

// numFeatures is the width of the network input: canonical beam x and y, dwell and current.
const numFeatures = 4

// idealNeighbours are the neighbours of a site frame.
var idealNeighbours = [3]Vec{
	{BondLength, 0},
	Vec{BondLength, 0}.Rotate(third),
	Vec{BondLength, 0}.Rotate(2 * third),
}

// canonicalQuery maps a site-frame query to the canonical frame: the canonical offset and, for
// each site neighbour k, its canonical index. Without fold the reflection is not applied (the
// offset may have y < 0).
func canonicalQuery(q Query, fold bool) (Vec, [3]int) {
	off, perm := Canonicalise(Vec{}, idealNeighbours, q.Offset)
	if !fold {
		// Undo the reflection if Canonicalise applied one: the offset before reflecting had the
		// sign of the rotated beam's y.
		j := 0
		for k := range 3 {
			if perm[k] == 0 {
				j = k
			}
		}
		if q.Offset.Rotate(-float64(j)*third).Y < 0 {
			off.Y = -off.Y
			for k := range 3 {
				if perm[k] != 0 {
					perm[k] = 3 - perm[k]
				}
			}
		}
	}
	return off, perm
}

// RateNet is the learned transition model of the paper: an MLP on normalised inputs (the
// canonical beam offset x and y, the dwell time and the current) whose four outputs are three
// direction logits and a pre-activation of the total rate, Λ = softplus(o₃). The rate to
// canonical neighbour k is λ_k = softmax(o₀..o₂)_k · Λ. Predict canonicalises any site-frame
// query, evaluates the network and maps the rates back, so the model is exactly equivariant
// under the 120° rotations (and the reflections, when Fold is set).
//
// A RateNet is safe for concurrent use by Predict once trained.
type RateNet struct {
	MLP *nn.MLP
	// Mean and Std normalise the features.
	Mean, Std [numFeatures]float64
	// Fold reports that the network sees only the folded half (y ≥ 0) of the canonical frame;
	// otherwise it was trained with mirror augmentation and sees both halves.
	Fold bool
}

func (n *RateNet) features(off Vec, q Query, dst []float32) {
	raw := [numFeatures]float64{off.X, off.Y, q.Dwell, q.current()}
	for i, v := range raw {
		dst[i] = float32((v - n.Mean[i]) / n.Std[i])
	}
}

// Predict returns the learned rates for q.
func (n *RateNet) Predict(q Query) Rates {
	return n.PredictBatch([]Query{q})[0]
}

// PredictBatch returns the learned rates for every query, in one forward pass.
func (n *RateNet) PredictBatch(qs []Query) []Rates {
	if len(qs) == 0 {
		return nil
	}
	x := tensor.New(len(qs), numFeatures)
	xd := x.Data()
	perms := make([][3]int, len(qs))
	for i, q := range qs {
		var off Vec
		off, perms[i] = canonicalQuery(q, n.Fold)
		n.features(off, q, xd[i*numFeatures:(i+1)*numFeatures])
	}
	out := n.MLP.Forward(nil, autodiff.NewVar(x, false)).Value.Data()
	res := make([]Rates, len(qs))
	for i := range qs {
		o := out[i*4 : i*4+4]
		lam := softplus(float64(o[3]))
		p := softmax3(o[:3])
		for k := range 3 {
			res[i][k] = lam * p[perms[i][k]]
		}
	}
	return res
}

func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func softmax3(o []float32) [3]float64 {
	m := math.Max(float64(o[0]), math.Max(float64(o[1]), float64(o[2])))
	var p [3]float64
	s := 0.0
	for k := range 3 {
		p[k] = math.Exp(float64(o[k]) - m)
		s += p[k]
	}
	for k := range 3 {
		p[k] /= s
	}
	return p
}

// NetConfig sets the architecture and training of a RateNet; zero fields take the defaults.
type NetConfig struct {
	// Hidden lists the hidden layer widths (default 64, 64) and Activation their
	// non-linearity (default swish, as in the paper).
	Hidden     []int
	Activation nn.Activation
	// Epochs, BatchSize: passes over the data and minibatch size (defaults 60 and 256).
	Epochs, BatchSize int
	// LR decays along a cosine from LR to LR/30 (default 3e-3); WeightDecay is AdamW's
	// decoupled decay on the weight matrices (default 1e-4).
	LR, WeightDecay float64
	// Augment trains on the data and its mirror image (the reflection of the site) instead of
	// folding every query into the upper half of the canonical frame.
	Augment bool
	// Seed seeds the initialisation and the minibatch order.
	Seed uint64
}

func (c NetConfig) withDefaults() NetConfig {
	if len(c.Hidden) == 0 {
		c.Hidden = []int{64, 64}
	}
	if c.Activation == nn.Identity {
		c.Activation = nn.Swish
	}
	if c.Epochs == 0 {
		c.Epochs = 60
	}
	if c.BatchSize == 0 {
		c.BatchSize = 256
	}
	if c.LR == 0 {
		c.LR = 3e-3
	}
	if c.WeightDecay == 0 {
		c.WeightDecay = 1e-4
	}
	return c
}

// TrainProgress reports training after an epoch.
type TrainProgress struct {
	Epoch, Epochs int
	// Loss is the mean training negative log-likelihood over the epoch (nats per transition).
	Loss float64
}

// TransitionNLL returns the negative log-likelihood of one observed dwell under rates r:
// −log P(no hop) = Λt for no hop, and −log[(λ_k/Λ)(1 − e^{−Λt})] for a hop to canonical
// neighbour k. This is exact for the first hop of a dwell; a dwell with several hops is scored
// by where the silicon ended (see the package documentation). Probabilities are floored at
// 1e-12.
func TransitionNLL(r Rates, t Transition) float64 {
	lam := r.Total()
	z := lam * t.Dwell
	if t.Label == NoHop {
		return z
	}
	if t.Label < 0 || t.Label > 2 || !(lam > 0) {
		return -math.Log(1e-12)
	}
	p := r[t.Label] / lam * -math.Expm1(-z)
	return -math.Log(math.Max(p, 1e-12))
}

// TrainRateNet fits a RateNet to transitions (in canonical form, as Extract returns them) by
// maximum likelihood: minibatch AdamW on the mean TransitionNLL, the survival term for the
// total rate and the cross-entropy of the direction for hops. The gradient with respect to the
// four outputs is computed in closed form in float64 and handed to the tape. progress, when
// not nil, is called after every epoch; ctx cancels training.
func TrainRateNet(ctx context.Context, data []Transition, cfg NetConfig, progress func(TrainProgress)) (*RateNet, error) {
	cfg = cfg.withDefaults()
	if len(data) == 0 {
		return nil, errors.New("stem: TrainRateNet: no transitions")
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5ee7))
	train := data
	if cfg.Augment {
		train = make([]Transition, 0, 2*len(data))
		for _, t := range data {
			m := t
			m.Offset.Y = -m.Offset.Y
			if m.Label == 1 || m.Label == 2 {
				m.Label = 3 - m.Label
			}
			train = append(train, t, m)
		}
	}
	net := &RateNet{Fold: !cfg.Augment}
	// Input normalisation from the training data.
	var sum, sum2 [numFeatures]float64
	for _, t := range train {
		f := [numFeatures]float64{t.Offset.X, t.Offset.Y, t.Dwell, t.Query().current()}
		for i, v := range f {
			sum[i] += v
			sum2[i] += v * v
		}
	}
	nf := float64(len(train))
	for i := range numFeatures {
		net.Mean[i] = sum[i] / nf
		sd := math.Sqrt(math.Max(sum2[i]/nf-net.Mean[i]*net.Mean[i], 0))
		if sd < 1e-6 {
			sd = 1
		}
		net.Std[i] = sd
	}
	sizes := append([]int{numFeatures}, cfg.Hidden...)
	sizes = append(sizes, 4)
	net.MLP = nn.NewMLP("rate", sizes, cfg.Activation, rng)
	// Start the total rate at the constant-rate estimate.
	last := net.MLP.Layers[len(net.MLP.Layers)-1]
	if c := FitConstant(train); c.Lambda > 0 {
		last.B.Value.Data()[3] = float32(math.Log(math.Expm1(c.Lambda)))
	}
	params := net.MLP.Params()
	opt := optim.NewAdamW(params, optim.AdamConfig{LR: cfg.LR, WeightDecay: cfg.WeightDecay, Decay: optim.DecayMatrices})
	bs := min(cfg.BatchSize, len(train))
	steps := int64(cfg.Epochs * (len(train) / bs))
	sched := optim.Cosine(cfg.LR, cfg.LR/30, max(steps, 1))
	x := tensor.New(bs, numFeatures)
	grad := tensor.New(bs, 4)
	order := make([]int, len(train))
	for i := range order {
		order[i] = i
	}
	tp := autodiff.NewTape()
	step := int64(0)
	for epoch := range cfg.Epochs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		lossSum, n := 0.0, 0
		for b := 0; b+bs <= len(order); b += bs {
			batch := order[b : b+bs]
			xd := x.Data()
			for i, idx := range batch {
				t := train[idx]
				net.features(t.Offset, t.Query(), xd[i*numFeatures:(i+1)*numFeatures])
			}
			tp.Reset()
			out := net.MLP.Forward(tp, tp.Const(x))
			od, gd := out.Value.Data(), grad.Data()
			for i, idx := range batch {
				l, g := nllGrad(od[i*4:i*4+4], train[idx])
				lossSum += l
				for k := range 4 {
					gd[i*4+k] = float32(g[k] / float64(bs))
				}
			}
			n += bs
			opt.ZeroGrad()
			tp.BackwardWith(out, grad)
			opt.SetLR(sched(step))
			opt.Step()
			step++
		}
		if progress != nil {
			progress(TrainProgress{Epoch: epoch + 1, Epochs: cfg.Epochs, Loss: lossSum / float64(max(n, 1))})
		}
	}
	return net, nil
}

// nllGrad returns the negative log-likelihood of t under the network outputs o (three logits
// and the total-rate pre-activation) and its gradient with respect to o.
func nllGrad(o []float32, t Transition) (float64, [4]float64) {
	var g [4]float64
	lam := softplus(float64(o[3])) + 1e-6
	dlam := sigmoid(float64(o[3])) // dΛ/do₃
	z := lam * t.Dwell
	if t.Label == NoHop {
		g[3] = t.Dwell * dlam
		return z, g
	}
	p := softmax3(o[:3])
	em := -math.Expm1(-z) // 1 − e^{−z}
	loss := -math.Log(math.Max(em, 1e-300)) - math.Log(math.Max(p[t.Label], 1e-300))
	g[3] = -1 / math.Expm1(z) * t.Dwell * dlam
	for k := range 3 {
		g[k] = p[k]
	}
	g[t.Label]--
	return loss, g
}

// Ensemble averages the per-neighbour rates of several models (a bootstrap ensemble). It is
// safe for concurrent use when its members are.
type Ensemble struct {
	Members []*RateNet
}

// Predict returns the mean of the members' rates.
func (e *Ensemble) Predict(q Query) Rates { return e.PredictBatch([]Query{q})[0] }

// PredictBatch returns the mean of the members' rates for every query.
func (e *Ensemble) PredictBatch(qs []Query) []Rates {
	out := make([]Rates, len(qs))
	for _, m := range e.Members {
		for i, r := range m.PredictBatch(qs) {
			for k := range 3 {
				out[i][k] += r[k] / float64(len(e.Members))
			}
		}
	}
	return out
}

// TrainEnsemble trains members RateNets, each on a bootstrap resample of data (drawn with the
// member's seed, derived from cfg.Seed) and with its own initialisation, on up to workers
// goroutines. Results do not depend on workers. progress receives (member, epoch progress)
// from one goroutine at a time.
func TrainEnsemble(ctx context.Context, data []Transition, cfg NetConfig, members, workers int, progress func(member int, p TrainProgress)) (*Ensemble, error) {
	if members < 1 {
		return nil, errors.New("stem: TrainEnsemble: need at least one member")
	}
	e := &Ensemble{Members: make([]*RateNet, members)}
	errs := make([]error, members)
	var mu sync.Mutex
	sem := make(chan struct{}, max(workers, 1))
	var wg sync.WaitGroup
	for m := range members {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c := cfg
			c.Seed = cfg.Seed*1000003 + uint64(m) + 1
			rng := rand.New(rand.NewPCG(c.Seed, 0xb007))
			boot := make([]Transition, len(data))
			for i := range boot {
				boot[i] = data[rng.IntN(len(data))]
			}
			var pf func(TrainProgress)
			if progress != nil {
				pf = func(p TrainProgress) {
					mu.Lock()
					progress(m, p)
					mu.Unlock()
				}
			}
			e.Members[m], errs[m] = TrainRateNet(ctx, boot, c, pf)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return e, nil
}
