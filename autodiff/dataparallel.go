package autodiff

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor"
)

// DataParallel computes the gradient of a batch's loss as the weighted sum of the losses of
// its shards (disjoint sets of whole examples), running each shard's forward and backward pass
// on a tape of its own, all at once (tensor.Concurrent): a replica per core. On small models
// this uses the cores better than splitting each operation: every replica runs whole kernels
// on one core, with half the activations to keep in its cache, instead of handing parts of
// each small product to the other core and waiting for them.
//
// Replica 0 accumulates into the parameters' own Grad, like Tape.Backward; the others into
// storage of their own, which Backward then adds to Grad in replica order. The sum equals one
// backward pass over the whole batch up to the order of floating-point additions, and is the
// same from run to run for a given number of replicas.
//
// The shards' forward passes share the parameters, so they must not modify shared state: a
// Dropout layer's generator, for instance, is not safe to share between replicas. A backward
// pass of replica r ≥ 1 that reaches a leaf other than the parameters panics.
type DataParallel struct {
	params  []Param
	tapes   []*Tape
	grads   [][]*tensor.Tensor // grads[r−1][j]: replica r's gradient of params[j] (nil if frozen)
	seeds   []*tensor.Tensor
	results []float64
}

// NewDataParallel returns replicas replicas (at least 1) over params, with their tapes and,
// for replicas 1…replicas−1, gradient storage for every parameter that requires a gradient.
func NewDataParallel(params []Param, replicas int) *DataParallel {
	if replicas < 1 {
		panic(fmt.Sprintf("autodiff: NewDataParallel: %d replicas", replicas))
	}
	d := &DataParallel{params: params, results: make([]float64, replicas)}
	for r := range replicas {
		tp := NewTape()
		d.tapes = append(d.tapes, tp)
		d.seeds = append(d.seeds, tensor.New())
		if r == 0 {
			continue
		}
		grads := make([]*tensor.Tensor, len(params))
		tp.leafGrads = make(map[*Var]*tensor.Tensor, len(params))
		for j, p := range params {
			if p.Var == nil || !p.RequiresGrad {
				continue
			}
			if _, dup := tp.leafGrads[p.Var]; dup {
				panic(fmt.Sprintf("autodiff: NewDataParallel: parameter %q listed twice", p.Name))
			}
			grads[j] = tensor.New(p.Value.Shape()...)
			tp.leafGrads[p.Var] = grads[j]
		}
		d.grads = append(d.grads, grads)
	}
	return d
}

// Replicas returns the number of replicas.
func (d *DataParallel) Replicas() int { return len(d.tapes) }

// Tape returns replica r's tape, on which shard functions build their losses; it is valid
// until the next Backward resets it.
func (d *DataParallel) Tape(r int) *Tape { return d.tapes[r] }

// Backward runs, on every replica at once, shard(r, tp): it builds replica r's loss, a scalar,
// on tp (reset beforehand) and returns it with its weight wᵣ. Backward then propagates
// wᵣ·lossᵣ on each replica's tape, adds the replicas' parameter gradients into the parameters'
// Grad, and returns Σ wᵣ·lossᵣ, the batch's loss. For a batch loss that is a mean over
// examples, wᵣ is the shard's share of the examples (of the tokens, for a mean over tokens). A
// zero weight skips the shard's backward pass. Like Tape.Backward, it accumulates: zero the
// gradients (ZeroGrad) or drop them (ClearGrad) before it for a fresh gradient.
func (d *DataParallel) Backward(shard func(r int, tp *Tape) (loss *Var, weight float64)) float64 {
	tensor.Concurrent(len(d.tapes), func(r int) {
		tp := d.tapes[r]
		tp.Reset()
		if r > 0 {
			for _, g := range d.grads[r-1] {
				if g != nil {
					clear(g.Data())
				}
			}
		}
		loss, w := shard(r, tp)
		if loss.Value.Len() != 1 {
			panic(fmt.Sprintf("autodiff: DataParallel.Backward: replica %d's loss has shape %v; want one element", r, loss.Value.Shape()))
		}
		d.results[r] = w * float64(loss.Value.Item())
		switch w {
		case 0:
		case 1:
			tp.Backward(loss)
		default:
			if !d.seeds[r].SameShape(loss.Value) {
				d.seeds[r] = tensor.New(loss.Value.Shape()...)
			}
			d.seeds[r].Data()[0] = float32(w)
			tp.BackwardWith(loss, d.seeds[r])
		}
	})
	for j, p := range d.params {
		for _, grads := range d.grads {
			g := grads[j]
			if g == nil {
				continue
			}
			if p.Grad == nil {
				p.restoreGrad(true)
			}
			tensor.Axpy(1, g.Data(), p.Grad.Data())
		}
	}
	var total float64
	for _, l := range d.results {
		total += l
	}
	return total
}
